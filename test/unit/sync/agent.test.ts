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
import { AgentPrepareError } from '../../../functions/core/sync/errors.js';
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

    await expect(handler(fixture('prepare.json'))).resolves.toEqual({ agentStatus: 'PREPARING' });
    expect(bedrockMock.commandCalls(PrepareAgentCommand)[0]?.args[0].input).toEqual({
      agentId: 'AG12345678',
    });
  });

  it('treats ConflictException (already preparing or updating) as PREPARING', async () => {
    const { handler } = await setup();
    bedrockMock
      .on(PrepareAgentCommand)
      .rejects(new ConflictException({ message: 'Agent is in PREPARING state', $metadata: {} }));

    await expect(handler(fixture('prepare.json'))).resolves.toEqual({ agentStatus: 'PREPARING' });
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

      await expect(handler(fixture('agent-status.json'))).resolves.toEqual({ agentStatus });
      expect(bedrockMock.commandCalls(GetAgentCommand)[0]?.args[0].input).toEqual({ agentId: 'AG12345678' });
      expect(await readReports(storage)).toEqual(before);
    },
  );

  it('returns PREPARED and records the agent in the run report', async () => {
    const { handler, storage } = await setup();
    bedrockMock.on(GetAgentCommand).resolves({ agent: agent({ agentStatus: 'PREPARED' }) });

    await expect(handler(fixture('agent-status.json'))).resolves.toEqual({ agentStatus: 'PREPARED' });
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

  it('treats NOT_PREPARED after a prepare as a failure', async () => {
    const { handler, storage } = await setup();
    bedrockMock
      .on(GetAgentCommand)
      .resolves({ agent: agent({ agentStatus: 'NOT_PREPARED', preparedAt: undefined }) });

    const error = await handler(fixture('agent-status.json')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AgentPrepareError);
    expect((error as Error).message).toMatch(/^agent AG12345678 is NOT_PREPARED after a prepare request/);
    expect((await readReports(storage)).run?.status).toBe('failed');
  });

  it('treats DELETING as a failure rather than polling forever', async () => {
    const { handler } = await setup();
    bedrockMock.on(GetAgentCommand).resolves({ agent: agent({ agentStatus: 'DELETING' }) });

    await expect(handler(fixture('agent-status.json'))).rejects.toThrow(
      /^agent AG12345678 is DELETING, not PREPARED/,
    );
  });
});
