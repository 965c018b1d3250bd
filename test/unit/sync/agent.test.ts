import {
  type Agent,
  BedrockAgentClient,
  ConflictException,
  GetAgentCommand,
  PrepareAgentCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-bedrock-agent';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_REPREPARES, SYNC_ERRORS } from '../../../functions/core/sync/contract.js';
import { AgentBusyError, AgentPrepareError } from '../../../functions/core/sync/errors.js';
import { makeSyncHandler } from '../../../functions/handlers/sync.js';
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

const bedrockMock = mockClient(BedrockAgentClient);
const bedrock = new BedrockAgentClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
});

async function setup() {
  const storage = await seededStorage();
  const handler = makeSyncHandler({
    settings,
    bedrock,
    runtime,
    indexStats: () => Promise.reject(new Error('Pinecone must not be called here')),
    storage,
    log: recordingLog(),
    clock,
    metrics: recordingMetrics(),
  });
  return { storage, handler };
}

/** GetAgent's `agent` as the SDK returns it (Dates for the timestamps). */
function agent(overrides: Partial<Agent>): Agent {
  return {
    agentId: 'AG12345678',
    agentName: 'wpkb-prod-assistant',
    agentArn: 'arn:aws:bedrock:us-east-1:123456789012:agent/AG12345678',
    agentVersion: 'DRAFT',
    agentStatus: 'PREPARED',
    idleSessionTTLInSeconds: 600,
    agentResourceRoleArn: 'arn:aws:iam::123456789012:role/wpkb-prod-agent',
    foundationModel: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    createdAt: new Date('2026-11-01T12:00:00.000Z'),
    updatedAt: new Date('2026-11-21T03:08:00.000Z'),
    preparedAt: new Date('2026-11-21T03:08:30.000Z'),
    ...overrides,
  };
}

beforeEach(() => {
  bedrockMock.reset();
});

describe('sync prepare', () => {
  it('asks Bedrock to prepare the configured agent', async () => {
    const { handler } = await setup();
    bedrockMock.on(PrepareAgentCommand).resolves({
      agentId: 'AG12345678',
      agentStatus: 'PREPARING',
      agentVersion: 'DRAFT',
      preparedAt: new Date('2026-11-21T03:08:00.000Z'),
    });

    await expect(handler(fixture('prepare.json'))).resolves.toEqual({
      agentStatus: 'PREPARING',
      reprepared: 0,
    });
    expect(bedrockMock.commandCalls(PrepareAgentCommand)[0]?.args[0].input).toEqual({
      agentId: 'AG12345678',
    });
  });

  it('answers ConflictException (a deploy is updating the agent) with AgentBusyError, for the state machine to retry', async () => {
    const { handler, storage } = await setup();
    const before = await readReports(storage);
    bedrockMock
      .on(PrepareAgentCommand)
      .rejects(new ConflictException({ message: 'Agent is in UPDATING state', $metadata: {} }));

    const error = await handler(fixture('prepare.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentBusyError);
    expect(error).toMatchObject({ name: SYNC_ERRORS.agentBusy });
    expect((error as Error).message).toBe(
      'agent AG12345678 is busy (ConflictException: Agent is in UPDATING state)',
    );
    expect(await readReports(storage)).toEqual(before);
  });

  it('lets other errors through under their own name', async () => {
    const { handler } = await setup();
    bedrockMock
      .on(PrepareAgentCommand)
      .rejects(new ResourceNotFoundException({ message: 'Agent not found', $metadata: {} }));

    await expect(handler(fixture('prepare.json'))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});

describe('sync agentStatus', () => {
  it.each(['PREPARING', 'UPDATING', 'VERSIONING', 'CREATING'] as const)(
    'returns %s for the state machine to poll again, report untouched',
    async (agentStatus) => {
      const { handler, storage } = await setup();
      const before = await readReports(storage);
      bedrockMock.on(GetAgentCommand).resolves({ agent: agent({ agentStatus, preparedAt: undefined }) });

      await expect(handler(fixture('agent-status.json'))).resolves.toEqual({ agentStatus, reprepared: 0 });
      expect(bedrockMock.commandCalls(GetAgentCommand)[0]?.args[0].input).toEqual({ agentId: 'AG12345678' });
      expect(await readReports(storage)).toEqual(before);
    },
  );

  it('returns PREPARED and records the agent in the run report', async () => {
    const { handler, storage } = await setup();
    bedrockMock.on(GetAgentCommand).resolves({ agent: agent({ agentStatus: 'PREPARED' }) });

    await expect(handler(fixture('agent-status.json'))).resolves.toEqual({
      agentStatus: 'PREPARED',
      reprepared: 0,
    });
    const { run, latest } = await readReports(storage);
    expect(run?.status).toBe('succeeded');
    expect(run?.agent).toEqual({
      agentId: 'AG12345678',
      agentStatus: 'PREPARED',
      agentVersion: 'DRAFT',
      preparedAt: '2026-11-21T03:08:30.000Z',
      failureReasons: [],
    });
    expect(latest).toEqual(run);
  });

  it('throws AgentPrepareError with the failure reasons of a FAILED agent and marks the run failed', async () => {
    const { handler, storage } = await setup();
    bedrockMock.on(GetAgentCommand).resolves({
      agent: agent({
        agentStatus: 'FAILED',
        failureReasons: ['Knowledge base KB12345678 is not accessible', 'Invalid action group schema'],
      }),
    });

    const error = await handler(fixture('agent-status.json')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AgentPrepareError);
    expect(error).toMatchObject({ name: 'AgentPrepareError', agentStatus: 'FAILED' });
    expect((error as Error).message).toBe(
      'agent AG12345678 FAILED to prepare: Knowledge base KB12345678 is not accessible; Invalid action group schema',
    );
    const { run } = await readReports(storage);
    expect(run).toMatchObject({ status: 'failed', error: (error as Error).message, finishedAt: NOW });
    expect(run?.agent?.agentStatus).toBe('FAILED');
  });

  it('prepares again when a deploy reset the DRAFT to NOT_PREPARED, counting the attempts', async () => {
    const { handler, storage } = await setup();
    const before = await readReports(storage);
    bedrockMock
      .on(GetAgentCommand)
      .resolves({ agent: agent({ agentStatus: 'NOT_PREPARED', preparedAt: undefined }) });
    bedrockMock.on(PrepareAgentCommand).resolves({ agentId: 'AG12345678', agentStatus: 'PREPARING' });

    await expect(handler({ ...(fixture('agent-status.json') as object), reprepared: 1 })).resolves.toEqual({
      agentStatus: 'PREPARING',
      reprepared: 2,
    });
    expect(bedrockMock.commandCalls(PrepareAgentCommand)).toHaveLength(1);
    expect(await readReports(storage)).toEqual(before);
  });

  it(`fails NOT_PREPARED once it was prepared again ${MAX_REPREPARES} times`, async () => {
    const { handler, storage } = await setup();
    bedrockMock
      .on(GetAgentCommand)
      .resolves({ agent: agent({ agentStatus: 'NOT_PREPARED', preparedAt: undefined }) });

    const error = await handler({
      ...(fixture('agent-status.json') as object),
      reprepared: MAX_REPREPARES,
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AgentPrepareError);
    expect((error as Error).message).toMatch(
      new RegExp(`^agent AG12345678 is still NOT_PREPARED after ${MAX_REPREPARES} more prepare requests`),
    );
    expect(bedrockMock.commandCalls(PrepareAgentCommand)).toHaveLength(0);
    expect((await readReports(storage)).run?.status).toBe('failed');
  });

  it('refuses the agent steps on a stack without an agent (knowledge-base engine)', async () => {
    const storage = await seededStorage();
    const { agentId: _none, ...withoutAgent } = settings;
    const handler = makeSyncHandler({
      settings: withoutAgent,
      bedrock,
      runtime,
      indexStats: () => Promise.reject(new Error('unused')),
      storage,
      log: recordingLog(),
      clock,
      metrics: recordingMetrics(),
    });
    await expect(handler(fixture('prepare.json'))).rejects.toThrow(
      'sync event: action: this stack has no agent (knowledge-base engine); the agent steps do not apply',
    );
    expect(bedrockMock.commandCalls(PrepareAgentCommand)).toHaveLength(0);
  });

  it('treats DELETING as a failure rather than polling forever', async () => {
    const { handler } = await setup();
    bedrockMock.on(GetAgentCommand).resolves({ agent: agent({ agentStatus: 'DELETING' }) });

    await expect(handler(fixture('agent-status.json'))).rejects.toThrow(
      /^agent AG12345678 is DELETING, not PREPARED/,
    );
  });
});
