import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import pLimit from 'p-limit';
import { WpkbError } from '../../core/shared/errors.js';
import type { Embedder } from './embedder.js';

export const TITAN_V2_MODEL_ID = 'amazon.titan-embed-text-v2:0';

export interface TitanEmbedderOptions {
  /** A Bedrock Runtime client for the region where the model is enabled (credentials from the default chain). */
  client: Pick<BedrockRuntimeClient, 'send'>;
  /** 1024 (default), 512 or 256: the same as the cloud knowledge base (`cloud.embedding.dimensions`). */
  dimensions?: 1024 | 512 | 256;
  modelId?: string;
  /** InvokeModel calls in flight (Titan embeds one text per call). */
  concurrency?: number;
}

/**
 * Amazon Titan Text Embeddings V2 through InvokeModel: request `{inputText, dimensions, normalize: true}`,
 * response `{embedding: number[], inputTextTokenCount}`. The same model and dimensions as the cloud
 * knowledge base, so local retrieval scores like the deployed one (chunking aside). Used only when
 * `localKb.embedder` is `titan`; it needs AWS credentials and model access in the region.
 */
export function createTitanEmbedder(options: TitanEmbedderOptions): Embedder {
  const dimensions = options.dimensions ?? 1024;
  const modelId = options.modelId ?? TITAN_V2_MODEL_ID;
  const limit = pLimit(options.concurrency ?? 4);
  const embedOne = async (text: string, index: number): Promise<number[]> => {
    let embedding: unknown;
    try {
      const { InvokeModelCommand } = await import('@aws-sdk/client-bedrock-runtime');
      const response = await options.client.send(
        new InvokeModelCommand({
          modelId,
          contentType: 'application/json',
          accept: 'application/json',
          body: JSON.stringify({ inputText: text, dimensions, normalize: true }),
        }),
      );
      embedding = (JSON.parse(new TextDecoder().decode(response.body)) as { embedding?: unknown }).embedding;
    } catch (cause) {
      const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      throw new WpkbError(`Titan embeddings (${modelId}): text ${index + 1} failed: ${detail}`, { cause });
    }
    if (
      !Array.isArray(embedding) ||
      embedding.length !== dimensions ||
      !embedding.every((v) => typeof v === 'number')
    )
      throw new WpkbError(
        `Titan embeddings (${modelId}): text ${index + 1}: expected ${dimensions} numbers in "embedding"`,
      );
    return embedding as number[];
  };
  return {
    id: `titan:${modelId}:${dimensions}`,
    dimensions,
    embed: (texts) => Promise.all(texts.map((text, index) => limit(() => embedOne(text, index)))),
  };
}
