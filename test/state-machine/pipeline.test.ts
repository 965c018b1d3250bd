import {
  type Agent,
  BedrockAgentClient,
  GetAgentCommand,
  GetIngestionJobCommand,
  type IngestionJob,
  ListIngestionJobsCommand,
  PrepareAgentCommand,
  StartIngestionJobCommand,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-agent';
import {
  BedrockAgentRuntimeClient,
  type KnowledgeBaseRetrievalResult,
  RetrieveCommand,
  type RetrieveCommandInput,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { type ExecutionListItem, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { keys } from '../../functions/core/pipeline/keys.js';
import type { RunReport } from '../../functions/core/pipeline/report.js';
import type { RetrievalFilter } from '../../functions/core/retrieval/filter.js';
import { fold } from '../../functions/core/retrieval/fold.js';
import { todayNumber } from '../../functions/core/retrieval/freshness.js';
import { systemClock } from '../../functions/core/shared/clock.js';
import { lambdaSettings } from '../../functions/core/shared/config/lambda-env.js';
import { syncSettings } from '../../functions/core/shared/config/sync-env.js';
import { silentLog } from '../../functions/core/shared/logger.js';
import { getJson } from '../../functions/core/storage/codec.js';
import { createMemoryStorage, type MemoryStorage } from '../../functions/core/storage/memory.js';
import type { RunReportWithCanaries } from '../../functions/core/sync/canaries.js';
import { ingestionClientToken } from '../../functions/core/sync/ingestion.js';
import { SYNCED_DATA_SOURCE_KEY } from '../../functions/core/sync/synced-data-source.js';
import type { IndexStats } from '../../functions/core/sync/verify.js';
import { createWordPressClient } from '../../functions/core/wordpress/client.js';
import { makeExtractHandler } from '../../functions/handlers/extract.js';
import { makeGuardHandler } from '../../functions/handlers/guard.js';
import { makeSyncHandler } from '../../functions/handlers/sync.js';
import { makeTransformHandler } from '../../functions/handlers/transform.js';
import { generateDemoSite } from '../../functions/local/demo-site/fixtures.js';
import { type DemoSiteServer, startDemoSite } from '../../functions/local/demo-site/server.js';
import { failedAt, INVALID_INPUT, PENDING_SYNC_KEY, STATES } from '../../stacks/pipeline-state-machine.js';
import { type PipelineSynth, synthesizePipelineStack } from '../stacks/pipeline-synth.js';
import { configFor, logicalIdOf } from '../stacks/synth.js';
import {
  ACCOUNT,
  allStates,
  asLambda,
  type Execution,
  FAKE,
  functionArn,
  functionEnvironment,
  pipelineDefinition,
  REGION,
  runExecution,
} from './harness.js';

const STATE_MACHINE = 'wpkb-dev-pipeline';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const bedrockMock = mockClient(BedrockAgentClient);
const runtimeMock = mockClient(BedrockAgentRuntimeClient);
const sfnMock = mockClient(SFNClient);

let synth: PipelineSynth;
let definition: StateMachineDefinition;
let demo: DemoSiteServer;

beforeAll(async () => {
  synth = synthesizePipelineStack({ env: 'dev' });
  definition = pipelineDefinition(synth);
  demo = await startDemoSite({ site: generateDemoSite({ scale: 0.1, seed: 3 }) });
}, 60_000);

afterAll(async () => {
  await demo?.close();
});

beforeEach(() => {
  bedrockMock.reset();
  runtimeMock.reset();
  sfnMock.reset();
});

const executionArn = (name: string) =>
  `arn:aws:states:${REGION}:${ACCOUNT}:execution:${STATE_MACHINE}:${name}`;

/** ListExecutions' item for a running execution. */
function running(name: string, startIso: string): ExecutionListItem {
  return {
    executionArn: executionArn(name),
    stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${STATE_MACHINE}`,
    name,
    status: 'RUNNING',
    startDate: new Date(startIso),
  };
}

const STATISTICS = {
  numberOfDocumentsScanned: 40,
  numberOfMetadataDocumentsScanned: 40,
  numberOfNewDocumentsIndexed: 40,
  numberOfModifiedDocumentsIndexed: 0,
  numberOfMetadataDocumentsModified: 0,
  numberOfDocumentsDeleted: 0,
  numberOfDocumentsFailed: 0,
  numberOfDocumentsSkipped: 0,
};

function job(status: IngestionJob['status'], overrides: Partial<IngestionJob> = {}): IngestionJob {
  return {
    knowledgeBaseId: FAKE.knowledgeBaseId,
    dataSourceId: FAKE.dataSourceId,
    ingestionJobId: 'JOB0000001',
    status,
    statistics: STATISTICS,
    startedAt: new Date('2026-11-21T03:01:00.000Z'),
    updatedAt: new Date('2026-11-21T03:04:00.000Z'),
    ...overrides,
  };
}

function agent(agentStatus: Agent['agentStatus'], overrides: Partial<Agent> = {}): Agent {
  return {
    agentId: FAKE.agentId,
    agentName: 'wpkb-dev-agent',
    agentArn: `arn:aws:bedrock:${REGION}:${ACCOUNT}:agent/${FAKE.agentId}`,
    agentVersion: 'DRAFT',
    agentStatus,
    idleSessionTTLInSeconds: 600,
    agentResourceRoleArn: `arn:aws:iam::${ACCOUNT}:role/wpkb-dev-agent`,
    createdAt: new Date('2026-11-01T12:00:00.000Z'),
    updatedAt: new Date('2026-11-21T03:05:00.000Z'),
    preparedAt: new Date('2026-11-21T03:05:30.000Z'),
    ...overrides,
  };
}

/** Bedrock behaving well: no other job, the job completes after one poll, the agent prepares after one. */
function bedrockHappy(): void {
  bedrockMock.on(ListIngestionJobsCommand).resolves({ ingestionJobSummaries: [] });
  bedrockMock.on(StartIngestionJobCommand).callsFake((input: { description?: string }) => ({
    ingestionJob: job('STARTING', { description: input.description }),
  }));
  bedrockMock
    .on(GetIngestionJobCommand)
    .resolvesOnce({ ingestionJob: job('IN_PROGRESS') })
    .resolves({ ingestionJob: job('COMPLETE') });
  bedrockMock.on(PrepareAgentCommand).resolves({
    agentId: FAKE.agentId,
    agentStatus: 'PREPARING',
    agentVersion: 'DRAFT',
    preparedAt: new Date('2026-11-21T03:05:00.000Z'),
  });
  bedrockMock
    .on(GetAgentCommand)
    .resolvesOnce({ agent: agent('PREPARING') })
    .resolves({ agent: agent('PREPARED') });
}

/** Only this execution runs. */
function alone(name: string): void {
  sfnMock.on(ListExecutionsCommand).resolves({ executions: [running(name, '2026-11-21T03:00:00.000Z')] });
}

interface Alert {
  TopicArn: string;
  Subject: string;
  Message: string;
}

/** A synthesized pipeline and its definition as Step Functions would receive it. */
interface Machine {
  synth: PipelineSynth;
  definition: StateMachineDefinition;
}

/** The filters the canaries send, on a document's metadata (Bedrock's semantics for these operators). */
function passes(filter: RetrievalFilter | undefined, metadata: Record<string, unknown>): boolean {
  if (!filter) return true;
  if ('andAll' in filter) return filter.andAll.every((f) => passes(f, metadata));
  if ('equals' in filter) return metadata[filter.equals.key] === filter.equals.value;
  if ('greaterThanOrEquals' in filter) {
    const value = metadata[filter.greaterThanOrEquals.key];
    return typeof value === 'number' && value >= Number(filter.greaterThanOrEquals.value);
  }
  throw new Error(`the fake knowledge base does not know the filter ${JSON.stringify(filter)}`);
}

const words = (text: string) => new Set(fold(text).match(/[\p{L}\p{N}]{3,}/gu) ?? []);

/**
 * A stand-in for the knowledge base behind Retrieve: every document transform wrote under kb/ (minus
 * `unindexed`), filtered by its sidecar's metadata, ranked by the share of its title's words in the
 * question. Like a vector search it always returns the nearest numberOfResults, relevant or not.
 */
async function fakeRetrieve(
  storage: MemoryStorage,
  bucket: string,
  input: RetrieveCommandInput,
  unindexed: string[] = [],
): Promise<{ retrievalResults: KnowledgeBaseRetrievalResult[] }> {
  expect(input.knowledgeBaseId).toBe(FAKE.knowledgeBaseId);
  const config = input.retrievalConfiguration?.vectorSearchConfiguration;
  const question = words(input.retrievalQuery?.text ?? '');
  const sidecars = (await storage.list('kb/')).filter((o) => o.key.endsWith('.csv.metadata.json'));
  const candidates: Array<KnowledgeBaseRetrievalResult & { score: number; key: string }> = [];
  for (const { key: sidecarKey } of sidecars) {
    const key = sidecarKey.replace(/\.metadata\.json$/, '');
    if (unindexed.includes(key)) continue;
    const sidecar = await getJson<{ metadataAttributes: Record<string, unknown> }>(storage, sidecarKey);
    const metadata = sidecar?.metadataAttributes ?? {};
    if (!passes(config?.filter as RetrievalFilter | undefined, metadata)) continue;
    const title = words(String(metadata.title ?? ''));
    const shared = [...title].filter((w) => question.has(w)).length;
    const uri = `s3://${bucket}/${key}`;
    candidates.push({
      key,
      content: { type: 'TEXT', text: String(metadata.title ?? '') },
      location: { type: 'S3', s3Location: { uri } },
      metadata: { ...metadata, 'x-amz-bedrock-kb-source-uri': uri },
      score: 0.2 + (0.7 * shared) / Math.max(title.size, 1),
    });
  }
  candidates.sort((a, b) => b.score - a.score || a.key.localeCompare(b.key));
  return {
    retrievalResults: candidates
      .slice(0, config?.numberOfResults ?? 5)
      .map(({ key: _key, ...result }) => result),
  };
}

interface World {
  storage: MemoryStorage;
  alerts: Alert[];
  metrics: Array<{ name: string; value: number }>;
  run(input: unknown, executionName?: string): Promise<Execution>;
}

/**
 * The real handlers, built as their Lambda entry points build them — settings from the synthesized
 * functions' environment variables — over one in-memory bucket, the demo WordPress site, mocked
 * Bedrock / Step Functions clients and a fake Pinecone; the SNS publish records the alert.
 */
function world(
  options: {
    site?: DemoSiteServer;
    stats?: IndexStats;
    publish?: (alert: Alert) => Promise<unknown>;
    /** Another synthesized pipeline (e.g. with canaries configured) than the default dev one. */
    machine?: Machine;
    /** Documents under kb/ the fake knowledge base does not have (as if Bedrock had failed them). */
    unindexed?: string[];
    /** The bucket of an earlier world (the same deployment's data, e.g. after a redeploy). */
    storage?: MemoryStorage;
    /** The data source id CloudFormation gave the deployed data source (a replacement: a new one). */
    dataSourceId?: string;
  } = {},
): World {
  const site = options.site ?? demo;
  const machine = options.machine ?? { synth, definition };
  const { functions } = machine.synth.pipeline;
  const coreEnvironment = functionEnvironment(machine.synth, logicalIdOf(functions.extract));
  // The configuration compiled into the extract and transform bundles, pointed at the demo site.
  const bundled = {
    ...functions.bundledConfig,
    site: { ...(functions.bundledConfig.site as object), url: site.url },
  };
  const { config } = lambdaSettings(coreEnvironment, JSON.stringify(bundled));
  const transformEnvironment = functionEnvironment(machine.synth, logicalIdOf(functions.transform));
  const replaced = options.dataSourceId ? { DATA_SOURCE_ID: options.dataSourceId } : {};
  const { dataSource } = lambdaSettings({ ...transformEnvironment, ...replaced }, JSON.stringify(bundled));
  const settings = syncSettings({
    ...functionEnvironment(machine.synth, logicalIdOf(functions.sync)),
    ...replaced,
  });

  const storage = options.storage ?? createMemoryStorage();
  const alerts: Alert[] = [];
  const metrics: World['metrics'] = [];
  const stats = options.stats ?? { namespaces: { dev: { recordCount: 40 } }, dimension: 1024 };
  const client = createWordPressClient({ ...config.wordpress, siteUrl: config.site.url }, { log: silentLog });
  const sync = asLambda(
    makeSyncHandler({
      settings,
      bedrock: new BedrockAgentClient({ region: REGION, credentials }),
      runtime: new BedrockAgentRuntimeClient({ region: REGION, credentials }),
      indexStats: async () => stats,
      storage,
      log: silentLog,
      clock: systemClock,
      metrics: { count: (name, value) => metrics.push({ name, value }) },
    }),
  );
  // The knowledge base behind the Retrieve API: what transform wrote under kb/ (fake ranking, real filter).
  runtimeMock
    .on(RetrieveCommand)
    .callsFake((input: RetrieveCommandInput) =>
      fakeRetrieve(storage, settings.bucket, input, options.unindexed),
    );
  const publish = async (input: unknown) => {
    alerts.push(input as Alert);
    return options.publish ? options.publish(input as Alert) : { MessageId: `message-${alerts.length}` };
  };
  const taskHandlers = {
    [STATES.guard]: asLambda(
      makeGuardHandler({ sfn: new SFNClient({ region: REGION, credentials }), log: silentLog }),
    ),
    [STATES.extractType]: asLambda(makeExtractHandler({ config, storage, client, log: silentLog })),
    [STATES.transform]: asLambda(
      makeTransformHandler({ config, storage, log: silentLog, clock: systemClock, dataSource }),
    ),
    [STATES.startIngestion]: sync,
    [STATES.checkIngestion]: sync,
    [STATES.prepareAgent]: sync,
    [STATES.checkAgent]: sync,
    [STATES.verify]: sync,
    [STATES.runCanaries]: sync,
    // S3 SDK integrations (the pending-sync marker), over the same bucket.
    [STATES.checkPendingSync]: async (input: unknown) => {
      const { Bucket, Prefix } = input as { Bucket: string; Prefix: string };
      expect(Bucket).toBe(settings.bucket);
      const found = (await storage.list('runs/')).filter((o) => o.key.startsWith(Prefix));
      return {
        KeyCount: Math.min(found.length, 1),
        Contents: found.slice(0, 1).map((o) => ({ Key: o.key })),
      };
    },
    [STATES.markSyncPending]: async (input: unknown) => {
      const { Bucket, Key, Body } = input as { Bucket: string; Key: string; Body: string };
      expect(Bucket).toBe(settings.bucket);
      await storage.put(Key, Body);
      return { ETag: '"etag"' };
    },
    [STATES.clearPendingSync]: async (input: unknown) => {
      const { Bucket, Key } = input as { Bucket: string; Key: string };
      expect(Bucket).toBe(settings.bucket);
      await storage.delete([Key]);
      return {};
    },
    [STATES.sendAlert]: publish,
    [STATES.sendCanaryAlert]: publish,
  };
  return {
    storage,
    alerts,
    metrics,
    run: (input, executionName = 'nightly-0001') =>
      runExecution(machine.definition, input, {
        executionName,
        stateMachineName: STATE_MACHINE,
        taskHandlers,
      }),
  };
}

const countOf = (execution: Execution, state: string) => execution.path.filter((s) => s === state).length;
const report = (storage: MemoryStorage, runId: string) => getJson<RunReport>(storage, keys.run(runId));

describe('the synthesized definition', () => {
  it('binds every Task state to the right function or integration, so a local handler replaces each one', () => {
    const { functions } = synth.pipeline;
    const expected: Record<string, string> = {
      [STATES.guard]: functionArn(logicalIdOf(functions.guard)),
      [STATES.extractType]: functionArn(logicalIdOf(functions.extract)),
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
    const tasks = allStates(definition).filter((s) => s.state.Type === 'Task');
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
    const names = allStates(definition).map((st) => st.name);
    for (const name of [STATES.runCanaries, STATES.canariesPassed, STATES.sendCanaryAlert]) {
      expect(names).not.toContain(name);
    }
    expect(definition.States[STATES.clearPendingSync]).toMatchObject({ Next: STATES.synced });
  });

  it('stops after 60 minutes and maps over the configured content types', () => {
    expect(definition.TimeoutSeconds).toBe(3600);
    const list = definition.States[STATES.listTypes] as { Result: unknown };
    expect(list.Result).toEqual(configFor('dev').contentTypes.map((t) => t.name));
    expect(definition.States[STATES.extractAll]).toMatchObject({ Type: 'Map', MaxConcurrency: 2 });
  });
});

describe('pipeline executions', () => {
  it('happy path: extracts every type, transforms, ingests, prepares the agent, verifies, succeeds', async () => {
    bedrockHappy();
    alone('nightly-0001');
    const w = world();
    const execution = await w.run({});

    expect(execution.failure).toBeUndefined();
    expect(execution.path).toEqual([
      STATES.readInput,
      STATES.applyDefaults,
      STATES.checkInput,
      STATES.guard,
      STATES.listTypes,
      STATES.extractAll,
      STATES.extractType,
      STATES.extractType,
      STATES.extractType,
      STATES.transform,
      STATES.checkPendingSync,
      STATES.anyChanges,
      STATES.markSyncPending,
      STATES.startIngestion,
      STATES.ingestionStarted,
      STATES.waitForIngestion,
      STATES.checkIngestion,
      STATES.ingestionComplete,
      STATES.waitForIngestion,
      STATES.checkIngestion,
      STATES.ingestionComplete,
      STATES.prepareAgent,
      STATES.agentPrepared,
      STATES.waitForAgent,
      STATES.checkAgent,
      STATES.agentPrepared,
      STATES.waitForAgent,
      STATES.checkAgent,
      STATES.agentPrepared,
      STATES.verify,
      STATES.clearPendingSync,
      STATES.synced,
    ]);
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

  it('ingestion FAILED: alerts with the execution, the state and the reasons, then fails', async () => {
    bedrockHappy();
    alone('nightly-0002');
    bedrockMock
      .on(GetIngestionJobCommand)
      .resolves({ ingestionJob: job('FAILED', { failureReasons: ['Access denied to s3://bucket/kb/'] }) });
    const w = world();
    const execution = await w.run({}, 'nightly-0002');

    expect(execution.failure?.Error).toBe('IngestionFailedError');
    expect(String(execution.failure?.Cause)).toContain('ingestion job JOB0000001 FAILED: Access denied');
    expect(execution.path.slice(-4)).toEqual([
      STATES.checkIngestion,
      failedAt(STATES.checkIngestion),
      STATES.sendAlert,
      STATES.failed,
    ]);
    expect(w.alerts).toHaveLength(1);
    const [alert] = w.alerts;
    expect(alert?.TopicArn).toBe(`arn:aws:sns:${REGION}:${ACCOUNT}:wpkb-dev-alerts`);
    expect(alert?.Subject).toBe('wpkb dev: pipeline failed at Check ingestion');
    expect(alert?.Subject.length).toBeLessThanOrEqual(100);
    expect(alert?.Message).toContain('execution nightly-0002 failed in state Check ingestion');
    expect(alert?.Message).toContain('Error: IngestionFailedError');
    expect(alert?.Message).toContain('ingestion job JOB0000001 FAILED: Access denied to s3://bucket/kb/');
    expect(alert?.Message).toContain(executionArn('nightly-0002'));
    expect(alert?.Message).toContain(
      `https://${REGION}.console.aws.amazon.com/states/home?region=${REGION}#/v2/executions/details/${executionArn('nightly-0002')}`,
    );
    expect(bedrockMock.commandCalls(PrepareAgentCommand)).toEqual([]);
    expect(await report(w.storage, 'nightly-0002')).toMatchObject({ status: 'failed' });
    expect(w.storage.snapshot().get(PENDING_SYNC_KEY)?.toString()).toBe('nightly-0002');
  });

  it('a sync left pending by a failed run is retried by the next run, although nothing changed', async () => {
    bedrockHappy();
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
    bedrockMock
      .on(GetIngestionJobCommand)
      .resolves({ ingestionJob: job('FAILED', { failureReasons: ['x'] }) });
    const w = world();
    expect((await w.run({}, 'failing')).failure?.Error).toBe('IngestionFailedError');

    bedrockMock.on(GetIngestionJobCommand).resolves({ ingestionJob: job('COMPLETE') });
    bedrockMock.resetHistory();
    const retry = await w.run({}, 'retry');
    expect(retry.failure).toBeUndefined();
    expect(retry.output).toMatchObject({ transform: { changes: 0 }, pendingSync: { count: 1 } });
    expect(retry.path.slice(-3)).toEqual([STATES.verify, STATES.clearPendingSync, STATES.synced]);
    expect(bedrockMock.commandCalls(StartIngestionJobCommand)).toHaveLength(1);
    expect(w.storage.snapshot().has(PENDING_SYNC_KEY)).toBe(false);

    bedrockMock.resetHistory();
    const after = await w.run({}, 'after');
    expect(after.path.at(-1)).toBe(STATES.noChanges);
    expect(bedrockMock.calls()).toEqual([]);
  });

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

  it('an alert that cannot be published still ends in Fail with the original error', async () => {
    bedrockHappy();
    alone('nightly-0008');
    bedrockMock.on(GetIngestionJobCommand).resolves({ ingestionJob: job('STOPPED') });
    const w = world({
      publish: async () => {
        throw Object.assign(new Error('KMS key disabled'), { name: 'SNS.KMSDisabledException' });
      },
    });
    const execution = await w.run({}, 'nightly-0008');

    expect(execution.failure?.Error).toBe('IngestionFailedError');
    expect(String(execution.failure?.Cause)).toContain('ingestion job JOB0000001 STOPPED');
    expect(execution.path.slice(-2)).toEqual([STATES.sendAlert, STATES.failed]);
    // Retried before giving up (3 retries on States.TaskFailed).
    expect(w.alerts).toHaveLength(4);
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

  it('agent preparation FAILED: alerts naming Check agent and the reasons, then fails; no verify', async () => {
    bedrockHappy();
    alone('nightly-0005');
    bedrockMock
      .on(GetAgentCommand)
      .resolves({ agent: agent('FAILED', { failureReasons: ['Action group schema invalid'] }) });
    const w = world();
    const execution = await w.run({}, 'nightly-0005');

    expect(execution.failure?.Error).toBe('AgentPrepareError');
    expect(execution.path.slice(-3)).toEqual([failedAt(STATES.checkAgent), STATES.sendAlert, STATES.failed]);
    expect(execution.path).not.toContain(STATES.verify);
    expect(w.alerts).toHaveLength(1);
    expect(w.alerts[0]?.Subject).toBe('wpkb dev: pipeline failed at Check agent');
    expect(w.alerts[0]?.Message).toContain('failed in state Check agent');
    expect(w.alerts[0]?.Message).toContain('Error: AgentPrepareError');
    expect(w.alerts[0]?.Message).toContain('Action group schema invalid');
    expect(await report(w.storage, 'nightly-0005')).toMatchObject({
      status: 'failed',
      agent: { agentStatus: 'FAILED' },
    });
  });

  it('another execution running: refused before touching anything, with an alert', async () => {
    bedrockHappy();
    sfnMock.on(ListExecutionsCommand).resolves({
      executions: [
        running('manual-sync', '2026-11-21T02:50:00.000Z'),
        running('nightly-0006', '2026-11-21T03:00:00.000Z'),
      ],
    });
    const requestsBefore = demo.requests();
    const w = world();
    const execution = await w.run({}, 'nightly-0006');

    expect(execution.failure?.Error).toBe('ConcurrentRunError');
    expect(String(execution.failure?.Cause)).toContain('another execution is running: manual-sync');
    expect(execution.path).toEqual([
      STATES.readInput,
      STATES.applyDefaults,
      STATES.checkInput,
      STATES.guard,
      failedAt(STATES.guard),
      STATES.sendAlert,
      STATES.failed,
    ]);
    expect(sfnMock.commandCalls(ListExecutionsCommand)[0]?.args[0].input).toMatchObject({
      stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${STATE_MACHINE}`,
      statusFilter: 'RUNNING',
    });
    expect(demo.requests()).toBe(requestsBefore);
    expect(w.storage.snapshot().size).toBe(0);
    expect(bedrockMock.calls()).toEqual([]);
    expect(w.alerts[0]?.Subject).toBe('wpkb dev: pipeline failed at Concurrency guard');
    expect(w.alerts[0]?.Message).toContain('another execution is running: manual-sync');
  });

  it('an invalid input is refused with an alert before the guard runs', async () => {
    const w = world();
    const execution = await w.run({ force: 'yes' }, 'manual-1');
    expect(execution.failure?.Error).toBe(INVALID_INPUT);
    expect(execution.path).not.toContain(STATES.guard);
    expect(w.alerts[0]?.Subject).toBe('wpkb dev: pipeline failed at Check input');
    expect(w.alerts[0]?.Message).toContain('Input: {"force":"yes"}');
    expect(sfnMock.calls()).toEqual([]);
  });

  it('the deletion guard fails the transform with an alert; {"force": true} lets the run through', async () => {
    bedrockHappy();
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
    const site = await startDemoSite({ site: generateDemoSite({ scale: 0.1, seed: 3 }) });
    try {
      const w = world({ site });
      expect((await w.run({}, 'before')).failure).toBeUndefined();
      // Most stores disappear from the site.
      const stores = site.site.items.stores ?? [];
      stores.splice(0, Math.ceil(stores.length * 0.8));

      const refused = await w.run({}, 'refused');
      expect(refused.failure?.Error).toBe('DeletionGuardError');
      expect(w.alerts.at(-1)?.Subject).toBe('wpkb dev: pipeline failed at Transform');
      const keptStores = [...w.storage.snapshot().keys()].filter((k) => k.startsWith('kb/stores/'));

      const forced = await w.run({ force: true }, 'forced');
      expect(forced.failure).toBeUndefined();
      expect(await report(w.storage, 'forced')).toMatchObject({ forced: true, status: 'succeeded' });
      const remaining = [...w.storage.snapshot().keys()].filter((k) => k.startsWith('kb/stores/'));
      expect(remaining.length).toBeLessThan(keptStores.length);
    } finally {
      await site.close();
    }
  });
});

describe('post-sync canaries', () => {
  let canarySynth: Machine;
  let strictSynth: Machine;
  /** Items of the demo site the canaries ask about (the site is generated from a fixed seed). */
  let items: { store: Item; otherStore: Item; restaurant: Item };
  let questions: Array<{ question: string; expected: string; type?: string; k?: number }>;

  interface Item {
    id: number;
    title: string;
  }

  beforeAll(() => {
    const site = generateDemoSite({ scale: 0.1, seed: 3 });
    const plain = (type: string): Item[] =>
      (site.items[type] ?? [])
        .map((i) => ({ id: i.id, title: (i as { title: { rendered: string } }).title.rendered }))
        .filter((i) => /^[\p{L} ]+$/u.test(i.title));
    const [store, otherStore] = plain('stores');
    const [restaurant] = plain('restaurant');
    if (!store || !otherStore || !restaurant) throw new Error('the demo site has too few plain titles');
    items = { store, otherStore, restaurant };
    questions = [
      { question: `¿Dónde está ${store.title}?`, expected: String(store.id) },
      { question: `¿Dónde queda ${restaurant.title}?`, expected: restaurant.title, type: 'restaurant' },
      { question: `¿En qué piso está ${otherStore.title}?`, expected: String(otherStore.id), k: 3 },
    ];
    const machine = (strict: boolean): Machine => {
      const s = synthesizePipelineStack({ env: 'dev', overrides: { canaries: { questions, strict } } });
      return { synth: s, definition: pipelineDefinition(s) };
    };
    canarySynth = machine(false);
    strictSynth = machine(true);
  }, 120_000);

  const storeKey = () => `kb/stores/${items.store.id}.csv`;
  const today = () => todayNumber(systemClock, 'America/Santiago');

  it('binds Run canaries to the sync function with the configured questions, strictness and time zone', () => {
    const { functions } = canarySynth.synth.pipeline;
    const run = canarySynth.definition.States[STATES.runCanaries] as unknown as {
      Resource: string;
      Parameters: Record<string, unknown>;
      ResultPath: string;
    };
    expect(run.Resource).toBe(functionArn(logicalIdOf(functions.sync)));
    expect(run.Parameters).toEqual({
      action: 'canaries',
      'runId.$': '$.runId',
      questions: questions.map((q) => ({ k: 5, ...q })),
      strict: false,
      timeZone: 'America/Santiago',
    });
    expect(canarySynth.definition.States[STATES.clearPendingSync]).toMatchObject({
      Next: STATES.runCanaries,
    });
    expect(canarySynth.definition.States[STATES.sendCanaryAlert]).toMatchObject({
      Resource: 'arn:aws:states:::sns:publish',
      Next: STATES.synced,
    });
    expect(
      (strictSynth.definition.States[STATES.runCanaries] as unknown as typeof run).Parameters.strict,
    ).toBe(true);
  });

  it('every canary hits: asked after the index is verified, counted, reported; no alert; the run succeeds', async () => {
    bedrockHappy();
    alone('nightly-0010');
    const w = world({ machine: canarySynth });
    const execution = await w.run({}, 'nightly-0010');

    expect(execution.failure).toBeUndefined();
    expect(execution.path.slice(-5)).toEqual([
      STATES.verify,
      STATES.clearPendingSync,
      STATES.runCanaries,
      STATES.canariesPassed,
      STATES.synced,
    ]);
    expect(execution.output).toMatchObject({
      canaries: { ok: true, asked: 3, hits: 3, misses: 0, strict: false, summary: '' },
    });
    expect(w.alerts).toEqual([]);
    expect(w.metrics).toEqual([{ name: 'CanaryMisses', value: 0 }]);

    const retrieves = runtimeMock.commandCalls(RetrieveCommand).map((c) => c.args[0].input);
    expect(retrieves.map((r) => r.retrievalQuery?.text)).toEqual(questions.map((q) => q.question));
    const freshness = { greaterThanOrEquals: { key: 'available_until', value: today() } };
    expect(retrieves.map((r) => r.retrievalConfiguration?.vectorSearchConfiguration)).toEqual([
      { numberOfResults: 5, filter: freshness },
      {
        numberOfResults: 5,
        filter: { andAll: [freshness, { equals: { key: 'content_type', value: 'restaurant' } }] },
      },
      { numberOfResults: 3, filter: freshness },
    ]);

    const saved = (await report(w.storage, 'nightly-0010')) as RunReportWithCanaries;
    expect(saved).toMatchObject({ status: 'succeeded', verify: { ok: true } });
    expect(saved.canaries).toMatchObject({ ok: true, strict: false, asked: 3, today: today(), misses: [] });
    expect(saved.canaries?.hits.map((h) => [h.expected, h.rank])).toEqual([
      [String(items.store.id), 1],
      [items.restaurant.title, 1],
      [String(items.otherStore.id), 1],
    ]);
    expect(w.storage.snapshot().has(PENDING_SYNC_KEY)).toBe(false);
  });

  it('a miss (not strict): alert naming the question, the expected item and what came back; metric; success', async () => {
    bedrockHappy();
    alone('nightly-0011');
    // The knowledge base lacks one store's document (as if Bedrock had failed to index it).
    const w = world({ machine: canarySynth, unindexed: [storeKey()] });
    const execution = await w.run({}, 'nightly-0011');

    expect(execution.failure).toBeUndefined();
    expect(execution.path.slice(-4)).toEqual([
      STATES.runCanaries,
      STATES.canariesPassed,
      STATES.sendCanaryAlert,
      STATES.synced,
    ]);
    expect(w.metrics).toEqual([{ name: 'CanaryMisses', value: 1 }]);

    expect(w.alerts).toHaveLength(1);
    const [alert] = w.alerts;
    expect(alert?.TopicArn).toBe(`arn:aws:sns:${REGION}:${ACCOUNT}:wpkb-dev-alerts`);
    expect(alert?.Subject).toBe('wpkb dev: 1 of 3 canaries missed');
    const message = alert?.Message ?? '';
    expect(message).toContain('The wpkb dev pipeline execution nightly-0011 synced the knowledge base');
    expect(message).toContain('canaries.strict is off');
    const line = `canary miss: "${questions[0]?.question}" expected ${items.store.id} in the top 5; got `;
    expect(message).toContain(line);
    // What came back: the five nearest other documents, each by id and title, as the bucket holds them.
    const got = message.slice(message.indexOf(line) + line.length).split(' -- ')[0] ?? '';
    const returned = [...got.matchAll(/(\S+) "([^"]*)" \((\d\.\d{3})\)/g)];
    expect(returned).toHaveLength(5);
    for (const [, id, title] of returned) {
      expect(id).not.toBe(String(items.store.id));
      const sidecar = [...w.storage.snapshot().keys()].find((k) => k.endsWith(`/${id}.csv.metadata.json`));
      expect(sidecar).toBeDefined();
      const attributes = (await getJson<{ metadataAttributes: { title: string } }>(w.storage, sidecar ?? ''))
        ?.metadataAttributes;
      expect(attributes?.title).toBe(title);
    }
    expect(message).toContain('Run report: runs/nightly-0011.json');
    expect(message).toContain(executionArn('nightly-0011'));

    const saved = (await report(w.storage, 'nightly-0011')) as RunReportWithCanaries;
    expect(saved.status).toBe('succeeded');
    expect(saved.canaries).toMatchObject({ ok: false, asked: 3 });
    expect(saved.canaries?.misses.map((m) => [m.question, m.expected, m.got.length])).toEqual([
      [questions[0]?.question, String(items.store.id), 5],
    ]);
  });

  it('a miss with canaries.strict: the failure alert names the question, the run fails', async () => {
    bedrockHappy();
    alone('nightly-0012');
    const w = world({ machine: strictSynth, unindexed: [storeKey()] });
    const execution = await w.run({}, 'nightly-0012');

    expect(execution.failure?.Error).toBe('CanaryMissError');
    const cause = JSON.parse(String(execution.failure?.Cause)) as { errorMessage: string };
    expect(cause.errorMessage).toMatch(
      new RegExp(
        `^1 of 3 canaries missed: canary miss: "${questions[0]?.question.replace(/[?¿]/g, '\\$&')}" expected ${items.store.id} in the top 5; got \\d+ "`,
      ),
    );
    expect(execution.path.slice(-5)).toEqual([
      STATES.clearPendingSync,
      STATES.runCanaries,
      failedAt(STATES.runCanaries),
      STATES.sendAlert,
      STATES.failed,
    ]);
    expect(execution.path).not.toContain(STATES.sendCanaryAlert);
    expect(w.alerts).toHaveLength(1);
    expect(w.alerts[0]?.Subject).toBe('wpkb dev: pipeline failed at Run canaries');
    expect(w.alerts[0]?.Message).toContain('Error: CanaryMissError');
    expect(w.alerts[0]?.Message).toContain(`expected ${items.store.id} in the top 5; got `);
    expect(w.metrics).toEqual([{ name: 'CanaryMisses', value: 1 }]);
    const saved = (await report(w.storage, 'nightly-0012')) as RunReportWithCanaries;
    expect(saved).toMatchObject({ status: 'failed', canaries: { ok: false, strict: true } });
    expect(saved.error).toContain(questions[0]?.question);
    // The knowledge base is in line with kb/: the next run does not sync again for this.
    expect(w.storage.snapshot().has(PENDING_SYNC_KEY)).toBe(false);
  });

  it('strict with every canary hit succeeds', async () => {
    bedrockHappy();
    alone('nightly-0013');
    const w = world({ machine: strictSynth });
    const execution = await w.run({}, 'nightly-0013');
    expect(execution.failure).toBeUndefined();
    expect(execution.path.slice(-3)).toEqual([STATES.runCanaries, STATES.canariesPassed, STATES.synced]);
    expect(w.alerts).toEqual([]);
  });

  it('a canary alert that cannot be published does not fail a run that synced', async () => {
    bedrockHappy();
    alone('nightly-0014');
    const w = world({
      machine: canarySynth,
      unindexed: [storeKey()],
      publish: async () => {
        throw Object.assign(new Error('KMS key disabled'), { name: 'SNS.KMSDisabledException' });
      },
    });
    const execution = await w.run({}, 'nightly-0014');

    expect(execution.failure).toBeUndefined();
    expect(execution.path.slice(-2)).toEqual([STATES.sendCanaryAlert, STATES.synced]);
    // Retried before giving up; the metric (and its alarm) still report the miss.
    expect(w.alerts).toHaveLength(4);
    expect(w.metrics).toEqual([{ name: 'CanaryMisses', value: 1 }]);
    expect(execution.output).toMatchObject({ canaryAlertError: { Error: 'SNS.KMSDisabledException' } });
  });

  it('no changes: no sync, so no canaries either', async () => {
    bedrockHappy();
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
    const w = world({ machine: canarySynth });
    await w.run({}, 'first');
    runtimeMock.resetHistory();
    const second = await w.run({}, 'second');
    expect(second.path.at(-1)).toBe(STATES.noChanges);
    expect(runtimeMock.calls()).toEqual([]);
  });
});
