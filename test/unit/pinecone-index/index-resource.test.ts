import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Pinecone } from '@pinecone-database/pinecone';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type IndexResourceDeps,
  type IndexResourceEvent,
  onIndexEvent,
  PineconeIndexError,
} from '../../../functions/core/pinecone-index/index-resource.js';
import type { Log } from '../../../functions/core/shared/logger.js';
import { readApiKey } from '../../../functions/handlers/pinecone-index.js';
import { type FakePinecone, serverlessIndex, startFakePinecone } from './fake-pinecone.js';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:wpkb/dev/pinecone-AbCdEf';
const API_KEY = 'pcsk_test_key_123';

let fake: FakePinecone;
let warnings: Array<{ message: string; extra?: Record<string, unknown> }>;
let nowMs: number;
let sleeps: number[];

const log: Log = {
  debug() {},
  info() {},
  warn: (message, extra) => warnings.push({ message, extra }),
  error() {},
};

/** The real Pinecone SDK against the loopback fake; a clock that sleeping advances. */
function deps(overrides: Partial<IndexResourceDeps> = {}): IndexResourceDeps {
  return {
    readApiKey: async () => ({ apiKey: API_KEY, secretArn: SECRET_ARN }),
    connect: (apiKey) => new Pinecone({ apiKey, controllerHostUrl: fake.url }),
    clock: { now: () => new Date(nowMs) },
    sleep: async (ms) => {
      sleeps.push(ms);
      nowMs += ms;
    },
    log,
    readyTimeoutMs: 60_000,
    pollIntervalMs: 5_000,
    ...overrides,
  };
}

function event(
  requestType: IndexResourceEvent['RequestType'],
  props: Record<string, unknown> = {},
  physicalResourceId?: string,
): IndexResourceEvent {
  return {
    RequestType: requestType,
    PhysicalResourceId: physicalResourceId,
    // As CloudFormation delivers them: numbers arrive as strings.
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
      IndexName: 'wpkb-dev',
      Dimension: '1024',
      Metric: 'cosine',
      Cloud: 'aws',
      Region: 'us-east-1',
      SecretId: 'wpkb/dev/pinecone',
      RemovalPolicy: 'retain',
      ...props,
    },
  };
}

const requestsOf = (method: string) => fake.requests.filter((r) => r.method === method);

beforeAll(async () => {
  fake = await startFakePinecone();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.indexes.clear();
  fake.requests.length = 0;
  fake.failNext.clear();
  fake.describesUntilReady = 3;
  warnings = [];
  sleeps = [];
  nowMs = Date.parse('2026-03-01T03:00:00Z');
});

describe('Create', () => {
  it('creates a missing serverless index, waits until it is ready and returns its host', async () => {
    const out = await onIndexEvent(event('Create'), deps());

    const [create] = requestsOf('POST');
    expect(create?.path).toBe('/indexes');
    expect(create?.apiKey).toBe(API_KEY);
    expect(create?.body).toMatchObject({
      name: 'wpkb-dev',
      dimension: 1024,
      metric: 'cosine',
      vector_type: 'dense',
      deletion_protection: 'enabled',
      spec: { serverless: { cloud: 'aws', region: 'us-east-1' } },
    });
    expect(sleeps.length).toBeGreaterThan(0);
    const host = fake.indexes.get('wpkb-dev')?.host;
    expect(host).toMatch(/pinecone\.io$/);
    expect(out).toEqual({
      PhysicalResourceId: 'wpkb-dev',
      Data: {
        IndexName: 'wpkb-dev',
        Host: host,
        ConnectionString: `https://${host}`,
        Dimension: '1024',
        Metric: 'cosine',
        SecretArn: SECRET_ARN,
      },
    });
  });

  it('follows the configured dimension, place and removal policy', async () => {
    const out = await onIndexEvent(
      event('Create', { Dimension: '256', Cloud: 'aws', Region: 'us-west-2', RemovalPolicy: 'delete' }),
      deps(),
    );
    expect(requestsOf('POST')[0]?.body).toMatchObject({
      dimension: 256,
      deletion_protection: 'disabled',
      spec: { serverless: { cloud: 'aws', region: 'us-west-2' } },
    });
    expect(out.Data?.Dimension).toBe('256');
  });

  it('uses an existing compatible index without creating anything', async () => {
    fake.indexes.set('wpkb-dev', serverlessIndex('wpkb-dev'));
    const out = await onIndexEvent(event('Create'), deps());
    expect(requestsOf('POST')).toHaveLength(0);
    expect(requestsOf('DELETE')).toHaveLength(0);
    expect(out.Data?.ConnectionString).toBe(`https://${fake.indexes.get('wpkb-dev')?.host}`);
    expect(sleeps).toEqual([]);
  });

  it('fails clearly when the existing index has another dimension', async () => {
    fake.indexes.set('wpkb-dev', serverlessIndex('wpkb-dev', { dimension: 1536 }));
    const attempt = onIndexEvent(event('Create'), deps());
    await expect(attempt).rejects.toBeInstanceOf(PineconeIndexError);
    await expect(attempt).rejects.toThrow(/"wpkb-dev" exists with dimension 1536.*writes 1024/);
    expect(requestsOf('POST')).toHaveLength(0);
  });

  it('fails clearly when the existing index has another metric', async () => {
    fake.indexes.set('wpkb-dev', serverlessIndex('wpkb-dev', { metric: 'dotproduct' }));
    await expect(onIndexEvent(event('Create'), deps())).rejects.toThrow(
      /exists with metric "dotproduct".*needs "cosine"/,
    );
  });

  it('refuses a sparse index or one with integrated embedding', async () => {
    fake.indexes.set(
      'wpkb-dev',
      serverlessIndex('wpkb-dev', { vector_type: 'sparse', dimension: undefined }),
    );
    await expect(onIndexEvent(event('Create'), deps())).rejects.toThrow(/vector type "sparse"/);
    fake.indexes.set(
      'wpkb-dev',
      serverlessIndex('wpkb-dev', {
        embed: { model: 'llama-text-embed-v2', metric: 'cosine', dimension: 1024 },
      }),
    );
    await expect(onIndexEvent(event('Create'), deps())).rejects.toThrow(/integrated embedding/);
  });

  it('warns but proceeds when the existing index lives in another region', async () => {
    fake.indexes.set('wpkb-dev', serverlessIndex('wpkb-dev', {}, { cloud: 'aws', region: 'eu-west-1' }));
    const out = await onIndexEvent(event('Create'), deps());
    expect(out.PhysicalResourceId).toBe('wpkb-dev');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.extra).toMatchObject({ actual: 'aws/eu-west-1', configured: 'aws/us-east-1' });
  });

  it('accepts an index another deploy created between describe and create', async () => {
    fake.indexes.set(
      'wpkb-dev',
      serverlessIndex('wpkb-dev', { status: { ready: false, state: 'Initializing' } }),
    );
    fake.failNext.set('GET', { status: 404, body: { error: { code: 'NOT_FOUND', message: 'not found' } } });
    const out = await onIndexEvent(event('Create'), deps());
    expect(requestsOf('POST')).toHaveLength(1);
    expect(out.Data?.Host).toBe(fake.indexes.get('wpkb-dev')?.host);
  });

  it('gives up with a clear message when the index does not become ready in time', async () => {
    fake.describesUntilReady = 1_000;
    await expect(onIndexEvent(event('Create'), deps({ readyTimeoutMs: 30_000 }))).rejects.toThrow(
      /"wpkb-dev" was not ready after 30 s \(state: Initializing\)/,
    );
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(30_000);
  });

  it('names the index and the cause when Pinecone rejects the key', async () => {
    fake.failNext.set('GET', {
      status: 401,
      body: { error: { code: 'UNAUTHENTICATED', message: 'Invalid API Key' } },
    });
    await expect(onIndexEvent(event('Create'), deps())).rejects.toThrow(
      /Pinecone index "wpkb-dev": describe failed: .+/,
    );
  });

  it('rejects malformed properties naming the key', async () => {
    await expect(onIndexEvent(event('Create', { Dimension: 'abc' }), deps())).rejects.toThrow(
      /property Dimension/,
    );
    await expect(onIndexEvent(event('Create', { IndexName: 'Bad_Name' }), deps())).rejects.toThrow(
      /property IndexName/,
    );
  });
});

describe('Update', () => {
  it('creates the newly named index and reports it as the new physical id', async () => {
    fake.indexes.set('wpkb-dev', serverlessIndex('wpkb-dev'));
    const out = await onIndexEvent(event('Update', { IndexName: 'wpkb-dev-2' }, 'wpkb-dev'), deps());
    expect(out.PhysicalResourceId).toBe('wpkb-dev-2');
    expect(fake.indexes.has('wpkb-dev')).toBe(true);
    expect(fake.indexes.get('wpkb-dev-2')?.status.ready).toBe(true);
  });
});

describe('Delete', () => {
  it('keeps the index by default (RemovalPolicy retain)', async () => {
    fake.indexes.set('wpkb-dev', serverlessIndex('wpkb-dev'));
    const out = await onIndexEvent(event('Delete', {}, 'wpkb-dev'), deps());
    expect(out.PhysicalResourceId).toBe('wpkb-dev');
    expect(fake.requests).toEqual([]);
    expect(fake.indexes.has('wpkb-dev')).toBe(true);
  });

  it('deletes the index when asked to, and treats a missing one as deleted', async () => {
    fake.indexes.set('wpkb-dev', serverlessIndex('wpkb-dev'));
    await onIndexEvent(event('Delete', { RemovalPolicy: 'delete' }, 'wpkb-dev'), deps());
    expect(fake.indexes.has('wpkb-dev')).toBe(false);
    await expect(
      onIndexEvent(event('Delete', { RemovalPolicy: 'delete' }, 'wpkb-dev'), deps()),
    ).resolves.toEqual({ PhysicalResourceId: 'wpkb-dev' });
  });

  it('explains a refused delete of a protected index', async () => {
    fake.indexes.set('wpkb-dev', serverlessIndex('wpkb-dev', { deletion_protection: 'enabled' }));
    await expect(
      onIndexEvent(event('Delete', { RemovalPolicy: 'delete' }, 'wpkb-dev'), deps()),
    ).rejects.toThrow(/delete failed: .*deletion protection/i);
    expect(fake.indexes.has('wpkb-dev')).toBe(true);
  });

  it('touches nothing after a failed Create (another physical id)', async () => {
    fake.indexes.set('wpkb-dev', serverlessIndex('wpkb-dev'));
    await onIndexEvent(event('Delete', { RemovalPolicy: 'delete' }, 'some-request-id'), deps());
    expect(fake.requests).toEqual([]);
    expect(fake.indexes.has('wpkb-dev')).toBe(true);
  });
});

describe('readApiKey', () => {
  const sm = mockClient(SecretsManagerClient);
  const client = new SecretsManagerClient({ region: 'us-east-1' });
  beforeEach(() => sm.reset());
  afterAll(() => sm.restore());

  it('returns the apiKey and the complete ARN of the secret', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'wpkb/dev/pinecone' }).resolves({
      ARN: SECRET_ARN,
      SecretString: JSON.stringify({ apiKey: ` ${API_KEY} ` }),
    });
    await expect(readApiKey(client, 'wpkb/dev/pinecone')).resolves.toEqual({
      apiKey: API_KEY,
      secretArn: SECRET_ARN,
    });
  });

  it('rejects a secret that is not {"apiKey": "…"} without echoing its value', async () => {
    sm.on(GetSecretValueCommand).resolves({ ARN: SECRET_ARN, SecretString: 'pcsk_plain_value' });
    const plain = readApiKey(client, 'wpkb/dev/pinecone');
    await expect(plain).rejects.toThrow(
      'secret wpkb/dev/pinecone: SecretString is not JSON like {"apiKey": "…"}',
    );
    await expect(plain).rejects.not.toThrow(/pcsk_plain_value/);

    sm.on(GetSecretValueCommand).resolves({
      ARN: SECRET_ARN,
      SecretString: JSON.stringify({ key: 'pcsk_x' }),
    });
    await expect(readApiKey(client, 'wpkb/dev/pinecone')).rejects.toThrow(/has no non-empty "apiKey"/);
  });
});
