import path from 'node:path';
import {
  BedrockAgentRuntimeClient,
  InvokeAgentCommand,
  RetrieveCommand,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  GetObjectCommand,
  type GetObjectCommandInput,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assistantFor, deployedAssistant } from '../../../bin/commands/chat.js';
import { evalKnowledgeBaseId } from '../../../bin/commands/eval.js';
import { fixedClock } from '../../../functions/core/shared/clock.js';
import { md5Hex } from '../../../functions/core/storage/codec.js';
import { directBackend, runTerminalChat } from '../../../functions/local/chat/terminal.js';
import { evalCommand } from '../../../functions/local/eval/command.js';
import { buildStore, mallConfig, NOW } from '../actions/helpers.js';
import { completionFixture, stream } from '../chat/helpers.js';
import { converseFixture, retrieveFixture } from './fakes.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const cfn = mockClient(CloudFormationClient);
const runtime = mockClient(BedrockRuntimeClient);
const agentRuntime = mockClient(BedrockAgentRuntimeClient);
const s3 = mockClient(S3Client);
const config = mallConfig();

/** DescribeStacks as CloudFormation answers it for a deployed wpkb stack. */
const describeStack = (outputs: Record<string, string>) =>
  cfn.on(DescribeStacksCommand, { StackName: 'wpkb-prod' }).resolves({
    Stacks: [
      {
        StackName: 'wpkb-prod',
        CreationTime: new Date('2026-03-01T00:00:00Z'),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });

const KB_STACK = {
  AssistantEngine: 'knowledge-base',
  AssistantModelId: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0',
  KnowledgeBaseId: 'KB12345678',
  DataSourceId: 'DS12345678',
  DataBucketName: 'wpkb-prod-data-1a2b3c',
  GuardrailId: 'gr1234abcd',
  GuardrailVersion: '2',
};
const AGENT_STACK = {
  AssistantEngine: 'agent',
  AgentId: 'AGENT12345',
  AgentAliasId: 'ALIAS12345',
  KnowledgeBaseId: 'KB12345678',
  DataBucketName: 'wpkb-prod-data-1a2b3c',
};

async function* linesOf(...lines: string[]) {
  yield* lines;
}

async function chatOnce(message: string) {
  const { deployed, from } = await deployedAssistant({ env: 'prod', timeout: 30 });
  const assistant = assistantFor(deployed, from, { config, root: ROOT, clock: fixedClock(NOW) });
  let out = '';
  const result = await runTerminalChat({
    backend: directBackend(assistant, 5000),
    lines: linesOf(message),
    write: (text) => {
      out += text;
    },
    prompt: () => {},
    newSessionId: () => 'terminal-1',
  });
  return { ...result, out, assistant };
}

let catalog: Map<string, Buffer>;
beforeAll(async () => {
  const store = await buildStore(config);
  catalog = new Map([...store.snapshot()].filter(([key]) => key.startsWith('catalog/')));
});

beforeEach(() => {
  for (const mock of [cfn, runtime, agentRuntime, s3]) mock.reset();
  // The data bucket's catalog/ as S3 lists and serves it.
  s3.on(ListObjectsV2Command, { Bucket: KB_STACK.DataBucketName }).resolves({
    Contents: [...catalog].map(([Key, body]) => ({ Key, ETag: `"${md5Hex(body)}"`, Size: body.length })),
    IsTruncated: false,
  });
  s3.on(GetObjectCommand).callsFake(async (input: GetObjectCommandInput) => {
    const body = catalog.get(String(input.Key));
    return { Body: { transformToByteArray: async () => new Uint8Array(body ?? []) } };
  });
});

describe('wpkb chat with either engine (stack outputs → the assistant, at the SDK boundary)', () => {
  it('runs the knowledge-base engine itself: the stack model and guardrail, the directory from its bucket', async () => {
    describeStack(KB_STACK);
    runtime
      .on(ConverseCommand)
      .resolvesOnce(converseFixture('tool-use-find-places'))
      .resolvesOnce(converseFixture('answer'));
    const { out, failures, assistant } = await chatOnce('¿Dónde está Óptica Chucao?');

    expect(assistant.engine).toBe('knowledge-base');
    expect(failures).toBe(0);
    expect(out).toContain('Óptica Chucao está en el Nivel 3, local Isla 14.');
    const [first, second] = runtime.commandCalls(ConverseCommand).map((c) => c.args[0].input);
    expect(first?.modelId).toBe('eu.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(first?.guardrailConfig).toMatchObject({
      guardrailIdentifier: 'gr1234abcd',
      guardrailVersion: '2',
    });
    const result = second?.messages?.[2]?.content?.[0]?.toolResult;
    expect(result?.status).toBe('success');
    expect(JSON.stringify(result?.content)).toContain('Isla 14');
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Bucket)).toContain(
      'wpkb-prod-data-1a2b3c',
    );
    expect(agentRuntime.commandCalls(InvokeAgentCommand)).toHaveLength(0);
  });

  it('talks to the agent alias for the agent engine, with the freshness filter on its knowledge base', async () => {
    describeStack(AGENT_STACK);
    agentRuntime.on(InvokeAgentCommand).callsFake(async (input: { sessionId: string }) => ({
      completion: stream(completionFixture('answer-with-citations')),
      sessionId: input.sessionId,
    }));
    const { out, assistant } = await chatOnce('¿Dónde está Óptica Chucao?');

    expect(assistant.engine).toBe('agent');
    expect(out).toContain('Óptica Chucao está en el Nivel 3');
    const input = agentRuntime.commandCalls(InvokeAgentCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      agentId: 'AGENT12345',
      agentAliasId: 'ALIAS12345',
      sessionId: 'terminal-1',
    });
    expect(input?.sessionState?.knowledgeBaseConfigurations?.[0]).toMatchObject({
      knowledgeBaseId: 'KB12345678',
      retrievalConfiguration: {
        vectorSearchConfiguration: {
          filter: { greaterThanOrEquals: { key: 'available_until', value: 20260305 } },
        },
      },
    });
    expect(runtime.commandCalls(ConverseCommand)).toHaveLength(0);
  });

  it('says which outputs are missing', async () => {
    describeStack({ AssistantEngine: 'knowledge-base', DataBucketName: 'b-123' });
    await expect(chatOnce('Hola')).rejects.toThrow(
      'stack wpkb-prod has no KnowledgeBaseId / DataBucketName outputs',
    );
    cfn.reset();
    describeStack({ KnowledgeBaseId: 'KB12345678' });
    await expect(chatOnce('Hola')).rejects.toThrow('stack wpkb-prod has no AgentId / AgentAliasId outputs');
  });
});

describe('wpkb eval --target bedrock with either engine', () => {
  it.each([
    ['knowledge-base', KB_STACK],
    ['agent', AGENT_STACK],
  ])('queries the knowledge base of a %s stack (its KnowledgeBaseId output)', async (_engine, outputs) => {
    describeStack(outputs);
    const knowledgeBaseId = await evalKnowledgeBaseId({ env: 'prod' }, {});
    expect(knowledgeBaseId).toBe('KB12345678');
    agentRuntime.on(RetrieveCommand).resolves(retrieveFixture('retrieve-parking'));
    const report = await evalCommand({
      config,
      target: 'bedrock',
      k: 5,
      dataDir: path.join(ROOT, '.wpkb'),
      questionsFile: path.join(ROOT, 'test/fixtures/eval/bedrock-questions.yaml'),
      knowledgeBaseId,
      region: 'us-east-1',
    });
    expect(report.target).toContain('bedrock KB12345678');
    // Two questions in the set: one Retrieve each, on the stack's knowledge base.
    const calls = agentRuntime.commandCalls(RetrieveCommand);
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => c.args[0].input.knowledgeBaseId === 'KB12345678')).toBe(true);
  });

  it('prefers --knowledge-base-id, then WPKB_KNOWLEDGE_BASE_ID, without asking CloudFormation', async () => {
    expect(
      await evalKnowledgeBaseId({ knowledgeBaseId: 'KBFLAG0001' }, { WPKB_KNOWLEDGE_BASE_ID: 'KBENV00001' }),
    ).toBe('KBFLAG0001');
    expect(await evalKnowledgeBaseId({}, { WPKB_KNOWLEDGE_BASE_ID: 'KBENV00001' })).toBe('KBENV00001');
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });
});
