import { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../functions/core/shared/errors.js';
import { PineconeStatsError, VerifyError } from '../../../functions/core/sync/errors.js';
import { pineconeIndexStats, secretApiKey } from '../../../functions/core/sync/pinecone.js';
import { makeSyncHandler } from '../../../functions/handlers/sync.js';
import { startFakePineconeData } from './fake-pinecone-data.js';
import {
  clock,
  fixture,
  NOW,
  readReports,
  recordingLog,
  recordingMetrics,
  runtime,
  seededStorage,
  settings,
} from './helpers.js';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:wpkb/prod/pinecone-AbCdEf';
const API_KEY = 'pcsk_test_4f1e2d';

const secretsMock = mockClient(SecretsManagerClient);
const secrets = new SecretsManagerClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
});
const bedrock = new BedrockAgentClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
});

let pinecone: Awaited<ReturnType<typeof startFakePineconeData>>;

beforeAll(async () => {
  pinecone = await startFakePineconeData(API_KEY);
});
afterAll(async () => {
  await pinecone.close();
});
beforeEach(() => {
  secretsMock.reset();
  secretsMock.on(GetSecretValueCommand).resolves({
    ARN: SECRET_ARN,
    Name: 'wpkb/prod/pinecone',
    SecretString: JSON.stringify({ apiKey: API_KEY }),
    VersionId: 'a1b2c3d4-0000-4000-8000-000000000001',
    VersionStages: ['AWSCURRENT'],
    CreatedDate: new Date('2026-11-01T12:00:00.000Z'),
  });
  pinecone.requests.length = 0;
});

/** Pinecone's describe_index_stats JSON, as the data plane sends it. */
function statsBody(namespaces: Record<string, number>, dimension = 1024) {
  const total = Object.values(namespaces).reduce((a, b) => a + b, 0);
  return {
    namespaces: Object.fromEntries(Object.entries(namespaces).map(([k, n]) => [k, { vectorCount: n }])),
    dimension,
    indexFullness: 0,
    totalVectorCount: total,
    metric: 'cosine',
    vectorType: 'dense',
  };
}

async function setup(overrides: Partial<typeof settings> = {}, maxRetries = 0) {
  const storage = await seededStorage();
  const log = recordingLog();
  const handler = makeSyncHandler({
    settings: { ...settings, ...overrides },
    bedrock,
    runtime,
    indexStats: pineconeIndexStats({
      host: pinecone.host,
      apiKey: secretApiKey(secrets, SECRET_ARN),
      maxRetries,
    }),
    storage,
    log,
    clock,
    metrics: recordingMetrics(),
  });
  return { storage, log, handler };
}

describe('sync verify against a Pinecone data plane over HTTP', () => {
  it('passes when the namespace has records and the dimension matches, and records it in the report', async () => {
    const { handler, storage } = await setup();
    pinecone.answer({ status: 200, body: fixture('pinecone-stats.json') });

    const out = await handler(fixture('verify.json'));

    expect(out).toEqual({ ok: true, namespace: 'mall-prod', recordCount: 42, dimension: 1024 });
    expect(pinecone.requests).toHaveLength(1);
    const request = pinecone.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/describe_index_stats');
    expect(request?.headers['api-key']).toBe(API_KEY);
    expect(request?.headers['x-pinecone-api-version']).toMatch(/^\d{4}-\d{2}$/);
    expect(secretsMock.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET_ARN,
    });
    const { run, latest } = await readReports(storage);
    expect(run).toMatchObject({
      status: 'succeeded',
      finishedAt: NOW,
      verify: {
        ok: true,
        namespace: 'mall-prod',
        namespaceKey: 'mall-prod',
        recordCount: 42,
        dimension: 1024,
        expectedDimension: 1024,
        totalRecordCount: 59,
        problems: [],
        checkedAt: NOW,
      },
    });
    expect(run).not.toHaveProperty('error');
    expect(latest).toEqual(run);
  });

  it('fails when the namespace is missing from the index', async () => {
    const { handler, storage } = await setup();
    pinecone.answer({ status: 200, body: statsBody({ 'mall-staging': 17 }) });

    const error = await handler(fixture('verify.json')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(VerifyError);
    expect((error as Error).message).toBe('namespace "mall-prod" has no records after ingestion');
    const { run } = await readReports(storage);
    expect(run).toMatchObject({
      status: 'failed',
      error: (error as Error).message,
      verify: { ok: false, recordCount: 0 },
    });
  });

  it('fails when the namespace exists with zero records', async () => {
    const { handler } = await setup();
    pinecone.answer({ status: 200, body: statsBody({ 'mall-prod': 0 }) });

    await expect(handler(fixture('verify.json'))).rejects.toThrow(
      'namespace "mall-prod" has no records after ingestion',
    );
  });

  it('fails when the index dimension is not the embedding dimension', async () => {
    const { handler } = await setup();
    pinecone.answer({ status: 200, body: statsBody({ 'mall-prod': 42 }, 512) });

    const error = await handler(fixture('verify.json')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(VerifyError);
    expect((error as Error).message).toBe(
      'pinecone index dimension 512 does not match the embedding dimension 1024',
    );
  });

  it('names every problem on one line', async () => {
    const { handler } = await setup();
    pinecone.answer({ status: 200, body: statsBody({}, 256) });

    await expect(handler(fixture('verify.json'))).rejects.toThrow(
      'pinecone index dimension 256 does not match the embedding dimension 1024; namespace "mall-prod" has no records after ingestion',
    );
  });

  it.each(['', '__default__'])('finds the default namespace reported under %j', async (key) => {
    const { handler } = await setup({ pineconeNamespace: '' });
    pinecone.answer({ status: 200, body: statsBody({ [key]: 9, other: 3 }) });

    await expect(handler(fixture('verify.json'))).resolves.toEqual({
      ok: true,
      namespace: '',
      recordCount: 9,
      dimension: 1024,
    });
  });

  it('fails for an empty default namespace even when other namespaces have records', async () => {
    const { handler } = await setup({ pineconeNamespace: '' });
    pinecone.answer({ status: 200, body: statsBody({ 'mall-prod': 42 }) });

    await expect(handler(fixture('verify.json'))).rejects.toThrow(
      'default namespace "" has no records after ingestion',
    );
  });

  it('with STRICT_VERIFY off, reports the problems without failing the step', async () => {
    const { handler, storage, log } = await setup({ strictVerify: false });
    pinecone.answer({ status: 200, body: statsBody({}) });

    const out = await handler(fixture('verify.json'));

    expect(out).toEqual({
      ok: false,
      namespace: 'mall-prod',
      recordCount: 0,
      dimension: 1024,
      problems: ['namespace "mall-prod" has no records after ingestion'],
    });
    expect(log.entries.some((e) => e.level === 'warn')).toBe(true);
    const { run } = await readReports(storage);
    expect(run).toMatchObject({ status: 'succeeded', verify: { ok: false } });
  });

  it('reads the API key secret once per container', async () => {
    const { handler } = await setup();
    pinecone.answer({ status: 200, body: fixture('pinecone-stats.json') });

    await handler(fixture('verify.json'));
    await handler(fixture('verify.json'));

    expect(pinecone.requests).toHaveLength(2);
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('retries a Pinecone server error, then fails with a retryable PineconeStatsError naming the host', async () => {
    const { handler, storage } = await setup({}, 1);
    const before = await readReports(storage);
    pinecone.answer({ status: 500, body: { code: 13, message: 'Internal error', details: [] } });

    const error = await handler(fixture('verify.json')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PineconeStatsError);
    expect((error as Error).name).toBe('PineconeStatsError');
    expect((error as Error).message).toContain(`pinecone describe_index_stats on ${pinecone.host} failed`);
    expect((error as Error).message).not.toContain('\n');
    expect((error as Error).message).toContain('server error (5xx)');
    expect(pinecone.requests).toHaveLength(2);
    expect(await readReports(storage)).toEqual(before);
  });

  it('turns a rejected API key into PineconeStatsError without leaking the key', async () => {
    secretsMock
      .on(GetSecretValueCommand)
      .resolves({ ARN: SECRET_ARN, SecretString: '{"apiKey":"pcsk_wrong"}' });
    const { handler } = await setup();
    pinecone.answer({ status: 200, body: fixture('pinecone-stats.json') });

    const error = await handler(fixture('verify.json')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PineconeStatsError);
    expect((error as Error).message).toContain(
      'PineconeAuthorizationError: The API key you provided was rejected',
    );
    expect((error as Error).message).not.toContain('pcsk_wrong');
  });
});

describe('secretApiKey', () => {
  it('names the secret, not its value, when the secret has no apiKey', async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ ARN: SECRET_ARN, SecretString: '{"key":"pcsk_leak"}' });
    const read = secretApiKey(secrets, SECRET_ARN);

    const error = await read().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`secret ${SECRET_ARN}: has no non-empty "apiKey" string`);
  });

  it('tries again after a failed read instead of caching the failure', async () => {
    secretsMock
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ ARN: SECRET_ARN, SecretString: JSON.stringify({ apiKey: API_KEY }) });
    const read = secretApiKey(secrets, SECRET_ARN);

    await expect(read()).rejects.toMatchObject({ name: 'ThrottlingException' });
    await expect(read()).resolves.toBe(API_KEY);
    await expect(read()).resolves.toBe(API_KEY);
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});
