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

/**
 * A secret that people store either as the plain string or as `{"<field>": "…"}` (what the Secrets
 * Manager console's key/value editor writes): the value, trimmed. Messages name the secret, never its
 * value.
 */
export async function readSecretString(
  client: Pick<SecretsManagerClient, 'send'>,
  secretId: string,
  field: string,
): Promise<string> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const text = (out.SecretString ?? '').trim();
  if (!text.startsWith('{')) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`secret ${secretId}: looks like JSON but does not parse`, { cause });
  }
  const value = (parsed as Record<string, unknown> | null)?.[field];
  if (typeof value !== 'string') throw new ConfigError(`secret ${secretId}: has no "${field}" string`);
  return value.trim();
}
