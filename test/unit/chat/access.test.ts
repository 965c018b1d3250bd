import { readFileSync } from 'node:fs';
import { BedrockAgentRuntimeClient, InvokeAgentCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { agentAssistant } from '../../../functions/core/assistant/agent-engine.js';
import { secretCache } from '../../../functions/core/auth/secret-cache.js';
import { readSharedSecret } from '../../../functions/core/auth/shared-secret.js';
import { type Clock, systemClock } from '../../../functions/core/shared/clock.js';
import { type ChatSettings, chatSettings } from '../../../functions/core/shared/config/chat-env.js';
import { type ApiGatewayEvent, makeChatHandler } from '../../../functions/handlers/chat.js';
import { completionFixture, recordingLog, stream } from './helpers.js';

/**
 * Who may ask, at the chat handler's boundary: API Gateway proxy events (test/fixtures/chat/access) for the
 * visitors' route and the API-key route, tokens minted with Python's hmac, Secrets Manager and Bedrock
 * mocked with the SDK's own command shapes.
 */

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../fixtures/chat/access/${name}.json`, import.meta.url), 'utf8')) as T;
const TOKENS = fixture<{ secret: string; site: string; now: number; tokens: Record<string, string> }>(
  'tokens',
);
const VISITOR_EVENT = fixture<{ event: ApiGatewayEvent }>('visitor-chat-event').event;
const API_KEY_EVENT = fixture<{ event: ApiGatewayEvent }>('api-key-chat-event').event;
const SECRET_ID = 'wpkb/prod/webhook';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:wpkb/prod/webhook-AbCdEf';

const bedrock = mockClient(BedrockAgentRuntimeClient);
const secretsManager = mockClient(SecretsManagerClient);

/** The chat Lambda's settings as the stack sets its environment (validated by the handler's own code). */
const settings: ChatSettings = chatSettings({
  AGENT_ID: 'AGENT12345',
  AGENT_ALIAS_ID: 'ALIAS12345',
  ALLOWED_ORIGINS: 'https://mall.example.cl,https://www.mall.example.cl',
  VISITOR_TOKEN_SECRET: SECRET_ID,
  VISITOR_TOKEN_SITE: TOKENS.site,
});

/** The agent engine over a Bedrock Agent Runtime client (mocked for the whole file). */
const agentEngine = () =>
  agentAssistant({
    client: new BedrockAgentRuntimeClient({ region: 'us-east-1' }),
    agentId: 'AGENT12345',
    agentAliasId: 'ALIAS12345',
    streamFinalResponse: true,
    siteTimeZone: 'America/Santiago',
    clock: systemClock,
  });

/** The store's current value; set to an Error to make GetSecretValue fail. */
let stored: string | Error;

function setup(over: Partial<ChatSettings> = {}) {
  let nowMs = TOKENS.now * 1000;
  const clock: Clock = { now: () => new Date(nowMs) };
  const { log, entries } = recordingLog();
  const secrets = new SecretsManagerClient({ region: 'us-east-1' });
  const chat = makeChatHandler({
    settings: { ...settings, ...over },
    assistant: agentEngine(),
    log,
    newSessionId: () => 'new-session-0001',
    clock,
    visitorSecret: secretCache(() => readSharedSecret(secrets, SECRET_ID), clock),
  });
  const send = async (event: ApiGatewayEvent) => {
    const result = await chat(event);
    return { ...result, json: JSON.parse(result.body) };
  };
  return { send, entries, advance: (ms: number) => (nowMs += ms) };
}

/** The fixture event with other headers (a header given as undefined is removed). */
function withHeaders(event: ApiGatewayEvent, headers: Record<string, string | undefined>): ApiGatewayEvent {
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...event.headers, ...headers }))
    if (value !== undefined) merged[name] = value;
  return { ...event, headers: merged };
}
const visitorWith = (token: string | undefined, origin = 'https://mall.example.cl') =>
  withHeaders(VISITOR_EVENT, {
    Authorization: token === undefined ? undefined : `Bearer ${token}`,
    Origin: origin,
  });

const secretReads = () => secretsManager.commandCalls(GetSecretValueCommand).length;
const agentCalls = () => bedrock.commandCalls(InvokeAgentCommand).length;

beforeEach(() => {
  bedrock.reset();
  secretsManager.reset();
  stored = TOKENS.secret;
  secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ID }).callsFake(async () => {
    if (stored instanceof Error) throw stored;
    return { ARN: SECRET_ARN, Name: SECRET_ID, SecretString: stored, VersionId: 'v-1' };
  });
  bedrock.on(InvokeAgentCommand).callsFake(async (input: { sessionId: string }) => ({
    completion: stream(completionFixture('answer-with-citations')),
    contentType: 'application/json',
    sessionId: input.sessionId,
  }));
});

describe('the visitors’ route (/visitor/chat)', () => {
  it('a valid token from the site’s page: the question is answered, with CORS for that page', async () => {
    const { send, entries } = setup();
    const res = await send(VISITOR_EVENT);
    expect(res.statusCode).toBe(200);
    expect(res.json).toMatchObject({ sessionId: 'new-session-0001', citations: expect.any(Array) });
    expect(res.headers['Access-Control-Allow-Origin']).toBe('https://mall.example.cl');
    expect(agentCalls()).toBe(1);
    expect(bedrock.commandCalls(InvokeAgentCommand)[0]?.args[0].input.inputText).toBe(
      '¿Dónde está la tienda Fiordo Kids?',
    );
    expect(entries.find((e) => e.message === 'chat turn')?.extra).toMatchObject({ route: 'visitor-token' });
    // Read once, then cached: a second question reads nothing.
    await send(VISITOR_EVENT);
    expect(secretReads()).toBe(1);
  });

  it.each([
    ['expired', 'expired'],
    ['forged', 'signature'],
    ['otherSite', 'site'],
  ])('a %s token: 401 invalid_token with a Bearer challenge, Bedrock never called', async (name, reason) => {
    const { send, entries } = setup();
    const res = await send(visitorWith(TOKENS.tokens[name]));
    expect(res.statusCode).toBe(401);
    expect(res.json).toEqual({
      error: {
        code: 'invalid_token',
        message: 'The visitor token is not valid: get a new one from the site.',
      },
      requestId: '5f1c9a2e-1d7e-4a8b-9c3f-2b6d7e8f9a01',
    });
    expect(res.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
    // The widget must be able to read the 401 to fetch a new token.
    expect(res.headers['Access-Control-Allow-Origin']).toBe('https://mall.example.cl');
    expect(agentCalls()).toBe(0);
    // The reason goes to the log; neither the token nor the secret does.
    expect(entries.find((e) => e.message === 'visitor token refused')?.extra).toMatchObject({ reason });
    const logged = JSON.stringify(entries);
    expect(logged).not.toContain(TOKENS.tokens[name]);
    expect(logged).not.toContain(TOKENS.secret);
  });

  it('an API key only (no token): 401 token_required — a key is no credential on this route', async () => {
    const { send } = setup();
    const event = withHeaders(VISITOR_EVENT, {
      Authorization: undefined,
      'x-api-key': 'k3yV4lu3N0tL0gg3dButSent0000000000000000',
    });
    const res = await send({
      ...event,
      requestContext: {
        ...event.requestContext,
        identity: { apiKeyId: 'q1w2e3r4t5', sourceIp: '190.100.12.34' },
      },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json.error.code).toBe('token_required');
    expect(res.headers['WWW-Authenticate']).toBe('Bearer');
    expect(agentCalls()).toBe(0);
  });

  it('neither a token nor a key: 401 token_required', async () => {
    const { send } = setup();
    const res = await send(visitorWith(undefined));
    expect(res.statusCode).toBe(401);
    expect(res.json.error.code).toBe('token_required');
    expect(agentCalls()).toBe(0);
  });

  it.each([
    ['another site’s page', 'https://evil.example'],
    ['a look-alike host', 'https://mall.example.cl.evil.example'],
  ])('a valid token from %s: 403 origin_not_allowed, without reading the secret', async (_name, origin) => {
    const { send } = setup();
    const res = await send(visitorWith(TOKENS.tokens.valid, origin));
    expect(res.statusCode).toBe(403);
    expect(res.json.error.code).toBe('origin_not_allowed');
    expect(res.headers['Access-Control-Allow-Origin']).toBeUndefined();
    expect(secretReads()).toBe(0);
    expect(agentCalls()).toBe(0);
  });

  it('a valid token with no Origin (a script, not a page): 403', async () => {
    const { send } = setup();
    const res = await send(withHeaders(VISITOR_EVENT, { Origin: undefined, Referer: undefined }));
    expect(res.statusCode).toBe(403);
    expect(res.json.error.code).toBe('origin_not_allowed');
  });

  it('the secret cannot be read: 503 unavailable on this route, the API-key route unaffected', async () => {
    stored = Object.assign(new Error('User is not authorized to perform secretsmanager:GetSecretValue'), {
      name: 'AccessDeniedException',
    });
    const { send, entries } = setup();
    const res = await send(VISITOR_EVENT);
    expect(res.statusCode).toBe(503);
    expect(res.json.error.code).toBe('unavailable');
    expect(entries.find((e) => e.message === 'visitor token secret unavailable')?.level).toBe('error');
    expect((await send(API_KEY_EVENT)).statusCode).toBe(200);
    // A failed read is not kept: the next question reads again, and succeeds once the secret is back.
    stored = TOKENS.secret;
    expect((await send(VISITOR_EVENT)).statusCode).toBe(200);
  });

  it('a secret shorter than 16 characters is refused as unavailable, not used', async () => {
    stored = 'short';
    const { send } = setup();
    expect((await send(VISITOR_EVENT)).statusCode).toBe(503);
  });

  it('a rotated secret works at once; forged tokens cannot make every request read the store', async () => {
    const { send, advance } = setup();
    expect((await send(VISITOR_EVENT)).statusCode).toBe(200);
    expect(secretReads()).toBe(1);
    // Forged tokens within the minute: refused from the cached secret, no new read.
    advance(10_000);
    for (let i = 0; i < 5; i++) expect((await send(visitorWith(TOKENS.tokens.forged))).statusCode).toBe(401);
    expect(secretReads()).toBe(1);
    // The site's secret is rotated (written to Secrets Manager, then to the plugin): the plugin's new
    // tokens are accepted by the first request after a minute, well before the 5-minute cache expires.
    advance(60_000);
    stored = JSON.stringify({ secret: 'someone-elses-secret-0123456789' });
    const res = await send(visitorWith(TOKENS.tokens.forged));
    expect(res.statusCode).toBe(200);
    expect(secretReads()).toBe(2);
    // …and the old tokens are refused from then on.
    expect((await send(VISITOR_EVENT)).statusCode).toBe(401);
  });
});

describe('the API-key route (/chat)', () => {
  it('an API key API Gateway accepted: answered, the secret never read', async () => {
    const { send, entries } = setup();
    const res = await send(API_KEY_EVENT);
    expect(res.statusCode).toBe(200);
    expect(agentCalls()).toBe(1);
    expect(secretReads()).toBe(0);
    expect(entries.find((e) => e.message === 'chat turn')?.extra).toMatchObject({ route: 'api-key' });
  });

  it('neither (no key id from API Gateway): 403 forbidden, even with a valid token', async () => {
    const { send } = setup();
    const noKey = {
      ...API_KEY_EVENT,
      requestContext: {
        ...API_KEY_EVENT.requestContext,
        identity: { apiKeyId: null, sourceIp: '52.14.20.7' },
      },
    };
    for (const event of [
      noKey,
      withHeaders(noKey, {
        Authorization: `Bearer ${TOKENS.tokens.valid}`,
        Origin: 'https://mall.example.cl',
      }),
    ]) {
      const res = await send(event);
      expect(res.statusCode).toBe(403);
      expect(res.json.error.code).toBe('forbidden');
    }
    expect(agentCalls()).toBe(0);
  });

  it('without visitor tokens configured, /visitor/chat is no way around the key', async () => {
    const { visitorTokens: _, ...keysOnly } = settings;
    const { log } = recordingLog();
    const chat = makeChatHandler({
      settings: keysOnly,
      assistant: agentEngine(),
      log,
    });
    const res = await chat(VISITOR_EVENT);
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('forbidden');
    expect(agentCalls()).toBe(0);
  });

  it('visitor tokens configured without a secret source is a programming error', () => {
    const { log } = recordingLog();
    expect(() => makeChatHandler({ settings, assistant: agentEngine(), log })).toThrow(/no visitorSecret/);
  });
});
