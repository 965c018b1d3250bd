import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../shared/errors.js';
import { readSecretString } from '../shared/secrets.js';

/**
 * The WordPress application password from Secrets Manager: the secret string itself, or the
 * `password` of `{"password": "…"}`. Application passwords are shown with spaces
 * (`abcd efgh …`); WordPress accepts them either way, so they are passed on as stored.
 * Messages name the secret, never its value.
 */
export async function applicationPassword(
  client: Pick<SecretsManagerClient, 'send'>,
  secretId: string,
): Promise<string> {
  const password = await readSecretString(client, secretId, 'password');
  if (!password) throw new ConfigError(`secret ${secretId}: the application password is empty`);
  return password;
}
