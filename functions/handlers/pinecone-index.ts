import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Pinecone } from '@pinecone-database/pinecone';
import {
  type ApiKey,
  type IndexResourceDeps,
  type IndexResourceEvent,
  type IndexResourceResponse,
  onIndexEvent,
} from '../core/pinecone-index/index-resource.js';
import { systemClock } from '../core/shared/clock.js';
import { WpkbError } from '../core/shared/errors.js';
import { powertoolsLog } from '../core/shared/logger.js';
import { readApiKeySecret } from '../core/shared/secrets.js';

/**
 * Lambda entry of the Pinecone index custom resource (`custom-resources.Provider` onEvent).
 * Thin: reads the API key from Secrets Manager, builds the Pinecone client, delegates to index-resource.ts.
 */

/** Reads `{"apiKey": "…"}` from the secret; messages never include the secret's value. */
export async function readApiKey(
  client: Pick<SecretsManagerClient, 'send'>,
  secretId: string,
): Promise<ApiKey> {
  const { apiKey, arn } = await readApiKeySecret(client, secretId);
  if (!arn) throw new WpkbError(`secret ${secretId}: Secrets Manager returned no ARN`);
  return { apiKey, secretArn: arn };
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
