import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { lambdaSettings } from '../../../functions/core/shared/config/lambda-env.js';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import { applicationPassword } from '../../../functions/core/wordpress/password.js';

const secrets = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'us-east-1' });
afterEach(() => secrets.reset());

describe('WordPress application password from Secrets Manager', () => {
  it('reads a plain secret string or the password of a JSON secret', async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: 'plain' })
      .resolves({ SecretString: 'abcd EFGH ijkl MNOP' });
    secrets
      .on(GetSecretValueCommand, { SecretId: 'json' })
      .resolves({ SecretString: '{"password": "qrst UVWX"}' });
    expect(await applicationPassword(client, 'plain')).toBe('abcd EFGH ijkl MNOP');
    expect(await applicationPassword(client, 'json')).toBe('qrst UVWX');
  });

  it('names the secret, never the value, when it is unusable', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'empty' }).resolves({ SecretString: '  ' });
    secrets
      .on(GetSecretValueCommand, { SecretId: 'other' })
      .resolves({ SecretString: '{"apiKey": "s3cr3t"}' });
    await expect(applicationPassword(client, 'empty')).rejects.toThrow(
      'secret empty: the application password is empty',
    );
    const error = await applicationPassword(client, 'other').catch((e: Error) => e);
    expect(String(error)).toContain('secret other: has no "password" string');
    expect(String(error)).not.toContain('s3cr3t');
  });

  it('passes the secret name to the extract Lambda only when set', () => {
    const base = { DATA_BUCKET: 'wpkb-data' };
    expect(lambdaSettings(base, '{}').passwordSecret).toBeUndefined();
    expect(lambdaSettings({ ...base, WP_APP_PASSWORD_SECRET: 'wpkb/prod/wp' }, '{}').passwordSecret).toBe(
      'wpkb/prod/wp',
    );
  });

  it('refuses a password secret without the user it belongs to', () => {
    expect(() => loadConfig({ overrides: { cloud: { wordpressPasswordSecret: 'wpkb/prod/wp' } } })).toThrow(
      'config key wordpress.username: is needed with cloud.wordpressPasswordSecret',
    );
  });
});
