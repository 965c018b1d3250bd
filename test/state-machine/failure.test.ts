import {
  GetAgentCommand,
  GetIngestionJobCommand,
  PrepareAgentCommand,
  StartIngestionJobCommand,
} from '@aws-sdk/client-bedrock-agent';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { generateDemoSite } from '../../functions/local/demo-site/generate.js';
import { startDemoSite } from '../../functions/local/demo-site/server.js';
import { failedAt, INVALID_INPUT, PENDING_SYNC_KEY, STATES } from '../../stacks/pipeline-states/names.js';
import { ACCOUNT, REGION } from './harness.js';

import {
  agent,
  alone,
  bedrockHappy,
  bedrockMock,
  executionArn,
  job,
  report,
  running,
  STATE_MACHINE,
  sfnMock,
  shared,
  usePipeline,
  world,
} from './world.js';

usePipeline();

describe('pipeline executions that fail, and what they leave', () => {
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

  it('agent DRAFT preparation FAILED: alerts naming Check agent DRAFT and the reasons, then fails; no verify', async () => {
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
    expect(w.alerts[0]?.Subject).toBe('wpkb dev: pipeline failed at Check agent DRAFT');
    expect(w.alerts[0]?.Message).toContain('failed in state Check agent DRAFT');
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
    const requestsBefore = shared.demo.requests();
    const w = world();
    const execution = await w.run({}, 'nightly-0006');

    expect(execution.failure?.Error).toBe('ConcurrentRunError');
    expect(String(execution.failure?.Cause)).toContain('another execution is running: manual-sync');
    expect(execution.path.slice(-4)).toEqual([
      STATES.guard,
      failedAt(STATES.guard),
      STATES.sendAlert,
      STATES.failed,
    ]);
    expect(execution.path).not.toContain(STATES.listTypes);
    expect(sfnMock.commandCalls(ListExecutionsCommand)[0]?.args[0].input).toMatchObject({
      stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${STATE_MACHINE}`,
      statusFilter: 'RUNNING',
    });
    expect(shared.demo.requests()).toBe(requestsBefore);
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
