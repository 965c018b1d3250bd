import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../shared/errors.js';

/**
 * The webhook's shared secret (what the plugin has as WPKB_SECRET) from Secrets Manager: the secret
 * string itself, or the `secret` of `{"secret": "…"}`. At least 16 characters. Messages name the
 * secret, never its value.
 */
export async function readWebhookSecret(
  client: Pick<SecretsManagerClient, 'send'>,
  secretId: string,
): Promise<string> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  let value = (out.SecretString ?? '').trim();
  if (value.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (cause) {
      throw new ConfigError(`secret ${secretId}: looks like JSON but does not parse`, { cause });
    }
    const secret = (parsed as { secret?: unknown } | null)?.secret;
    if (typeof secret !== 'string') throw new ConfigError(`secret ${secretId}: has no "secret" string`);
    value = secret.trim();
  }
  if (value.length < 16)
    throw new ConfigError(`secret ${secretId}: the webhook secret must be at least 16 characters`);
  return value;
}
