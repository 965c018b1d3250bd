import {
  BedrockAgentRuntimeClient,
  DependencyFailedException,
  InvokeAgentCommand,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { agentAssistant } from '../../../functions/core/assistant/agent-engine.js';
import { fixedClock } from '../../../functions/core/shared/clock.js';
import type { ChatSettings } from '../../../functions/core/shared/config/chat-env.js';
import { type ApiGatewayEvent, makeChatHandler } from '../../../functions/handlers/chat.js';
import { completionFixture, recordingLog, stalled, stream } from './helpers.js';

const bedrock = mockClient(BedrockAgentRuntimeClient);
const client = new BedrockAgentRuntimeClient({ region: 'us-east-1' });

const settings: ChatSettings = {
  allowedOrigins: ['https://mall.example.cl', 'http://localhost:3000'],
  agentTimeoutMs: 5000,
  logUserMessages: false,
  requireApiKey: true,
  siteTimeZone: 'America/Santiago',
  assistant: {
    engine: 'agent',
    agentId: 'AGENT12345',
    agentAliasId: 'ALIAS12345',
    streamFinalResponse: true,
  },
};

const USER_TEXT = '¿Dónde está Óptica Chucao? Mi RUT es 12.345.678-5';

function request(body: unknown, overrides: Partial<ApiGatewayEvent> = {}): ApiGatewayEvent {
  return {
    httpMethod: 'POST',
    path: '/chat',
    headers: { 'Content-Type': 'application/json', Origin: 'https://mall.example.cl' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: 'req-123', identity: { apiKeyId: 'abcdef1234', sourceIp: '203.0.113.9' } },
    ...overrides,
  };
}

function setup(over: Partial<ChatSettings> = {}) {
  const { log, entries } = recordingLog();
  const merged = { ...settings, ...over };
  const chat = makeChatHandler({
    settings: merged,
    assistant: agentAssistant({
      client,
      agentId: 'AGENT12345',
      agentAliasId: 'ALIAS12345',
      streamFinalResponse: true,
      ...(merged.knowledgeBaseId ? { knowledgeBaseId: merged.knowledgeBaseId } : {}),
      siteTimeZone: merged.siteTimeZone,
      // 02:30 UTC on 18 March 2026 is still 17 March in Santiago
      clock: fixedClock('2026-03-18T02:30:00Z'),
    }),
    log,
    newSessionId: () => 'new-session-0001',
  });
  const send = async (event: ApiGatewayEvent) => {
    const result = await chat(event);
    return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
  };
  return { send, entries };
}

const answerWith = (fixture: string, sessionId = 'web-session-1') =>
  bedrock.on(InvokeAgentCommand).callsFake(async () => ({
    completion: stream(completionFixture(fixture)),
    contentType: 'application/json',
    sessionId,
  }));

beforeEach(() => {
  bedrock.reset();
});

describe('POST /chat: answers', () => {
  it('invokes the alias with streamFinalResponse, joins the chunks and maps merged citations', async () => {
    answerWith('answer-with-citations');
    const { send } = setup();
    const res = await send(
      request({ message: '  ¿Dónde está Óptica Chucao?  ', sessionId: 'web-session-1' }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({
      sessionId: 'web-session-1',
      answer:
        'Óptica Chucao está en el Nivel 3, local Isla 14 (Sector Poniente). Abre de lunes a domingo de 10:00 a 21:00 hrs. Si vienes en auto, el estacionamiento es gratis la primera hora.',
      citations: [
        {
          title: 'Óptica Chucao',
          url: 'https://www.paseo-cordillera.example/tiendas/optica-chucao/',
          excerpt:
            'Tienda: Óptica Chucao Horario: Lunes a domingo de 10:00 a 21:00 hrs. Ubicación: Sector Poniente Nivel: Nivel 3 Local: Isla 14 Teléfono: (2) 2719 3761',
        },
        {
          title: '¿El estacionamiento tiene costo?',
          url: null,
          excerpt:
            'Pregunta: ¿El estacionamiento tiene costo? Respuesta: La primera hora es gratis; luego $900 cada 30 minutos, con un máximo diario de $9.000.',
        },
      ],
    });
    const calls = bedrock.commandCalls(InvokeAgentCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      agentId: 'AGENT12345',
      agentAliasId: 'ALIAS12345',
      sessionId: 'web-session-1',
      inputText: '¿Dónde está Óptica Chucao?',
      enableTrace: false,
      streamingConfigurations: { streamFinalResponse: true },
    });
    expect(res.headers).toMatchObject({
      'Content-Type': 'application/json; charset=utf-8',
      'Access-Control-Allow-Origin': 'https://mall.example.cl',
      Vary: 'Origin',
      'X-Request-Id': 'req-123',
      'Cache-Control': 'no-store',
    });
  });

  it('starts a new session when none is given and returns its id for the next turn', async () => {
    answerWith('answer-with-citations');
    const { send } = setup();
    const res = await send(request({ message: 'Hola' }));
    expect(res.json.sessionId).toBe('new-session-0001');
    expect(bedrock.commandCalls(InvokeAgentCommand)[0]?.args[0].input.sessionId).toBe('new-session-0001');
  });

  it('decodes a character split across chunks', async () => {
    answerWith('split-utf8');
    const { send } = setup();
    const res = await send(request({ message: '¿Abre el domingo?' }));
    expect(res.json.answer).toBe('Abre el domingo a las 10:00. Óptica Chucao.');
    expect(res.json.citations).toEqual([]);
  });

  it('accepts a base64-encoded body and calls without an Origin (a website backend)', async () => {
    answerWith('split-utf8');
    const { send } = setup();
    const body = Buffer.from(JSON.stringify({ message: 'Hola' })).toString('base64');
    const res = await send(
      request(body, { isBase64Encoded: true, headers: { 'content-type': 'application/json' } }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['Access-Control-Allow-Origin']).toBeUndefined();
  });
});

describe('POST /chat: upstream failures', () => {
  it('maps an in-stream throttlingException to 429 with Retry-After', async () => {
    answerWith('throttled-in-stream');
    const { send, entries } = setup();
    const res = await send(request({ message: 'Hola', sessionId: 'web-session-1' }));
    expect(res.statusCode).toBe(429);
    expect(res.headers['Retry-After']).toBe('5');
    expect(res.json).toEqual({
      error: { code: 'throttled', message: expect.stringMatching(/try again/) },
      requestId: 'req-123',
      sessionId: 'web-session-1',
    });
    expect(entries.find((e) => e.level === 'error')?.extra).toMatchObject({
      upstream: 'ThrottlingException',
    });
  });

  it('maps throttling thrown by the call or while reading the stream (as the SDK does) to 429', async () => {
    const { send } = setup();
    bedrock
      .on(InvokeAgentCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
      .callsFake(async () => ({
        completion: stream(
          completionFixture('split-utf8').slice(0, 1),
          new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }),
        ),
        contentType: 'application/json',
        sessionId: 's',
      }));
    expect((await send(request({ message: 'Hola' }))).statusCode).toBe(429);
    expect((await send(request({ message: 'Hola' }))).statusCode).toBe(429);
  });

  it('maps other upstream failures to 502 with the request id, and an empty answer too', async () => {
    const { send } = setup();
    answerWith('dependency-failed');
    const failed = await send(request({ message: 'Hola' }));
    expect(failed.statusCode).toBe(502);
    expect(failed.json).toMatchObject({ error: { code: 'upstream_error' }, requestId: 'req-123' });
    expect(failed.body).not.toMatch(/Lambda/); // upstream details stay in the logs

    bedrock.reset();
    bedrock.on(InvokeAgentCommand).rejects(new DependencyFailedException({ message: 'x', $metadata: {} }));
    expect((await send(request({ message: 'Hola' }))).statusCode).toBe(502);

    bedrock.reset();
    answerWith('empty-answer');
    const empty = await send(request({ message: 'Hola' }));
    expect(empty.statusCode).toBe(502);
    expect(empty.json.error.message).toMatch(/no answer/);
  });

  it('gives up on a stalled stream at the timeout with 504', async () => {
    bedrock.on(InvokeAgentCommand).callsFake(async () => ({
      completion: stalled(completionFixture('throttled-in-stream').slice(0, 1)),
      contentType: 'application/json',
      sessionId: 's',
    }));
    const { send } = setup({ agentTimeoutMs: 1000 });
    const started = Date.now();
    const res = await send(request({ message: 'Hola' }));
    expect(res.statusCode).toBe(504);
    expect(res.json.error.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('POST /chat: validation', () => {
  it.each([
    [{}, 'message: must be a string'],
    [{ message: '' }, 'message: must not be empty'],
    [{ message: ' \n\t ' }, 'message: must not be empty'],
    [{ message: 'x'.repeat(2001) }, 'message: must be at most 2000 characters'],
    [{ message: 42 }, 'message: must be a string'],
    [{ message: 'Hola\u0000mundo' }, 'message: must be text'],
    [{ message: 'PK\u0003\u0004binario' }, 'message: must be text'],
    [{ message: 'a\u001bb' }, 'message: must be text'],
    [{ message: 'roto \ud800' }, 'message: must be text'],
    [{ message: 'Hola', sessionId: 'a' }, 'sessionId: must be 2-100'],
    [{ message: 'Hola', sessionId: 'has spaces in it' }, 'sessionId: must be 2-100'],
    [{ message: 'Hola', sessionId: 'x'.repeat(101) }, 'sessionId: must be 2-100'],
    [['Hola'], 'body: must be a JSON object'],
  ])('%j → 400 %s', async (body, message) => {
    const { send } = setup();
    const res = await send(request(body));
    expect(res.statusCode).toBe(400);
    expect(res.json.error.code).toBe('invalid_request');
    expect(res.json.error.message).toContain(message);
    expect(res.json.requestId).toBe('req-123');
    expect(bedrock.commandCalls(InvokeAgentCommand)).toHaveLength(0);
  });

  it('accepts tabs, newlines and any Unicode text', async () => {
    answerWith('split-utf8');
    const { send } = setup();
    expect((await send(request({ message: '¿Horario?\n\tÑandú 🦙 مرحبا' }))).statusCode).toBe(200);
  });

  it('accepts exactly 2,000 characters', async () => {
    answerWith('split-utf8');
    const { send } = setup();
    expect((await send(request({ message: 'x'.repeat(2000) }))).statusCode).toBe(200);
  });

  it('refuses bodies that are not JSON or too large', async () => {
    const { send } = setup();
    const notJson = await send(request('message=Hola'));
    expect([notJson.statusCode, notJson.json.error.code]).toEqual([400, 'invalid_json']);
    const huge = await send(request({ message: 'x'.repeat(20_000) }));
    expect([huge.statusCode, huge.json.error.code]).toEqual([413, 'body_too_large']);
  });

  it('allows only POST (and OPTIONS preflight)', async () => {
    const { send } = setup();
    const get = await send(request(null, { httpMethod: 'GET', body: null }));
    expect(get.statusCode).toBe(405);
    expect(get.headers.Allow).toBe('POST, OPTIONS');
  });
});

describe('POST /chat: API key and CORS', () => {
  it('refuses a request that did not pass the API key check, unless told not to require one', async () => {
    answerWith('split-utf8');
    const noKey = request(
      { message: 'Hola' },
      { requestContext: { requestId: 'req-9', identity: { apiKeyId: null } } },
    );
    const strict = await setup().send(noKey);
    expect(strict.statusCode).toBe(403);
    expect(strict.json).toEqual({
      error: { code: 'forbidden', message: 'A valid API key is required.' },
      requestId: 'req-9',
    });
    expect(bedrock.commandCalls(InvokeAgentCommand)).toHaveLength(0);
    expect((await setup({ requireApiKey: false }).send(noKey)).statusCode).toBe(200);
  });

  it('answers a preflight from an allowed origin and refuses other origins', async () => {
    const { send } = setup();
    const preflight = await send(
      request(null, { httpMethod: 'OPTIONS', body: null, headers: { origin: 'http://localhost:3000' } }),
    );
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers).toMatchObject({
      'Access-Control-Allow-Origin': 'http://localhost:3000',
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type, X-Api-Key, Authorization',
    });
    const evil = await send(request({ message: 'Hola' }, { headers: { Origin: 'https://evil.example' } }));
    expect(evil.statusCode).toBe(403);
    expect(evil.json.error.code).toBe('origin_not_allowed');
    expect(evil.headers['Access-Control-Allow-Origin']).toBeUndefined();
    expect(bedrock.commandCalls(InvokeAgentCommand)).toHaveLength(0);
  });

  it('allows any origin with "*"', async () => {
    answerWith('split-utf8');
    const res = await setup({ allowedOrigins: ['*'] }).send(
      request({ message: 'Hola' }, { headers: { Origin: 'https://anywhere.example' } }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['Access-Control-Allow-Origin']).toBe('*');
  });
});

describe('POST /chat: logging', () => {
  it('does not log the user message by default, only its length', async () => {
    answerWith('answer-with-citations');
    const { send, entries } = setup();
    await send(request({ message: USER_TEXT }));
    const logged = JSON.stringify(entries);
    expect(logged).not.toContain('RUT');
    expect(logged).not.toContain('Óptica Chucao?');
    expect(entries.find((e) => e.message === 'chat turn')?.extra).toMatchObject({
      messageChars: USER_TEXT.length,
    });
    expect(entries.find((e) => e.message === 'chat answered')?.extra).toMatchObject({ citations: 2 });
  });

  it('logs it when LOG_USER_MESSAGES is on', async () => {
    answerWith('answer-with-citations');
    const { send, entries } = setup({ logUserMessages: true });
    await send(request({ message: USER_TEXT }));
    expect(entries.find((e) => e.message === 'chat turn')?.extra?.message).toBe(USER_TEXT);
  });

  describe('freshness', () => {
    it('passes the knowledge base filter that hides past events on every turn', async () => {
      answerWith('answer-with-citations');
      const { send } = setup({ knowledgeBaseId: 'KB12345678' });
      expect((await send(request({ message: '¿Qué eventos hay?' }))).statusCode).toBe(200);
      const input = bedrock.commandCalls(InvokeAgentCommand)[0]?.args[0].input;
      expect(input?.sessionState).toEqual({
        knowledgeBaseConfigurations: [
          {
            knowledgeBaseId: 'KB12345678',
            retrievalConfiguration: {
              vectorSearchConfiguration: {
                filter: { greaterThanOrEquals: { key: 'available_until', value: 20260317 } },
              },
            },
          },
        ],
      });
    });

    it('sends no session state when the knowledge base is not configured', async () => {
      answerWith('answer-with-citations');
      const { send } = setup();
      await send(request({ message: 'hola' }));
      expect(bedrock.commandCalls(InvokeAgentCommand)[0]?.args[0].input.sessionState).toBeUndefined();
    });
  });
});
