import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from './errors.js';

export interface ApiKeySecret {
  /** The secret's `apiKey`, trimmed and non-empty. */
  apiKey: string;
  /** The secret's full ARN, as Secrets Manager returned it. */
  arn?: string;
}

/**
 * Reads an API key from a Secrets Manager secret `{"apiKey": "…"}`. A secret that is not such JSON is a
 * ConfigError; messages name the secret, never its value.
 */
export async function readApiKeySecret(
  client: Pick<SecretsManagerClient, 'send'>,
  secretId: string,
): Promise<ApiKeySecret> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  let apiKey: unknown;
  try {
    apiKey = (JSON.parse(out.SecretString ?? '') as { apiKey?: unknown } | null)?.apiKey;
  } catch (cause) {
    throw new ConfigError(`secret ${secretId}: SecretString is not JSON like {"apiKey": "…"}`, { cause });
  }
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new ConfigError(`secret ${secretId}: has no non-empty "apiKey" string`);
  }
  return { apiKey: apiKey.trim(), ...(out.ARN ? { arn: out.ARN } : {}) };
}
