import { describe, expect, it } from 'vitest';
import { syncSettings } from '../../../functions/core/shared/config/sync-env.js';
import { ConfigError } from '../../../functions/core/shared/errors.js';

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

describe('syncSettings', () => {
  it('reads a complete environment', () => {
    expect(syncSettings(env)).toEqual({
      bucket: 'wpkb-prod-data-123456789012',
      knowledgeBaseId: 'KB12345678',
      dataSourceId: 'DS12345678',
      agentId: 'AG12345678',
      pineconeSecretArn: env.PINECONE_SECRET_ARN,
      pineconeIndexHost: env.PINECONE_INDEX_HOST,
      pineconeNamespace: 'mall-prod',
      embeddingDimensions: 1024,
      envName: 'prod',
      strictVerify: true,
    });
  });

  it('takes no agent (the knowledge-base engine has none)', () => {
    const { AGENT_ID: _, ...rest } = env;
    expect(syncSettings(rest).agentId).toBeUndefined();
  });

  it('defaults the namespace to the default one and takes STRICT_VERIFY=false', () => {
    const { PINECONE_NAMESPACE: _, ...rest } = env;
    const settings = syncSettings({ ...rest, STRICT_VERIFY: 'false' });
    expect(settings.pineconeNamespace).toBe('');
    expect(settings.strictVerify).toBe(false);
    expect(syncSettings({ ...env, PINECONE_NAMESPACE: '' }).pineconeNamespace).toBe('');
  });

  it('accepts a host without scheme, as the Pinecone console shows it', () => {
    const host = 'wpkb-prod-abc1234.svc.aped-4627-b74a.pinecone.io';
    expect(syncSettings({ ...env, PINECONE_INDEX_HOST: host }).pineconeIndexHost).toBe(host);
  });

  it.each([
    [{ AGENT_ID: 'live' }, 'environment AGENT_ID: must be an agent id (10 letters or digits)'],
    [
      { KNOWLEDGE_BASE_ID: 'kb-1' },
      'environment KNOWLEDGE_BASE_ID: must be a knowledge base id (10 letters or digits)',
    ],
    [{ EMBEDDING_DIMENSIONS: 'large' }, 'environment EMBEDDING_DIMENSIONS: must be a number'],
    [{ EMBEDDING_DIMENSIONS: '10.5' }, 'environment EMBEDDING_DIMENSIONS: must be an integer'],
    [
      { PINECONE_SECRET_ARN: 'wpkb/prod/pinecone' },
      'environment PINECONE_SECRET_ARN: must be a Secrets Manager secret ARN',
    ],
    [
      { PINECONE_INDEX_HOST: 'https://host/path?x=1' },
      'environment PINECONE_INDEX_HOST: must be the Pinecone index host URL',
    ],
    [{ STRICT_VERIFY: 'yes' }, 'environment STRICT_VERIFY: must be "true" or "false"'],
    [{ ENV_NAME: undefined }, 'environment ENV_NAME: is not set'],
  ])('rejects %j with one line naming the variable', (patch, message) => {
    const broken = { ...env, ...patch };
    expect(() => syncSettings(broken)).toThrow(ConfigError);
    expect(() => syncSettings(broken)).toThrow(message);
  });
});
