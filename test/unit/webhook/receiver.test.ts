import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SecretSource } from '../../../functions/core/auth/secret-cache.js';
import type { ApiGatewayEvent } from '../../../functions/core/chat/http.js';
import { fixedClock } from '../../../functions/core/shared/clock.js';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import type { Log } from '../../../functions/core/shared/logger.js';
import { readQueuedHint } from '../../../functions/core/webhook/queue-message.js';
import { signWebhook } from '../../../functions/core/webhook/signature.js';
import { makeWebhookReceiverHandler } from '../../../functions/handlers/webhook-receiver.js';

const SECRET = 'whsec-0123456789abcdef';
const NOW = '2026-03-01T12:00:00Z';
const NOW_S = Date.parse(NOW) / 1000;
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/wpkb-dev-instant-updates.fifo';
const config = loadConfig({ overrides: { site: { url: 'https://mall.example.cl' } } });
const template = JSON.parse(
  readFileSync(new URL('../../fixtures/webhook/api-gateway-post.json', import.meta.url), 'utf8'),
) as ApiGatewayEvent & { multiValueHeaders: Record<string, string[]> };

const sqsMock = mockClient(SQSClient);
const sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

function recordingLog() {
  const lines: string[] = [];
  const push = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    void lines.push(`${level} ${message} ${JSON.stringify(extra ?? {})}`);
  const log: Log = { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
  return { log, lines };
}

/** A secret source: `get` answers the current value; `refresh` a newer one when the test rotates it. */
function source(values: { current: string; rotated?: string }): SecretSource & { refreshes: number } {
  const s = {
    refreshes: 0,
    get: async () => values.current,
    refresh: async () => {
      s.refreshes++;
      if (values.rotated === undefined) return undefined;
      values.current = values.rotated;
      return values.current;
    },
  };
  return s;
}

function setup(secret: SecretSource = source({ current: SECRET })) {
  const { log, lines } = recordingLog();
  const handler = makeWebhookReceiverHandler({
    siteUrl: config.site.url,
    contentTypes: config.contentTypes,
    secret,
    sqs,
    queueUrl: QUEUE,
    log,
    clock: fixedClock(NOW),
  });
  return { handler, lines };
}

/** The fixture event with this body, signed at `t` (or with the given header). */
function post(body: string, signature: string | null = signWebhook(body, SECRET, NOW_S)): ApiGatewayEvent {
  const headers: Record<string, string | undefined> = { ...template.headers };
  if (signature === null) delete headers['X-Wpkb-Signature'];
  else headers['X-Wpkb-Signature'] = signature;
  return { ...template, headers, body };
}

const hint = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    site: 'https://mall.example.cl',
    type: 'stores',
    id: 12,
    event: 'upsert',
    modified_gmt: '2026-03-01T11:59:58',
    ...over,
  });

beforeEach(() => {
  sqsMock.reset();
  sqsMock
    .on(SendMessageCommand)
    .resolves({ MessageId: 'b1c2d3e4-0000-4000-8000-000000000001', SequenceNumber: '1' });
});

describe('webhook receiver', () => {
  it('enqueues a signed hint on the FIFO queue: one group per site/type/id, dedup per signed notification', async () => {
    const { handler, lines } = setup();
    const body = hint();
    const result = await handler(post(body));
    expect(result).toMatchObject({ statusCode: 202, body: '{"status":"queued"}' });
    const calls = sqsMock.commandCalls(SendMessageCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input).toMatchObject({
      QueueUrl: QUEUE,
      MessageGroupId: 'mall.example.cl/stores/12',
      MessageDeduplicationId: createHash('sha256').update(`${NOW_S}.${body}`).digest('hex'),
    });
    const queued = readQueuedHint(input?.MessageBody ?? '', {
      siteUrl: config.site.url,
      contentTypes: config.contentTypes,
    });
    expect(queued).toMatchObject({
      ok: true,
      hint: { id: 12, event: 'upsert' },
      queued: { signedAt: NOW_S },
    });
    expect(lines.join('\n')).toContain('webhook hint queued');

    // The same notification again (a retry, a replay inside the window): the same dedup id for SQS to drop.
    await handler(post(body));
    const second = sqsMock.commandCalls(SendMessageCommand)[1]?.args[0].input;
    expect(second?.MessageDeduplicationId).toBe(input?.MessageDeduplicationId);
    // A later save of the same item is a new notification.
    await handler(post(body, signWebhook(body, SECRET, NOW_S - 10)));
    expect(sqsMock.commandCalls(SendMessageCommand)[2]?.args[0].input.MessageDeduplicationId).not.toBe(
      input?.MessageDeduplicationId,
    );
  });

  it('groups a type hint under id 0 and reads a base64 body', async () => {
    const { handler } = setup();
    const body = hint({ id: 0, event: 'type', modified_gmt: null });
    const event = post(body);
    const result = await handler({
      ...event,
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
    });
    expect(result.statusCode).toBe(202);
    expect(sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageGroupId).toBe(
      'mall.example.cl/stores/0',
    );
  });

  it.each([
    ['unsigned', () => post(hint(), null), 401, 'unauthorized'],
    [
      'wrongly signed',
      () => post(hint(), signWebhook(hint(), 'another-secret-0123', NOW_S)),
      401,
      'unauthorized',
    ],
    [
      'replayed (old timestamp)',
      () => post(hint(), signWebhook(hint(), SECRET, NOW_S - 301)),
      401,
      'unauthorized',
    ],
    ['oversized', () => post(hint({ padding: 'x'.repeat(17_000) })), 413, 'payload_too_large'],
    ['for another site', () => post(hint({ site: 'https://otro.example.cl' })), 400, 'bad_request'],
    ['for an unknown type', () => post(hint({ type: 'posts' })), 400, 'bad_request'],
  ])('refuses a request %s: no enqueue, no body in the log', async (_name, event, status, code) => {
    const { handler, lines } = setup();
    const result = await handler(event());
    expect(result.statusCode).toBe(status);
    expect(JSON.parse(result.body)).toMatchObject({ error: { code } });
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
    const logged = lines.join('\n');
    expect(logged).toContain('webhook refused');
    expect(logged).not.toContain('modified_gmt');
    expect(logged).not.toContain('2026-03-01T11:59:58');
  });

  it('answers 503 when the queue refuses the hint or the secret cannot be read', async () => {
    sqsMock
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    expect((await setup().handler(post(hint()))).statusCode).toBe(503);
    const broken = setup({
      get: async () => {
        throw new Error('AccessDeniedException');
      },
      refresh: async () => undefined,
    });
    expect((await broken.handler(post(hint()))).statusCode).toBe(503);
  });

  it('answers 405 to other methods', async () => {
    expect((await setup().handler({ ...post(hint()), httpMethod: 'GET' })).statusCode).toBe(405);
  });
});

describe('webhook secret rotation', () => {
  it('reads the secret again once when a signature does not match, and accepts what the new one signed', async () => {
    const rotated = 'the-new-secret-0123456789abcdef';
    const secrets = source({ current: SECRET, rotated });
    const { handler } = setup(secrets);
    const body = hint();
    const result = await handler(post(body, signWebhook(body, rotated, NOW_S)));
    expect(result.statusCode).toBe(202);
    expect(secrets.refreshes).toBe(1);
  });

  it('still refuses a forgery when no newer secret comes back (refresh is rate-limited by the cache)', async () => {
    const secrets = source({ current: SECRET });
    const { handler } = setup(secrets);
    const result = await handler(post(hint(), signWebhook(hint(), 'forged-secret-0123456789', NOW_S)));
    expect(result.statusCode).toBe(401);
    expect(secrets.refreshes).toBe(1);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});
