import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../shared/errors.js';
import { readSecretString } from '../shared/secrets.js';

/** The plugin refuses shorter secrets; so does wpkb. */
const SHARED_SECRET_MIN_CHARS = 16;

/**
 * The site's shared secret (the plugin's WPKB_SECRET: it signs visitor tokens and change notifications)
 * from Secrets Manager: the secret string itself, or the `secret` of `{"secret": "…"}`, at least 16
 * characters. Messages name the secret, never its value.
 */
export async function readSharedSecret(
  client: Pick<SecretsManagerClient, 'send'>,
  secretId: string,
): Promise<string> {
  const value = await readSecretString(client, secretId, 'secret');
  if (value.length < SHARED_SECRET_MIN_CHARS)
    throw new ConfigError(
      `secret ${secretId}: the site's shared secret must be at least ${SHARED_SECRET_MIN_CHARS} characters`,
    );
  return value;
}
