import { ConflictException, GetAgentCommand, PrepareAgentCommand } from '@aws-sdk/client-bedrock-agent';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_REPREPARES, SYNC_ERRORS } from '../../functions/core/sync/contract.js';
import { failedAt, STATES } from '../../stacks/pipeline-states/names.js';
import { AGENT_BUSY_RETRY } from '../../stacks/pipeline-states/sync-loop.js';
import { synthesizePipelineStack } from '../stacks/pipeline-synth.js';
import { FAKE, pipelineDefinition } from './harness.js';
import {
  agent,
  alone,
  bedrockHappy,
  bedrockMock,
  countOf,
  expectInOrder,
  type Machine,
  report,
  shared,
  transitions,
  usePipeline,
  world,
} from './world.js';

usePipeline();

/** PrepareAgent while CloudFormation updates the agent: Bedrock's answer. */
const busy = () =>
  new ConflictException({
    message: 'Update operation can not be performed on agent when it is in Updating state.',
    $metadata: { httpStatusCode: 409 },
  });

/** Retries a state makes on AgentBusyError, as synthesized. */
function busyRetry(name: string) {
  const state = shared.definition.States[name] as {
    Retry?: Array<{ ErrorEquals: string[]; MaxAttempts?: number }>;
  };
  return state.Retry?.find((r) => r.ErrorEquals.includes(SYNC_ERRORS.agentBusy));
}

describe('agent engine: a deploy racing the "Prepare agent DRAFT" step', () => {
  it('retries both agent steps on AgentBusyError, with backoff, before the failure path', () => {
    for (const name of [STATES.prepareAgent, STATES.checkAgent]) {
      expect(busyRetry(name)).toMatchObject({
        ErrorEquals: [SYNC_ERRORS.agentBusy],
        IntervalSeconds: 30,
        BackoffRate: 2,
        MaxAttempts: AGENT_BUSY_RETRY.maxAttempts,
        JitterStrategy: 'FULL',
      });
    }
    // The check carries how often the run prepared again.
    expect(shared.definition.States[STATES.checkAgent]).toMatchObject({
      Parameters: { action: 'agentStatus', 'reprepared.$': '$.agent.reprepared' },
    });
  });

  it('ConflictException while a deploy updates the agent: waited out and retried, no alert, the run succeeds', async () => {
    bedrockHappy();
    alone('nightly-race-1');
    bedrockMock
      .on(PrepareAgentCommand)
      .rejectsOnce(busy())
      .rejectsOnce(busy())
      .resolves({ agentId: FAKE.agentId, agentStatus: 'PREPARING', agentVersion: 'DRAFT' });
    const w = world();
    const execution = await w.run({}, 'nightly-race-1');

    expect(execution.failure).toBeUndefined();
    expect(w.alerts).toEqual([]);
    expect(bedrockMock.commandCalls(PrepareAgentCommand)).toHaveLength(3);
    expect(execution.path).not.toContain(failedAt(STATES.prepareAgent));
    expect(execution.path.at(-1)).toBe(STATES.synced);
    expect(await report(w.storage, 'nightly-race-1')).toMatchObject({
      status: 'succeeded',
      agent: { agentStatus: 'PREPARED' },
    });
  });

  it('a deploy resets the DRAFT to NOT_PREPARED while it is polled: prepared again, no alert, the run succeeds', async () => {
    bedrockHappy();
    alone('nightly-race-2');
    bedrockMock
      .on(GetAgentCommand)
      .resolvesOnce({ agent: agent('UPDATING') })
      .resolvesOnce({ agent: agent('NOT_PREPARED', { preparedAt: undefined }) })
      .resolvesOnce({ agent: agent('PREPARING') })
      .resolves({ agent: agent('PREPARED') });
    const w = world();
    const execution = await w.run({}, 'nightly-race-2');

    expect(execution.failure).toBeUndefined();
    expect(w.alerts).toEqual([]);
    // The step's own prepare, then one more from Check agent DRAFT.
    expect(bedrockMock.commandCalls(PrepareAgentCommand)).toHaveLength(2);
    expect(countOf(execution, STATES.checkAgent)).toBe(4);
    expect((execution.output as { agent: unknown }).agent).toEqual({
      agentStatus: 'PREPARED',
      reprepared: 1,
    });
  });

  it('an agent that stays busy is still alerted, after the retries (never hidden for good)', async () => {
    bedrockHappy();
    alone('nightly-race-3');
    bedrockMock.on(PrepareAgentCommand).rejects(busy());
    const w = world();
    const execution = await w.run({}, 'nightly-race-3');

    expect(execution.failure?.Error).toBe(SYNC_ERRORS.agentBusy);
    expect(bedrockMock.commandCalls(PrepareAgentCommand)).toHaveLength(
      1 + (AGENT_BUSY_RETRY.maxAttempts ?? 0),
    );
    expect(execution.path.slice(-3)).toEqual([
      failedAt(STATES.prepareAgent),
      STATES.sendAlert,
      STATES.failed,
    ]);
    expect(w.alerts).toHaveLength(1);
    expect(w.alerts[0]?.Subject).toBe('wpkb dev: pipeline failed at Prepare agent DRAFT');
  });

  it(`a DRAFT that will not stay prepared fails after ${MAX_REPREPARES} more prepares, with an alert`, async () => {
    bedrockHappy();
    alone('nightly-race-4');
    bedrockMock.on(GetAgentCommand).resolves({ agent: agent('NOT_PREPARED', { preparedAt: undefined }) });
    const w = world();
    const execution = await w.run({}, 'nightly-race-4');

    expect(execution.failure?.Error).toBe('AgentPrepareError');
    expect(bedrockMock.commandCalls(PrepareAgentCommand)).toHaveLength(1 + MAX_REPREPARES);
    expect(w.alerts).toHaveLength(1);
    expect(w.alerts[0]?.Message).toContain(
      `still NOT_PREPARED after ${MAX_REPREPARES} more prepare requests`,
    );
  });
});

describe('knowledge-base engine: the pipeline without agent steps', () => {
  let machine: Machine;
  beforeAll(() => {
    const synth = synthesizePipelineStack({
      env: 'dev',
      overrides: { cloud: { assistant: { engine: 'knowledge-base' } } },
    });
    machine = { synth, definition: pipelineDefinition(synth) };
  });

  it('has no agent state: the ingestion goes straight to the verification', () => {
    const names = Object.keys(machine.definition.States);
    for (const name of [STATES.prepareAgent, STATES.agentPrepared, STATES.waitForAgent, STATES.checkAgent]) {
      expect(names).not.toContain(name);
    }
    expect(machine.definition.States[STATES.ingestionComplete]).toMatchObject({
      Choices: [{ Variable: '$.ingestion.status', StringEquals: 'COMPLETE', Next: STATES.verify }],
    });
  });

  it('runs extract → transform → ingestion → verify and succeeds without calling the agent API', async () => {
    bedrockHappy();
    alone('nightly-kb-1');
    const w = world({ machine });
    const execution = await w.run({}, 'nightly-kb-1');

    expect(execution.failure).toBeUndefined();
    expectInOrder(execution, [STATES.transform, STATES.startIngestion, STATES.verify, STATES.synced]);
    expect(transitions(execution)).toContain(`${STATES.ingestionComplete} → ${STATES.verify}`);
    expect(bedrockMock.commandCalls(PrepareAgentCommand)).toEqual([]);
    expect(bedrockMock.commandCalls(GetAgentCommand)).toEqual([]);
    expect(w.alerts).toEqual([]);
    const run = await report(w.storage, 'nightly-kb-1');
    expect(run).toMatchObject({
      status: 'succeeded',
      ingestion: { status: 'COMPLETE' },
      verify: { ok: true },
    });
    expect(run).not.toHaveProperty('agent');
  });
});
