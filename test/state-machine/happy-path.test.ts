import {
  GetIngestionJobCommand,
  ListIngestionJobsCommand,
  PrepareAgentCommand,
  StartIngestionJobCommand,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-agent';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { getJson } from '../../functions/core/storage/codec.js';
import { ingestionClientToken } from '../../functions/core/sync/ingestion.js';
import { SYNCED_DATA_SOURCE_KEY } from '../../functions/core/sync/synced-data-source.js';
import { PENDING_SYNC_KEY, STATES } from '../../stacks/pipeline-states/names.js';
import { configFor, logicalIdOf } from '../stacks/synth.js';
import { ACCOUNT, allStates, FAKE, functionArn, REGION } from './harness.js';

import {
  alone,
  bedrockHappy,
  bedrockMock,
  countOf,
  executionArn,
  expectInOrder,
  job,
  report,
  runtimeMock,
  STATISTICS,
  sfnMock,
  shared,
  transitions,
  usePipeline,
  world,
} from './world.js';

usePipeline();

describe('the synthesized definition', () => {
  it('binds every Task state to the right function or integration, so a local handler replaces each one', () => {
    const { functions } = shared.synth.pipeline;
    const expected: Record<string, string> = {
      [STATES.guard]: functionArn(logicalIdOf(functions.guard)),
      [STATES.planExtract]: functionArn(logicalIdOf(functions.extract)),
      [STATES.readBatch]: functionArn(logicalIdOf(functions.extract)),
      [STATES.assembleExtract]: functionArn(logicalIdOf(functions.extract)),
      [STATES.transform]: functionArn(logicalIdOf(functions.transform)),
      [STATES.startIngestion]: functionArn(logicalIdOf(functions.sync)),
      [STATES.checkIngestion]: functionArn(logicalIdOf(functions.sync)),
      [STATES.prepareAgent]: functionArn(logicalIdOf(functions.sync)),
      [STATES.checkAgent]: functionArn(logicalIdOf(functions.sync)),
      [STATES.verify]: functionArn(logicalIdOf(functions.sync)),
      [STATES.checkPendingSync]: 'arn:aws:states:::aws-sdk:s3:listObjectsV2',
      [STATES.markSyncPending]: 'arn:aws:states:::aws-sdk:s3:putObject',
      [STATES.clearPendingSync]: 'arn:aws:states:::aws-sdk:s3:deleteObject',
      [STATES.sendAlert]: 'arn:aws:states:::sns:publish',
    };
    const tasks = allStates(shared.definition).filter((s) => s.state.Type === 'Task');
    expect(
      Object.fromEntries(tasks.map((t) => [t.name, (t.state as { Resource: string }).Resource])),
    ).toEqual(expected);
    const alert = tasks.find((t) => t.name === STATES.sendAlert)?.state as unknown as {
      Parameters: { TopicArn: string };
    };
    expect(alert.Parameters.TopicArn).toBe(`arn:aws:sns:${REGION}:${ACCOUNT}:wpkb-dev-alerts`);
  });

  it('has no canary states when no canaries are configured (the default)', () => {
    expect(configFor('dev').canaries.questions).toEqual([]);
    const names = allStates(shared.definition).map((st) => st.name);
    for (const name of [STATES.runCanaries, STATES.canariesPassed, STATES.sendCanaryAlert]) {
      expect(names).not.toContain(name);
    }
    expect(shared.definition.States[STATES.clearPendingSync]).toMatchObject({ Next: STATES.synced });
  });

  it('stops after 60 minutes and maps over the configured content types', () => {
    expect(shared.definition.TimeoutSeconds).toBe(3600);
    const list = shared.definition.States[STATES.listTypes] as { Result: unknown };
    expect(list.Result).toEqual(configFor('dev').contentTypes.map((t) => t.name));
    expect(shared.definition.States[STATES.extractAll]).toMatchObject({ Type: 'Map', MaxConcurrency: 2 });
  });
});

describe('pipeline executions that succeed', () => {
  it('happy path: extracts every type, transforms, ingests, prepares the agent, verifies, succeeds', async () => {
    bedrockHappy();
    alone('nightly-0001');
    const w = world();
    const execution = await w.run({});

    expect(execution.failure).toBeUndefined();
    // Every type extracted once, the job and the agent each polled until done, then verified.
    expectInOrder(execution, [
      STATES.guard,
      STATES.extractAll,
      STATES.transform,
      STATES.markSyncPending,
      STATES.startIngestion,
      STATES.prepareAgent,
      STATES.verify,
      STATES.clearPendingSync,
      STATES.synced,
    ]);
    // Per type (two at a time): plan, one read batch, assemble.
    for (const state of [STATES.planExtract, STATES.readBatches, STATES.readBatch, STATES.assembleExtract])
      expect(countOf(execution, state), state).toBe(3);
    expect(countOf(execution, STATES.checkIngestion)).toBe(2);
    expect(countOf(execution, STATES.checkAgent)).toBe(2);
    expect(transitions(execution)).toEqual(
      expect.arrayContaining([
        `${STATES.anyChanges} → ${STATES.markSyncPending}`,
        `${STATES.ingestionComplete} → ${STATES.waitForIngestion}`,
        `${STATES.ingestionComplete} → ${STATES.prepareAgent}`,
        `${STATES.agentPrepared} → ${STATES.waitForAgent}`,
        `${STATES.agentPrepared} → ${STATES.verify}`,
      ]),
    );
    expect(execution.path.at(-1)).toBe(STATES.synced);
    expect(w.alerts).toEqual([]);

    // What the execution ran on: the run id is the execution name; every type was extracted.
    const output = execution.output as {
      runId: string;
      extracts: Array<{ type: string; rawKey: string; fetched: number }>;
      transform: { changes: number };
      ingestion: { status: string };
      agent: { agentStatus: string };
      verify: { ok: boolean };
    };
    expect(output.runId).toBe('nightly-0001');
    expect(output.extracts.map((e) => e.type)).toEqual(['event', 'stores', 'restaurant']);
    for (const extract of output.extracts) {
      expect(extract.rawKey).toBe(`raw/${extract.type}/nightly-0001.jsonl.gz`);
      expect(extract.fetched).toBeGreaterThan(0);
      expect(w.storage.snapshot().has(extract.rawKey)).toBe(true);
    }
    const documents = [...w.storage.snapshot().keys()].filter(
      (k) => k.startsWith('kb/') && k.endsWith('.csv'),
    );
    expect(output.transform.changes).toBeGreaterThan(0);
    expect(documents.length).toBeGreaterThan(0);
    expect(output).toMatchObject({
      ingestion: { status: 'COMPLETE' },
      agent: { agentStatus: 'PREPARED' },
      verify: { ok: true },
    });

    // Bedrock: one job, with the token derived from the execution; the DRAFT prepared; no alias touched.
    const starts = bedrockMock.commandCalls(StartIngestionJobCommand);
    expect(starts).toHaveLength(1);
    expect(starts[0]?.args[0].input).toMatchObject({
      knowledgeBaseId: FAKE.knowledgeBaseId,
      dataSourceId: FAKE.dataSourceId,
      clientToken: ingestionClientToken(executionArn('nightly-0001'), 'nightly-0001'),
    });
    expect(bedrockMock.commandCalls(PrepareAgentCommand)[0]?.args[0].input).toEqual({
      agentId: FAKE.agentId,
    });
    const commands = new Set(bedrockMock.calls().map((c) => c.args[0].constructor.name));
    expect([...commands].sort()).toEqual([
      'GetAgentCommand',
      'GetIngestionJobCommand',
      'ListIngestionJobsCommand',
      'PrepareAgentCommand',
      'StartIngestionJobCommand',
    ]);

    // The run report carries every step.
    expect(await report(w.storage, 'nightly-0001')).toMatchObject({
      runId: 'nightly-0001',
      status: 'succeeded',
      forced: false,
      ingestion: { jobId: 'JOB0000001', status: 'COMPLETE' },
      agent: { agentStatus: 'PREPARED' },
      verify: { ok: true, recordCount: 40 },
    });
    expect(w.metrics).toEqual([]);
    expect(w.storage.snapshot().has(PENDING_SYNC_KEY)).toBe(false);
    // No canaries configured (the default): none run, the knowledge base is not queried.
    expect(runtimeMock.calls()).toEqual([]);
    expect(await report(w.storage, 'nightly-0001')).not.toHaveProperty('canaries');
  });

  it('no changes: succeeds without an ingestion job or an agent preparation', async () => {
    bedrockHappy();
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
    const w = world();
    expect((await w.run({}, 'first')).failure).toBeUndefined();
    bedrockMock.resetHistory();

    const second = await w.run({}, 'second');
    expect(second.failure).toBeUndefined();
    expect(second.path.slice(-2)).toEqual([STATES.anyChanges, STATES.noChanges]);
    expect((second.output as { transform: { changes: number } }).transform.changes).toBe(0);
    expect(bedrockMock.calls()).toEqual([]);
    expect(await report(w.storage, 'second')).toMatchObject({ status: 'succeeded', changes: 0 });
    expect(w.alerts).toEqual([]);
  });

  it('{"forceSync": true} ingests and prepares even when nothing changed', async () => {
    bedrockHappy();
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
    const w = world();
    await w.run({}, 'first');
    bedrockMock.resetHistory();

    const forced = await w.run({ forceSync: true }, 'forced');
    expect(forced.failure).toBeUndefined();
    expect((forced.output as { transform: { changes: number } }).transform.changes).toBe(0);
    expect(forced.path).toContain(STATES.startIngestion);
    expect(forced.path.at(-1)).toBe(STATES.synced);
    expect(bedrockMock.commandCalls(StartIngestionJobCommand)).toHaveLength(1);
  });

  it('failed documents in a COMPLETE job: the run succeeds, the count is reported and sent as a metric', async () => {
    bedrockHappy();
    alone('nightly-0007');
    const statistics = { ...STATISTICS, numberOfDocumentsFailed: 2 };
    bedrockMock.on(GetIngestionJobCommand).resolves({
      ingestionJob: job('COMPLETE', { statistics, failureReasons: ['kb/stores/12.csv: too large'] }),
    });
    const w = world();
    const execution = await w.run({}, 'nightly-0007');

    expect(execution.failure).toBeUndefined();
    expect(execution.output).toMatchObject({ ingestion: { status: 'COMPLETE', documentsFailed: 2 } });
    expect(w.metrics).toEqual([{ name: 'IngestionDocumentsFailed', value: 2 }]);
    expect(await report(w.storage, 'nightly-0007')).toMatchObject({
      ingestion: {
        statistics: { numberOfDocumentsFailed: 2 },
        failureReasons: ['kb/stores/12.csv: too large'],
      },
    });
  });

  it('a busy data source: waits for the other job, then starts its own and succeeds', async () => {
    bedrockHappy();
    alone('nightly-0003');
    bedrockMock
      .on(ListIngestionJobsCommand)
      .resolvesOnce({
        ingestionJobSummaries: [
          {
            knowledgeBaseId: FAKE.knowledgeBaseId,
            dataSourceId: FAKE.dataSourceId,
            ingestionJobId: 'OTHERJOB01',
            status: 'IN_PROGRESS',
            description: 'started by hand',
            startedAt: new Date('2026-11-21T02:55:00.000Z'),
            updatedAt: new Date('2026-11-21T02:58:00.000Z'),
          },
        ],
      })
      .resolves({ ingestionJobSummaries: [] });
    const w = world();
    const execution = await w.run({}, 'nightly-0003');

    expect(execution.failure).toBeUndefined();
    const i = execution.path.indexOf(STATES.startIngestion);
    expect(execution.path.slice(i, i + 5)).toEqual([
      STATES.startIngestion,
      STATES.ingestionStarted,
      STATES.waitForRunningJob,
      STATES.startIngestion,
      STATES.ingestionStarted,
    ]);
    expect(countOf(execution, STATES.waitForRunningJob)).toBe(1);
    expect(bedrockMock.commandCalls(StartIngestionJobCommand)).toHaveLength(1);
    expect(execution.path.at(-1)).toBe(STATES.synced);
  });

  it('Bedrock throttling: the state is retried and the run goes on', async () => {
    bedrockHappy();
    alone('nightly-0004');
    bedrockMock
      .on(StartIngestionJobCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
      .callsFake((input: { description?: string }) => ({
        ingestionJob: job('STARTING', { description: input.description }),
      }));
    const w = world();
    const execution = await w.run({}, 'nightly-0004');

    expect(execution.failure).toBeUndefined();
    const retried = execution.events.filter((e) => e.type === 'StateRetried');
    expect(retried.map((e) => ('state' in e ? e.state.name : ''))).toEqual([STATES.startIngestion]);
    expect(bedrockMock.commandCalls(StartIngestionJobCommand)).toHaveLength(2);
    expect(w.alerts).toEqual([]);
  });
});

describe('a replaced knowledge base or data source', () => {
  it('a replaced data source: the first run after the redeploy ingests everything although kb/ did not change', async () => {
    bedrockHappy();
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
    const before = world();
    expect((await before.run({}, 'before')).path.at(-1)).toBe(STATES.synced);
    expect(await getJson(before.storage, SYNCED_DATA_SOURCE_KEY)).toMatchObject({
      knowledgeBaseId: FAKE.knowledgeBaseId,
      dataSourceId: FAKE.dataSourceId,
      jobId: 'JOB0000001',
      runId: 'before',
    });

    // The same id: nothing changed under kb/, no ingestion.
    bedrockMock.resetHistory();
    const same = await before.run({}, 'same');
    expect(same.output).toMatchObject({ transform: { changes: 0 }, pendingSync: { count: 0 } });
    expect(same.path.at(-1)).toBe(STATES.noChanges);
    expect(bedrockMock.calls()).toEqual([]);

    // A chunking change replaced the data source: same bucket, new DATA_SOURCE_ID in the functions.
    const after = world({ storage: before.storage, dataSourceId: 'DSTEST0002' });
    bedrockMock.resetHistory();
    const replaced = await after.run({}, 'replaced');
    expect(replaced.failure).toBeUndefined();
    expect(replaced.output).toMatchObject({ transform: { changes: 0 }, pendingSync: { count: 1 } });
    expect(replaced.path).toContain(STATES.startIngestion);
    expect(replaced.path.at(-1)).toBe(STATES.synced);
    expect(bedrockMock.commandCalls(StartIngestionJobCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ knowledgeBaseId: FAKE.knowledgeBaseId, dataSourceId: 'DSTEST0002' }),
    ]);
    expect(await report(after.storage, 'replaced')).toMatchObject({
      changes: 0,
      fullSync: expect.stringContaining(`changed from ${FAKE.dataSourceId}`),
    });
    expect(await getJson(after.storage, SYNCED_DATA_SOURCE_KEY)).toMatchObject({
      dataSourceId: 'DSTEST0002',
      runId: 'replaced',
    });
    expect(after.storage.snapshot().has(PENDING_SYNC_KEY)).toBe(false);

    // Synced into the new data source: back to "no changes, no ingestion".
    bedrockMock.resetHistory();
    expect((await after.run({}, 'next')).path.at(-1)).toBe(STATES.noChanges);
    expect(bedrockMock.calls()).toEqual([]);
  });

  it('a replacement whose ingestion fails is retried by the next run (the data source is still not recorded)', async () => {
    bedrockHappy();
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
    const before = world();
    await before.run({}, 'before');
    const after = world({ storage: before.storage, dataSourceId: 'DSTEST0002' });
    bedrockMock
      .on(GetIngestionJobCommand)
      .resolves({ ingestionJob: job('FAILED', { failureReasons: ['x'] }) });
    expect((await after.run({}, 'failing')).failure?.Error).toBe('IngestionFailedError');
    expect(await getJson(after.storage, SYNCED_DATA_SOURCE_KEY)).toMatchObject({
      dataSourceId: FAKE.dataSourceId,
    });

    bedrockMock.on(GetIngestionJobCommand).resolves({ ingestionJob: job('COMPLETE') });
    bedrockMock.resetHistory();
    const retry = await after.run({}, 'retry');
    expect(retry.path.at(-1)).toBe(STATES.synced);
    expect(bedrockMock.commandCalls(StartIngestionJobCommand)).toHaveLength(1);
    expect(await getJson(after.storage, SYNCED_DATA_SOURCE_KEY)).toMatchObject({
      dataSourceId: 'DSTEST0002',
    });
  });
});
