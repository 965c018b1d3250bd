import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Pinecone } from '@pinecone-database/pinecone';
import { systemClock } from '../shared/clock.js';
import { WpkbError } from '../shared/errors.js';
import { powertoolsLog } from '../shared/logger.js';
import {
  type ApiKey,
  type IndexResourceDeps,
  type IndexResourceEvent,
  type IndexResourceResponse,
  onIndexEvent,
} from './index-resource.js';

/**
 * Lambda entry of the Pinecone index custom resource (`custom-resources.Provider` onEvent).
 * Thin: reads the API key from Secrets Manager, builds the Pinecone client, delegates to index-resource.ts.
 */

/** Reads `{"apiKey": "…"}` from the secret; messages never include the secret's value. */
export async function readApiKey(
  client: Pick<SecretsManagerClient, 'send'>,
  secretId: string,
): Promise<ApiKey> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  let apiKey: unknown;
  try {
    apiKey = (JSON.parse(out.SecretString ?? '') as { apiKey?: unknown }).apiKey;
  } catch (cause) {
    throw new WpkbError(`secret ${secretId}: SecretString is not JSON like {"apiKey": "…"}`, { cause });
  }
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new WpkbError(`secret ${secretId}: has no non-empty "apiKey" string`);
  }
  if (!out.ARN) throw new WpkbError(`secret ${secretId}: Secrets Manager returned no ARN`);
  return { apiKey: apiKey.trim(), secretArn: out.ARN };
}

const secrets = new SecretsManagerClient({});

export const deps: IndexResourceDeps = {
  readApiKey: (secretId) => readApiKey(secrets, secretId),
  connect: (apiKey) => new Pinecone({ apiKey, sourceTag: 'wpkb' }),
  clock: systemClock,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  log: powertoolsLog,
};

export const handler = (event: IndexResourceEvent): Promise<IndexResourceResponse> => {
  powertoolsLog.info('Pinecone index resource event', {
    requestType: event.RequestType,
    physicalResourceId: event.PhysicalResourceId,
    indexName: event.ResourceProperties.IndexName,
  });
  return onIndexEvent(event, deps);
};
