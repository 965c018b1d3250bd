import type {
  BedrockAgentRuntimeClient,
  KnowledgeBaseRetrievalResult,
  RetrievalFilter as SdkRetrievalFilter,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { z } from 'zod';
import { WpkbError } from '../shared/errors.js';
import type { RetrievalFilter } from './filter.js';

/** One retrieved chunk, whichever knowledge base answered. */
export const retrievedSchema = z.object({
  source_id: z.string(),
  content_type: z.string(),
  title: z.string(),
  url: z.string(),
  score: z.number(),
  text: z.string(),
  /** Where the chunk comes from: the `kb/` key locally, the S3 URI from Bedrock. */
  location: z.string(),
});
export type Retrieved = z.infer<typeof retrievedSchema>;

export interface RetrieveRequest {
  k: number;
  filter?: RetrievalFilter;
}

/** What evaluation and canaries need from a knowledge base: a ranked list of chunks for a question. */
export type Retrieve = (question: string, request: RetrieveRequest) => Promise<Retrieved[]>;

export interface BedrockRetrieveOptions {
  client: Pick<BedrockAgentRuntimeClient, 'send'>;
  knowledgeBaseId: string;
  /** HYBRID is only available on OpenSearch Serverless stores; Pinecone knowledge bases are SEMANTIC. */
  overrideSearchType?: 'HYBRID' | 'SEMANTIC';
}

const text = (value: unknown): string =>
  value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);

/** `s3://bucket/kb/stores/122.csv` → `122`; `kb/stores/…` → `stores`. */
function fromUri(uri: string): { sourceId: string; contentType: string } {
  const path = uri.replace(/^s3:\/\/[^/]+\//, '');
  const parts = path.split('/');
  const name = parts.at(-1) ?? '';
  return {
    sourceId: name.replace(/\.[^.]+$/, ''),
    contentType: parts[0] === 'kb' && parts.length > 2 ? (parts[1] ?? '') : '',
  };
}

/**
 * The deployed knowledge base through the Retrieve API (bedrock-agent-runtime):
 * `{knowledgeBaseId, retrievalQuery: {text}, retrievalConfiguration: {vectorSearchConfiguration:
 * {numberOfResults, filter?}}}` → `retrievalResults[] {content.text, location.s3Location.uri, metadata,
 * score}`. The item is read from the chunk's metadata (`source_id`, `content_type`, `title`, `url`, as
 * the sidecars carry them), falling back to the S3 key. Errors name the knowledge base.
 */
export function bedrockRetrieve(options: BedrockRetrieveOptions): Retrieve {
  return async (question, { k, filter }) => {
    let results: KnowledgeBaseRetrievalResult[];
    try {
      const { RetrieveCommand } = await import('@aws-sdk/client-bedrock-agent-runtime');
      const response = await options.client.send(
        new RetrieveCommand({
          knowledgeBaseId: options.knowledgeBaseId,
          retrievalQuery: { text: question },
          retrievalConfiguration: {
            vectorSearchConfiguration: {
              numberOfResults: Math.min(Math.max(k, 1), 100),
              ...(options.overrideSearchType ? { overrideSearchType: options.overrideSearchType } : {}),
              // Our RetrievalFilter is the SDK's shape (filter.ts) without its $unknown member.
              ...(filter ? { filter: filter as SdkRetrievalFilter } : {}),
            },
          },
        }),
      );
      results = response.retrievalResults ?? [];
    } catch (cause) {
      const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      throw new WpkbError(`Retrieve on knowledge base ${options.knowledgeBaseId} failed: ${detail}`, {
        cause,
      });
    }
    return results.map((result) => {
      const metadata = (result.metadata ?? {}) as Record<string, unknown>;
      const uri = result.location?.s3Location?.uri ?? text(metadata['x-amz-bedrock-kb-source-uri']);
      const fallback = fromUri(uri);
      return {
        source_id: text(metadata.source_id) || fallback.sourceId,
        content_type: text(metadata.content_type) || fallback.contentType,
        title: text(metadata.title),
        url: text(metadata.url),
        score: result.score ?? 0,
        text: result.content?.text ?? '',
        location: uri,
      };
    });
  };
}
