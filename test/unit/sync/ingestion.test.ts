import { createHash } from 'node:crypto';
import {
  BedrockAgentClient,
  ConflictException,
  GetIngestionJobCommand,
  ListIngestionJobsCommand,
  ServiceQuotaExceededException,
  StartIngestionJobCommand,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-agent';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../functions/core/shared/event.js';
import { getJson } from '../../../functions/core/storage/codec.js';
import { DATA_LOCK_KEY, tryAcquireDataLock } from '../../../functions/core/storage/data-lock.js';
import { createMemoryStorage } from '../../../functions/core/storage/memory.js';
import { IngestionFailedError } from '../../../functions/core/sync/errors.js';
import { SYNCED_DATA_SOURCE_KEY } from '../../../functions/core/sync/synced-data-source.js';
import type { IndexStatsFn } from '../../../functions/core/sync/verify.js';
import { makeSyncHandler } from '../../../functions/handlers/sync.js';
import {
  clock,
  fixture,
  ingestionJob,
  NOW,
  RUN_ID,
  readReports,
  recordingLog,
  recordingMetrics,
  runtime,
  seededStorage,
  settings,
} from './helpers.js';

const bedrockMock = mockClient(BedrockAgentClient);
const bedrock = new BedrockAgentClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
});
const noPinecone: IndexStatsFn = () => Promise.reject(new Error('Pinecone must not be called here'));

/** The pattern the service model gives clientToken (bedrock-facts.md), anchored. */
const CLIENT_TOKEN_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256}$/;

async function setup() {
  const storage = await seededStorage();
  const log = recordingLog();
  const metrics = recordingMetrics();
  const handler = makeSyncHandler({
    settings,
    bedrock,
    runtime,
    indexStats: noPinecone,
    storage,
    log,
    clock,
    metrics,
  });
  return { storage, log, metrics, handler };
}

beforeEach(() => {
  bedrockMock.reset();
});

describe('sync start', () => {
  it('starts a job with a 64-character token derived from the execution and run when none is running', async () => {
    const { handler } = await setup();
    bedrockMock.on(ListIngestionJobsCommand).resolves({ ingestionJobSummaries: [] });
    bedrockMock.on(StartIngestionJobCommand).resolves({ ingestionJob: ingestionJob({ status: 'STARTING' }) });
    const event = fixture<{ executionId: string }>('start.json');

    const out = await handler(event);

    expect(out).toEqual({ status: 'STARTING', jobId: 'JOB4E2K9QZ' });
    const listInput = bedrockMock.commandCalls(ListIngestionJobsCommand)[0]?.args[0].input;
    expect(listInput).toMatchObject({
      knowledgeBaseId: 'KB12345678',
      dataSourceId: 'DS12345678',
      filters: [{ attribute: 'STATUS', operator: 'EQ', values: ['STARTING', 'IN_PROGRESS'] }],
      sortBy: { attribute: 'STARTED_AT', order: 'DESCENDING' },
    });
    const starts = bedrockMock.commandCalls(StartIngestionJobCommand);
    expect(starts).toHaveLength(1);
    const input = starts[0]?.args[0].input;
    const expectedToken = createHash('sha256').update(`${event.executionId}:${RUN_ID}`).digest('hex');
    expect(input?.clientToken).toBe(expectedToken);
    expect(input?.clientToken).toHaveLength(64);
    expect(input?.clientToken).toMatch(CLIENT_TOKEN_PATTERN);
    expect(input).toMatchObject({ knowledgeBaseId: 'KB12345678', dataSourceId: 'DS12345678' });
    expect(input?.description).toContain(RUN_ID);
  });

  it('sends the same token when the same execution starts again, a different one for another execution', async () => {
    const { handler } = await setup();
    bedrockMock.on(ListIngestionJobsCommand).resolves({ ingestionJobSummaries: [] });
    bedrockMock.on(StartIngestionJobCommand).resolves({ ingestionJob: ingestionJob({ status: 'STARTING' }) });
    const event = fixture<{ executionId: string }>('start.json');

    await handler(event);
    await handler(event);
    await handler({ ...event, executionId: `${event.executionId}-manual` });

    const tokens = bedrockMock.commandCalls(StartIngestionJobCommand).map((c) => c.args[0].input.clientToken);
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[2]).not.toBe(tokens[0]);
  });

  it('answers BUSY with the running job id and does not start another job', async () => {
    const { handler } = await setup();
    bedrockMock.on(ListIngestionJobsCommand).resolves({
      ingestionJobSummaries: [
        {
          knowledgeBaseId: 'KB12345678',
          dataSourceId: 'DS12345678',
          ingestionJobId: 'OTHERJOB01',
          description: 'manual sync from the console',
          status: 'IN_PROGRESS',
          startedAt: new Date('2026-11-21T02:55:00.000Z'),
          updatedAt: new Date('2026-11-21T02:58:00.000Z'),
        },
      ],
    });

    await expect(handler(fixture('start.json'))).resolves.toEqual({ status: 'BUSY', jobId: 'OTHERJOB01' });
    expect(bedrockMock.commandCalls(StartIngestionJobCommand)).toHaveLength(0);
  });

  it('answers BUSY without calling Bedrock while an instant update holds the data lock, and starts once it is free', async () => {
    const { handler, storage } = await setup();
    bedrockMock.on(ListIngestionJobsCommand).resolves({ ingestionJobSummaries: [] });
    bedrockMock.on(StartIngestionJobCommand).resolves({ ingestionJob: ingestionJob({ status: 'STARTING' }) });
    const worker = await tryAcquireDataLock(storage, {
      owner: 'worker:req-1',
      purpose: 'instant update',
      ttlMs: 120_000,
      now: () => clock.now(),
    });
    if (!worker.acquired) throw new Error('lock not taken');

    await expect(handler(fixture('start.json'))).resolves.toEqual({ status: 'BUSY' });
    expect(bedrockMock.calls()).toHaveLength(0);

    await worker.lock.release();
    await expect(handler(fixture('start.json'))).resolves.toMatchObject({ status: 'STARTING' });
    expect(await storage.get(DATA_LOCK_KEY)).toBeUndefined(); // released after the start
  });

  it("resumes this run's own running job after a retried start instead of waiting for it", async () => {
    const { handler } = await setup();
    bedrockMock.on(ListIngestionJobsCommand).resolves({ ingestionJobSummaries: [] });
    bedrockMock.on(StartIngestionJobCommand).resolves({ ingestionJob: ingestionJob({ status: 'STARTING' }) });
    await handler(fixture('start.json'));
    const description = bedrockMock.commandCalls(StartIngestionJobCommand)[0]?.args[0].input.description;
    bedrockMock.reset();
    bedrockMock.on(ListIngestionJobsCommand).resolves({
      ingestionJobSummaries: [
        {
          knowledgeBaseId: 'KB12345678',
          dataSourceId: 'DS12345678',
          ingestionJobId: 'JOB4E2K9QZ',
          description,
          status: 'IN_PROGRESS',
          startedAt: new Date('2026-11-21T03:01:30.000Z'),
          updatedAt: new Date('2026-11-21T03:02:00.000Z'),
        },
      ],
    });

    await expect(handler(fixture('start.json'))).resolves.toEqual({
      status: 'IN_PROGRESS',
      jobId: 'JOB4E2K9QZ',
    });
    expect(bedrockMock.commandCalls(StartIngestionJobCommand)).toHaveLength(0);
  });

  it.each([
    ['ConflictException', new ConflictException({ message: 'A job is already in progress', $metadata: {} })],
    [
      'ServiceQuotaExceededException',
      new ServiceQuotaExceededException({ message: 'Too many ingestion jobs', $metadata: {} }),
    ],
  ])('answers BUSY when StartIngestionJob throws %s', async (_name, error) => {
    const { handler } = await setup();
    bedrockMock.on(ListIngestionJobsCommand).resolves({ ingestionJobSummaries: [] });
    bedrockMock.on(StartIngestionJobCommand).rejects(error);

    await expect(handler(fixture('start.json'))).resolves.toEqual({ status: 'BUSY' });
  });

  it('lets ThrottlingException through under its own name, for the state machine Retry', async () => {
    const { handler } = await setup();
    bedrockMock.on(ListIngestionJobsCommand).resolves({ ingestionJobSummaries: [] });
    bedrockMock
      .on(StartIngestionJobCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));

    await expect(handler(fixture('start.json'))).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});

describe('sync status', () => {
  it.each(['STARTING', 'IN_PROGRESS', 'STOPPING'] as const)(
    'returns %s with the statistics so far and leaves the report alone',
    async (status) => {
      const { handler, storage, metrics } = await setup();
      const before = await readReports(storage);
      bedrockMock.on(GetIngestionJobCommand).resolves({ ingestionJob: ingestionJob({ status }) });

      const out = await handler(fixture('status.json'));

      expect(out).toEqual({ status, jobId: 'JOB4E2K9QZ', statistics: ingestionJob().statistics });
      expect(bedrockMock.commandCalls(GetIngestionJobCommand)[0]?.args[0].input).toEqual({
        knowledgeBaseId: 'KB12345678',
        dataSourceId: 'DS12345678',
        ingestionJobId: 'JOB4E2K9QZ',
      });
      expect(await readReports(storage)).toEqual(before);
      expect(metrics.points).toEqual([]);
    },
  );

  it('merges the statistics of a COMPLETE job into the run report and latest', async () => {
    const { handler, storage, metrics } = await setup();
    const job = ingestionJob({ status: 'COMPLETE' });
    bedrockMock.on(GetIngestionJobCommand).resolves({ ingestionJob: job });

    const out = await handler(fixture('status.json'));

    expect(out).toEqual({ status: 'COMPLETE', jobId: 'JOB4E2K9QZ', statistics: job.statistics });
    expect(out).not.toHaveProperty('documentsFailed');
    expect(metrics.points).toEqual([]);
    const { run, latest } = await readReports(storage);
    const seeded = fixture<Record<string, unknown>>('run-report.json');
    expect(run).toEqual({
      ...seeded,
      ingestion: {
        jobId: 'JOB4E2K9QZ',
        status: 'COMPLETE',
        statistics: job.statistics,
        failureReasons: [],
        startedAt: '2026-11-21T03:01:30.000Z',
        updatedAt: '2026-11-21T03:06:45.000Z',
      },
      durationsMs: { extract: 120, transform: 70000, ingestion: 315_000 },
    });
    expect(latest).toEqual(run);
    // kb/ is now in this data source: the next runs need not force a full sync.
    expect(await getJson(storage, SYNCED_DATA_SOURCE_KEY)).toEqual({
      knowledgeBaseId: settings.knowledgeBaseId,
      dataSourceId: settings.dataSourceId,
      jobId: 'JOB4E2K9QZ',
      runId: RUN_ID,
      syncedAt: NOW,
    });
  });

  it('reports failed documents of a COMPLETE job: metric, warning and documentsFailed', async () => {
    const { handler, storage, metrics, log } = await setup();
    const base = ingestionJob();
    const job = ingestionJob({
      status: 'COMPLETE',
      statistics: { ...base.statistics, numberOfDocumentsFailed: 2 },
      failureReasons: ['kb/stores/17.csv: The metadata file exceeds 10 KB'],
    });
    bedrockMock.on(GetIngestionJobCommand).resolves({ ingestionJob: job });

    const out = await handler(fixture('status.json'));

    expect(out).toMatchObject({ status: 'COMPLETE', documentsFailed: 2 });
    expect(metrics.points).toEqual([{ name: 'IngestionDocumentsFailed', value: 2 }]);
    expect(log.entries.filter((e) => e.level === 'warn')).toHaveLength(1);
    const { run } = await readReports(storage);
    expect(run?.status).toBe('succeeded');
    expect(run?.ingestion?.statistics.numberOfDocumentsFailed).toBe(2);
    expect(run?.ingestion?.failureReasons).toEqual(['kb/stores/17.csv: The metadata file exceeds 10 KB']);
  });

  it('counts statistics the API leaves out as 0', async () => {
    const { handler } = await setup();
    bedrockMock.on(GetIngestionJobCommand).resolves({
      ingestionJob: ingestionJob({ status: 'IN_PROGRESS', statistics: { numberOfDocumentsScanned: 7 } }),
    });

    const out = await handler(fixture('status.json'));

    expect(out).toMatchObject({
      statistics: {
        numberOfDocumentsScanned: 7,
        numberOfMetadataDocumentsScanned: 0,
        numberOfNewDocumentsIndexed: 0,
        numberOfModifiedDocumentsIndexed: 0,
        numberOfMetadataDocumentsModified: 0,
        numberOfDocumentsDeleted: 0,
        numberOfDocumentsFailed: 0,
        numberOfDocumentsSkipped: 0,
      },
    });
  });

  it.each(['FAILED', 'STOPPED'] as const)(
    'throws IngestionFailedError for a %s job and marks the run report failed',
    async (status) => {
      const { handler, storage } = await setup();
      const reasons = ['Embedding model access denied', 'Pinecone upsert failed: 401 Unauthorized'];
      bedrockMock.on(GetIngestionJobCommand).resolves({
        ingestionJob: ingestionJob({ status, failureReasons: reasons }),
      });

      const error = await handler(fixture('status.json')).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(IngestionFailedError);
      expect(error).toMatchObject({ name: 'IngestionFailedError', jobId: 'JOB4E2K9QZ', status });
      expect((error as Error).message).toBe(
        `ingestion job JOB4E2K9QZ ${status}: Embedding model access denied; Pinecone upsert failed: 401 Unauthorized`,
      );
      const { run, latest } = await readReports(storage);
      expect(run).toMatchObject({
        status: 'failed',
        error: (error as Error).message,
        finishedAt: NOW,
        ingestion: { jobId: 'JOB4E2K9QZ', status, failureReasons: reasons },
      });
      expect(latest).toEqual(run);
      expect(await getJson(storage, SYNCED_DATA_SOURCE_KEY)).toBeUndefined();
    },
  );

  it('still answers COMPLETE when the run report is missing, with a warning', async () => {
    const storage = createMemoryStorage();
    const log = recordingLog();
    const handler = makeSyncHandler({
      settings,
      bedrock,
      runtime,
      indexStats: noPinecone,
      storage,
      log,
      clock,
      metrics: recordingMetrics(),
    });
    bedrockMock.on(GetIngestionJobCommand).resolves({ ingestionJob: ingestionJob({ status: 'COMPLETE' }) });

    await expect(handler(fixture('status.json'))).resolves.toMatchObject({ status: 'COMPLETE' });
    expect(log.entries.some((e) => e.level === 'warn' && e.message.includes('not found'))).toBe(true);
    // No report is invented; the data source is recorded as synced all the same (kb/ is in it).
    expect([...storage.snapshot().keys()]).toEqual([SYNCED_DATA_SOURCE_KEY]);
  });
});

describe('sync event validation', () => {
  it('rejects an unknown action naming the field', async () => {
    const { handler } = await setup();
    const error = await handler(fixture('unknown-action.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).message).toMatch(/^sync event: action: must be one of "start", "status"/);
    expect((error as Error).message).not.toContain('\n');
  });

  it.each([
    [{ action: 'status', runId: RUN_ID }, 'jobId'],
    [{ action: 'start', runId: RUN_ID }, 'executionId'],
    [{ action: 'verify', runId: '../etc' }, 'runId'],
  ])('rejects %j naming %s', async (event, field) => {
    const { handler } = await setup();
    await expect(handler(event)).rejects.toThrow(new RegExp(`^sync event: ${field}: `));
  });

  it('rejects a non-object event', async () => {
    const { handler } = await setup();
    await expect(handler('start')).rejects.toThrow('sync event: (root): must be a JSON object, got string');
  });
});
