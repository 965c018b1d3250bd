import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../shared/errors.js';

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
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const text = (out.SecretString ?? '').trim();
  let password = text;
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new ConfigError(`secret ${secretId}: looks like JSON but does not parse`, { cause });
    }
    const value = (parsed as { password?: unknown } | null)?.password;
    if (typeof value !== 'string') throw new ConfigError(`secret ${secretId}: has no "password" string`);
    password = value.trim();
  }
  if (!password) throw new ConfigError(`secret ${secretId}: the application password is empty`);
  return password;
}
