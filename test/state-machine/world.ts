/**
 * The pipeline's world for execution tests: the synthesized dev definition, the demo site, mocked
 * Bedrock / Step Functions clients, a fake knowledge base behind Retrieve, and the real handlers bound
 * to the Task states (see world()). The generic runner is harness.ts.
 */
import {
  type Agent,
  BedrockAgentClient,
  GetAgentCommand,
  GetIngestionJobCommand,
  type IngestionJob,
  ListIngestionJobsCommand,
  PrepareAgentCommand,
  StartIngestionJobCommand,
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
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { keys } from '../../functions/core/pipeline/keys.js';
import type { RunReport } from '../../functions/core/pipeline/report.js';
import type { RetrievalFilter } from '../../functions/core/retrieval/filter.js';
import { fold } from '../../functions/core/retrieval/fold.js';
import { systemClock } from '../../functions/core/shared/clock.js';
import { lambdaSettings } from '../../functions/core/shared/config/lambda-env.js';
import type { WpkbConfig } from '../../functions/core/shared/config/schema.js';
import { syncSettings } from '../../functions/core/shared/config/sync-env.js';
import { silentLog } from '../../functions/core/shared/logger.js';
import { getJson } from '../../functions/core/storage/codec.js';
import { createMemoryStorage, type MemoryStorage } from '../../functions/core/storage/memory.js';
import type { IndexStats } from '../../functions/core/sync/verify.js';
import { createWordPressClient, type WordPressClient } from '../../functions/core/wordpress/client.js';
import { makeExtractHandler } from '../../functions/handlers/extract.js';
import { makeGuardHandler } from '../../functions/handlers/guard.js';
import { makeSyncHandler } from '../../functions/handlers/sync.js';
import { makeTransformHandler } from '../../functions/handlers/transform.js';
import { generateDemoSite } from '../../functions/local/demo-site/generate.js';
import { type DemoSiteServer, startDemoSite } from '../../functions/local/demo-site/server.js';
import { STATES } from '../../stacks/pipeline-states/names.js';
import { type PipelineSynth, synthesizePipelineStack } from '../stacks/pipeline-synth.js';
import { logicalIdOf } from '../stacks/synth.js';
import {
  ACCOUNT,
  asLambda,
  type Execution,
  FAKE,
  functionEnvironment,
  pipelineDefinition,
  REGION,
  runExecution,
} from './harness.js';

export const STATE_MACHINE = 'wpkb-dev-pipeline';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
export const bedrockMock = mockClient(BedrockAgentClient);
export const runtimeMock = mockClient(BedrockAgentRuntimeClient);
export const sfnMock = mockClient(SFNClient);

/** What every execution test runs on: the dev pipeline as synthesized, and the demo WordPress site. */
export const shared = {} as {
  synth: PipelineSynth;
  definition: StateMachineDefinition;
  demo: DemoSiteServer;
};

/** Synthesizes the dev pipeline and starts the demo site for this test file; resets the AWS mocks per test. */
export function usePipeline(): void {
  beforeAll(async () => {
    shared.synth = synthesizePipelineStack({ env: 'dev' });
    shared.definition = pipelineDefinition(shared.synth);
    shared.demo = await startDemoSite({ site: generateDemoSite({ scale: 0.1, seed: 3 }) });
  }, 60_000);

  afterAll(async () => {
    await shared.demo?.close();
  });

  beforeEach(() => {
    bedrockMock.reset();
    runtimeMock.reset();
    sfnMock.reset();
  });
}

export const executionArn = (name: string) =>
  `arn:aws:states:${REGION}:${ACCOUNT}:execution:${STATE_MACHINE}:${name}`;

/** ListExecutions' item for a running execution. */
export function running(name: string, startIso: string): ExecutionListItem {
  return {
    executionArn: executionArn(name),
    stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${STATE_MACHINE}`,
    name,
    status: 'RUNNING',
    startDate: new Date(startIso),
  };
}

export const STATISTICS = {
  numberOfDocumentsScanned: 40,
  numberOfMetadataDocumentsScanned: 40,
  numberOfNewDocumentsIndexed: 40,
  numberOfModifiedDocumentsIndexed: 0,
  numberOfMetadataDocumentsModified: 0,
  numberOfDocumentsDeleted: 0,
  numberOfDocumentsFailed: 0,
  numberOfDocumentsSkipped: 0,
};

export function job(status: IngestionJob['status'], overrides: Partial<IngestionJob> = {}): IngestionJob {
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

export function agent(agentStatus: Agent['agentStatus'], overrides: Partial<Agent> = {}): Agent {
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
export function bedrockHappy(): void {
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
export function alone(name: string): void {
  sfnMock.on(ListExecutionsCommand).resolves({ executions: [running(name, '2026-11-21T03:00:00.000Z')] });
}

export interface Alert {
  TopicArn: string;
  Subject: string;
  Message: string;
}

/** A synthesized pipeline and its definition as Step Functions would receive it. */
export interface Machine {
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

export interface World {
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
export function world(
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
    /** The configuration the Lambdas read, changed before the handlers are built. */
    configure?: (config: WpkbConfig) => WpkbConfig;
    /** The WordPress client the extract Lambda uses, wrapped (to make some reads fail). */
    client?: (real: WordPressClient) => WordPressClient;
  } = {},
): World {
  const site = options.site ?? shared.demo;
  const machine = options.machine ?? { synth: shared.synth, definition: shared.definition };
  const { functions } = machine.synth.pipeline;
  const coreEnvironment = functionEnvironment(machine.synth, logicalIdOf(functions.extract));
  // The configuration compiled into the extract and transform bundles, pointed at the demo site.
  const bundled = {
    ...functions.bundledConfig,
    site: { ...(functions.bundledConfig.site as object), url: site.url },
  };
  const settled = lambdaSettings(coreEnvironment, JSON.stringify(bundled)).config;
  const config = options.configure ? options.configure(settled) : settled;
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
  const real = createWordPressClient({ ...config.wordpress, siteUrl: config.site.url }, { log: silentLog });
  const client = options.client ? options.client(real) : real;
  const extract = asLambda(makeExtractHandler({ config, storage, client, log: silentLog }));
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
    [STATES.planExtract]: extract,
    [STATES.readBatch]: extract,
    [STATES.assembleExtract]: extract,
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

export const countOf = (execution: Execution, state: string) =>
  execution.path.filter((s) => s === state).length;
export const report = (storage: MemoryStorage, runId: string) => getJson<RunReport>(storage, keys.run(runId));

/** Every `from → to` step an execution took, for asserting the transitions that matter. */
export const transitions = (execution: Execution): string[] =>
  execution.path.slice(1).map((to, i) => `${execution.path[i]} → ${to}`);

/** `states` were entered in this order (other states may come between). */
export function expectInOrder(execution: Execution, states: string[]): void {
  let from = 0;
  for (const state of states) {
    const at = execution.path.indexOf(state, from);
    expect(
      at,
      `${state} after ${states.slice(0, states.indexOf(state)).join(', ') || 'the start'}`,
    ).toBeGreaterThanOrEqual(0);
    from = at + 1;
  }
}
