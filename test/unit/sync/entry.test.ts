import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../functions/core/shared/errors.js';
import { InvalidEventError } from '../../../functions/core/shared/event.js';
import { handler as guardHandler } from '../../../functions/handlers/guard.js';
import { handler } from '../../../functions/handlers/sync.js';
import { fixture } from './helpers.js';

const env = {
  DATA_BUCKET: 'wpkb-prod-data-123456789012',
  KNOWLEDGE_BASE_ID: 'KB12345678',
  DATA_SOURCE_ID: 'DS12345678',
  AGENT_ID: 'AG12345678',
  PINECONE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:wpkb/prod/pinecone-AbCdEf',
  PINECONE_INDEX_HOST: 'https://wpkb-prod-abc1234.svc.aped-4627-b74a.pinecone.io',
  PINECONE_NAMESPACE: 'mall-prod',
  EMBEDDING_DIMENSIONS: '1024',
  ENV_NAME: 'prod',
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Lambda entry points (no AWS call is made)', () => {
  it('sync: a missing variable fails the cold start with a ConfigError, then the real deps are built', async () => {
    for (const [name, value] of Object.entries(env))
      vi.stubEnv(name, name === 'DATA_SOURCE_ID' ? undefined : value);
    await expect(handler(fixture('verify.json'))).rejects.toThrow(
      new ConfigError('environment DATA_SOURCE_ID: is not set'),
    );

    vi.stubEnv('DATA_SOURCE_ID', env.DATA_SOURCE_ID);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    await expect(handler(fixture('unknown-action.json'))).rejects.toBeInstanceOf(InvalidEventError);
  });

  it('guard: validates the event before calling Step Functions', async () => {
    vi.stubEnv('AWS_REGION', 'us-east-1');
    await expect(guardHandler({})).rejects.toThrow(/^guard event: stateMachineArn: /);
  });
});
