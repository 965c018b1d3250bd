import type { RetrievedReference } from '@aws-sdk/client-bedrock-agent-runtime';
import type { RetrievalFilter } from '../retrieval/filter.js';
import type { Retrieve, Retrieved } from '../retrieval/retriever.js';
import { oneLine } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import { AssistantError, isThrottling } from './assistant.js';
import type { Tool } from './tools.js';

export const KNOWLEDGE_BASE_TOOL = 'search_knowledge_base';
/** Longest query passed to Retrieve (a rewritten question, not a document). */
export const QUERY_MAX = 1000;

export interface KnowledgeBaseToolOptions {
  /** Retrieve on the deployed knowledge base (eval/retriever.ts `bedrockRetrieve`), or any other. */
  retrieve: Retrieve;
  /** Passages per search. */
  numberOfResults: number;
  /** The filter of this moment (freshness: events that ended before today are hidden). */
  filter: () => RetrievalFilter | undefined;
  /** When to use it: the same text the agent is given for its knowledge base. */
  description: string;
  log: Log;
}

/** A passage as the citation builder reads a retrieved reference (chat/citations.ts). */
const referenceOf = (passage: Retrieved): RetrievedReference => ({
  content: { type: 'TEXT', text: passage.text },
  location: { type: 'S3', s3Location: { uri: passage.location } },
  metadata: { source_id: passage.source_id, title: passage.title, url: passage.url },
});

/**
 * `search_knowledge_base`: Retrieve on the same knowledge base the agent uses, with the freshness
 * filter, as a Converse tool. Why a tool and not one retrieval before the first model call: the model
 * writes the query, so a follow-up ("¿y a qué hora cierra?") is searched with its subject resolved
 * from the conversation, directory questions (hours, lists) cost no retrieval, and a second search
 * with other words is possible — exactly what the agent does with its knowledge base. Throttling ends
 * the turn (429, the visitor retries); any other Retrieve failure is an error result the model can
 * answer around.
 */
export function knowledgeBaseTool(options: KnowledgeBaseToolOptions): Tool {
  return {
    spec: {
      name: KNOWLEDGE_BASE_TOOL,
      description: `${options.description} Returns the passages that best match the query, each with the title and url of its page (cite that url). Write a self-contained query in the visitor's language, with what earlier messages refer to spelled out.`,
      inputSchema: {
        json: {
          type: 'object',
          properties: {
            query: {
              type: 'string',
              description: `What to search for, at most ${QUERY_MAX} characters, e.g. "horario de Óptica Chucao" or "estacionamiento para bicicletas".`,
            },
          },
          required: ['query'],
        },
      },
    },
    async run(input) {
      const raw = (input as { query?: unknown } | null | undefined)?.query;
      const query = typeof raw === 'string' ? raw.trim() : '';
      if (!query || query.length > QUERY_MAX) {
        return {
          status: 'error',
          json: {
            error: 'invalid_parameter',
            parameter: 'query',
            message: `query must be a non-empty string of at most ${QUERY_MAX} characters`,
          },
        };
      }
      let passages: Retrieved[];
      try {
        const filter = options.filter();
        passages = await options.retrieve(query, {
          k: options.numberOfResults,
          ...(filter ? { filter } : {}),
        });
      } catch (error) {
        const name = (error instanceof Error ? (error.cause as { name?: string } | undefined) : undefined)
          ?.name;
        if (isThrottling(name)) {
          throw new AssistantError('throttled', `knowledge base search throttled: ${oneLine(error)}`, name, {
            cause: error,
          });
        }
        options.log.warn('knowledge base search failed', { error: oneLine(error), upstream: name });
        return {
          status: 'error',
          json: {
            error: 'knowledge_base_unavailable',
            message:
              'The knowledge base could not be searched right now. Use the mall directory if it covers the question; otherwise say the information is not available right now.',
          },
        };
      }
      return {
        status: 'success',
        json: passages.length
          ? {
              results: passages.map((p) => ({
                title: p.title,
                url: p.url || null,
                content_type: p.content_type,
                text: p.text,
              })),
            }
          : { results: [], note: 'Nothing in the knowledge base matches this query.' },
        references: passages.map(referenceOf),
      };
    },
  };
}
