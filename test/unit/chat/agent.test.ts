import {
  BedrockAgentRuntimeClient,
  InvokeAgentCommand,
  type ResponseStream,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AssistantError } from '../../../functions/core/assistant/assistant.js';
import { askAgent } from '../../../functions/core/chat/agent.js';
import { completionFixture, stream } from './helpers.js';

const bedrock = mockClient(BedrockAgentRuntimeClient);
const target = {
  client: new BedrockAgentRuntimeClient({ region: 'us-east-1' }),
  agentId: 'AGENT12345',
  agentAliasId: 'ALIAS12345',
  streamFinalResponse: false,
  timeoutMs: 2000,
};
const completing = (events: ResponseStream[]) =>
  bedrock.on(InvokeAgentCommand).callsFake(async () => ({ completion: stream(events), sessionId: 's' }));
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: AssistantError) => ({ failure: error.failure, upstream: error.upstream, message: error.message }),
  );

beforeEach(() => bedrock.reset());

describe('askAgent', () => {
  it('hands each decoded piece to onText as it arrives, and passes streamFinalResponse through', async () => {
    completing(completionFixture('answer-with-citations'));
    const pieces: string[] = [];
    const result = await askAgent(target, {
      sessionId: 's-1',
      message: 'Hola',
      onText: (p) => pieces.push(p),
    });
    expect(pieces).toHaveLength(2);
    expect(pieces.join('').trim()).toBe(result.answer);
    expect(bedrock.commandCalls(InvokeAgentCommand)[0]?.args[0].input.streamingConfigurations).toEqual({
      streamFinalResponse: false,
    });
  });

  it('skips event types newer than the SDK', async () => {
    completing([{ $unknown: ['newEvent', {}] } as ResponseStream, ...completionFixture('split-utf8')]);
    expect((await askAgent(target, { sessionId: 's', message: 'Hola' })).answer).toBe(
      'Abre el domingo a las 10:00. Óptica Chucao.',
    );
  });

  it('fails on returnControl, a missing stream, in-stream exceptions, and an empty answer', async () => {
    completing([{ returnControl: { invocationId: 'i-1', invocationInputs: [] } }]);
    expect(await failureOf(askAgent(target, { sessionId: 's', message: 'x' }))).toMatchObject({
      failure: 'upstream',
      upstream: 'ReturnControl',
    });
    bedrock.reset();
    bedrock.on(InvokeAgentCommand).resolves({ sessionId: 's' } as never);
    expect(await failureOf(askAgent(target, { sessionId: 's', message: 'x' }))).toMatchObject({
      upstream: 'NoCompletion',
    });
    bedrock.reset();
    completing([
      {
        serviceQuotaExceededException: {
          message: 'Too many sessions',
          name: 'ServiceQuotaExceededException',
          $fault: 'client',
          $metadata: {},
        },
      } as unknown as ResponseStream,
    ]);
    expect(await failureOf(askAgent(target, { sessionId: 's', message: 'x' }))).toMatchObject({
      failure: 'throttled',
      upstream: 'ServiceQuotaExceededException',
    });
    bedrock.reset();
    completing(completionFixture('dependency-failed'));
    expect(await failureOf(askAgent(target, { sessionId: 's', message: 'x' }))).toMatchObject({
      failure: 'upstream',
      upstream: 'DependencyFailedException',
    });
    bedrock.reset();
    completing(completionFixture('empty-answer'));
    expect(await failureOf(askAgent(target, { sessionId: 's', message: 'x' }))).toMatchObject({
      failure: 'empty',
    });
  });

  it('times out a call that never answers', async () => {
    bedrock.on(InvokeAgentCommand).callsFake(() => new Promise(() => {}));
    const started = Date.now();
    const failure = await failureOf(
      askAgent({ ...target, timeoutMs: 150 }, { sessionId: 's', message: 'x' }),
    );
    expect(failure).toMatchObject({ failure: 'timeout', message: 'agent did not answer within 150 ms' });
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
