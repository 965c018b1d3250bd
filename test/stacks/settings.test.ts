import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/core/shared/config/load.js';
import { ConfigError } from '../../functions/core/shared/errors.js';
import { canonicalJson, cloudNames, fingerprint, parseModelReference } from '../../stacks/settings.js';
import { cdkJson, configFor } from './synth.js';

describe('cloudNames', () => {
  it('derives every environment-dependent name from the environment when not configured', () => {
    const config = loadConfig({ overrides: { env: 'staging' } });
    expect(cloudNames(config)).toEqual({
      env: 'staging',
      prefix: 'wpkb-staging',
      stackName: 'wpkb-staging',
      pineconeIndex: 'wpkb-staging',
      pineconeNamespace: 'staging',
      pineconeSecret: 'wpkb/staging/pinecone',
      siteSecret: 'wpkb/staging/webhook',
      webhookSecret: 'wpkb/staging/webhook',
    });
  });

  it('uses configured Pinecone names as they are', () => {
    const config = loadConfig({
      overrides: {
        env: 'qa',
        cloud: {
          pinecone: { indexName: 'shared-index', namespace: 'qa-mall', apiKeySecret: 'team/pinecone' },
        },
      },
    });
    expect(cloudNames(config)).toMatchObject({
      pineconeIndex: 'shared-index',
      pineconeNamespace: 'qa-mall',
      pineconeSecret: 'team/pinecone',
    });
  });

  it('uses the configured site secret as it is', () => {
    const config = loadConfig({
      overrides: { env: 'qa', cloud: { chat: { visitorTokens: { secret: 'mall/site-secret' } } } },
    });
    expect(cloudNames(config).siteSecret).toBe('mall/site-secret');
  });
});

describe('cdk.json environments', () => {
  it('give dev and prod their own names, schedule, namespace, secret and alarm e-mail', () => {
    const dev = configFor('dev');
    const prod = configFor('prod');
    expect([dev.env, prod.env]).toEqual(['dev', 'prod']);
    expect(cloudNames(dev)).toMatchObject({ pineconeNamespace: 'dev', pineconeSecret: 'wpkb/dev/pinecone' });
    expect(cloudNames(prod)).toMatchObject({
      pineconeNamespace: 'prod',
      pineconeSecret: 'wpkb/prod/pinecone',
    });
    expect(dev.cloud.schedule).not.toBe(prod.cloud.schedule);
    expect(dev.cloud.alarmEmail).toBeUndefined();
    expect(prod.cloud.alarmEmail).toMatch(/@/);
    expect(prod.cloud.guardrail.enabled).toBe(true);
    expect(prod.cloud.guardrail.deniedTopics.length).toBeGreaterThan(0);
    expect(dev.cloud.pinecone.removalPolicy).toBe('delete');
    expect(prod.cloud.pinecone.removalPolicy).toBe('retain');
  });

  it('selects the environment from WPKB_ENV too', () => {
    const config = loadConfig({ context: cdkJson.context.wpkb, env: { WPKB_ENV: 'prod' } });
    expect(cloudNames(config).pineconeIndex).toBe('wpkb-prod');
  });

  it('runs the app with tsx and keeps build output out of watch', () => {
    expect(cdkJson.app).toBe('npx tsx bin/app.ts');
    expect(cdkJson.watch.exclude).toEqual(expect.arrayContaining(['cdk.out', 'node_modules', 'test']));
    expect(cdkJson.context['@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy']).toBe(true);
  });
});

describe('cloud configuration validation', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'embedding dimensions Titan V2 does not offer',
      { embedding: { dimensions: 768 } },
      /cloud\.embedding\.dimensions/,
    ],
    [
      'a session TTL below 60 s',
      { agent: { idleSessionTtlSeconds: 30 } },
      /cloud\.agent\.idleSessionTtlSeconds/,
    ],
    [
      'a secret value instead of a name',
      { pinecone: { apiKeySecret: 'pcsk_abc def' } },
      /cloud\.pinecone\.apiKeySecret/,
    ],
    ['an upper-case index name', { pinecone: { indexName: 'WPKB' } }, /cloud\.pinecone\.indexName/],
    [
      'a chunk overlap of 0 %',
      { knowledgeBase: { chunking: { strategy: 'FIXED_SIZE', maxTokens: 300, overlapPercentage: 0 } } },
      /cloud\.knowledgeBase\.chunking\.overlapPercentage/,
    ],
    [
      'an unknown chunking strategy',
      { knowledgeBase: { chunking: { strategy: 'PARAGRAPH' } } },
      /cloud\.knowledgeBase\.chunking\.strategy/,
    ],
    [
      'a denied topic name Bedrock rejects (accents)',
      { guardrail: { deniedTopics: [{ name: 'Política', definition: 'Política partidista.' }] } },
      /cloud\.guardrail\.deniedTopics\.0\.name/,
    ],
    ['an alarm address that is not one', { alarmEmail: 'alertas' }, /cloud\.alarmEmail/],
  ])('rejects %s, naming the key', (_what, cloud, key) => {
    expect(() => loadConfig({ overrides: { cloud } })).toThrow(ConfigError);
    expect(() => loadConfig({ overrides: { cloud } })).toThrow(key);
  });

  it('defaults to Bedrock-default chunking, Titan V2 at 1024 and no guardrail', () => {
    const { cloud } = loadConfig({});
    expect(cloud.knowledgeBase.chunking).toEqual({
      strategy: 'FIXED_SIZE',
      maxTokens: 300,
      overlapPercentage: 20,
    });
    expect(cloud.embedding.dimensions).toBe(1024);
    expect(cloud.guardrail.enabled).toBe(false);
    // Keeping vectors is the safe default: a failed deletion can wedge a data source (docs/deploy.md).
    expect(cloud.knowledgeBase.dataDeletionPolicy).toBe('RETAIN');
  });
});

describe('parseModelReference', () => {
  it.each([
    [
      'anthropic.claude-3-haiku-20240307-v1:0',
      { kind: 'foundation-model', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' },
    ],
    [
      'eu.anthropic.claude-haiku-4-5-20251001-v1:0',
      {
        kind: 'inference-profile',
        profileId: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0',
        modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
      },
    ],
    ['global.amazon.nova-2-lite-v1:0', { kind: 'inference-profile', modelId: 'amazon.nova-2-lite-v1:0' }],
    [
      'arn:aws:bedrock:us-east-1:000000000000:application-inference-profile/abc123',
      { kind: 'arn', arn: 'arn:aws:bedrock:us-east-1:000000000000:application-inference-profile/abc123' },
    ],
  ])('reads %s', (value, expected) => {
    expect(parseModelReference(value)).toMatchObject(expected);
  });
});

describe('fingerprint', () => {
  it('ignores key order and follows values', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } })).toBe(
      canonicalJson({ a: { c: [3, { e: 5, f: 4 }], d: 2 }, b: 1 }),
    );
    expect(fingerprint({ a: 1, b: 2 })).toBe(fingerprint({ b: 2, a: 1 }));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
    expect(fingerprint([1, 2])).not.toBe(fingerprint([2, 1]));
    expect(fingerprint('x', 8)).toMatch(/^[0-9a-f]{8}$/);
  });
});
