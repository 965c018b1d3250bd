import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Pinecone } from '@pinecone-database/pinecone';
import { readApiKeySecret } from '../shared/secrets.js';
import { PineconeStatsError } from './errors.js';
import type { IndexStatsFn } from './verify.js';

/**
 * Reads the Pinecone API key from a Secrets Manager secret `{"apiKey": "…"}`, once: the promise is
 * cached for the container's life, and dropped after a failure so the next call tries again.
 * Messages name the secret, never its value.
 */
export function secretApiKey(
  client: Pick<SecretsManagerClient, 'send'>,
  secretId: string,
): () => Promise<string> {
  let cached: Promise<string> | undefined;
  const read = async (): Promise<string> => (await readApiKeySecret(client, secretId)).apiKey;
  return () => {
    cached ??= read().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}

/**
 * `describeIndexStats()` of the index at `host` (the KB's connectionString; `https://` is assumed when
 * the scheme is missing, `http://` is accepted — tests use a loopback fake). The client is built once
 * per API key. Pinecone failures become PineconeStatsError naming the host.
 */
export function pineconeIndexStats(options: {
  host: string;
  apiKey: () => Promise<string>;
  /** Retries of a 5xx answer inside the Pinecone SDK (its default: 3, with exponential backoff). */
  maxRetries?: number;
}): IndexStatsFn {
  let client: { apiKey: string; pinecone: Pinecone } | undefined;
  return async () => {
    const apiKey = await options.apiKey();
    if (client?.apiKey !== apiKey)
      client = {
        apiKey,
        pinecone: new Pinecone({ apiKey, sourceTag: 'wpkb', maxRetries: options.maxRetries }),
      };
    try {
      return await client.pinecone.index({ host: options.host }).describeIndexStats();
    } catch (error) {
      throw new PineconeStatsError(
        `pinecone describe_index_stats on ${options.host} failed: ${describe(error)}`,
        {
          cause: error,
        },
      );
    }
  };
}

/** One short line: the error's name and the first sentence of its message (Pinecone's run long). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 300);
  if (error.name === 'PineconeMaxRetriesExceededError') {
    return `${error.name}: the index host answered with a server error (5xx) on every attempt`;
  }
  const message = error.message.replace(/\s+/g, ' ').trim();
  const firstSentence = message.match(/^.*?[.!?](?=\s|$)/)?.[0] ?? message;
  return `${error.name}: ${firstSentence}`.slice(0, 300);
}
