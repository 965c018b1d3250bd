import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../shared/errors.js';

/** The plugin refuses shorter secrets; so does wpkb. */
export const SHARED_SECRET_MIN_CHARS = 16;

/**
 * The site's shared secret (the plugin's WPKB_SECRET: it signs visitor tokens and change notifications)
 * from Secrets Manager: the secret string itself, or the `secret` of `{"secret": "…"}`, at least 16
 * characters. Messages name the secret, never its value.
 */
export async function readSharedSecret(
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
  if (value.length < SHARED_SECRET_MIN_CHARS)
    throw new ConfigError(
      `secret ${secretId}: the site's shared secret must be at least ${SHARED_SECRET_MIN_CHARS} characters`,
    );
  return value;
}
