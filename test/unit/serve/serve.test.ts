import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mintVisitorToken,
  unixSeconds,
  verifyVisitorToken,
} from '../../../functions/core/auth/visitor-token.js';
import { fixedClock } from '../../../functions/core/shared/clock.js';
import { LocalIndexMissingError } from '../../../functions/local/knowledge-base/index-file.js';
import { proxyBackend } from '../../../functions/local/serve/proxy.js';
import { type ChatBackend, chatRoutes, localBackend } from '../../../functions/local/serve/routes/chat.js';
import { demoRoutes } from '../../../functions/local/serve/routes/demo.js';
import { buildServe, type ServeRoutes, startServe } from '../../../functions/local/serve/server.js';

const SECRET = 'the-site-shared-secret-0123456789';
const SITE = 'https://mall.example.cl';
const NOW = '2026-03-05T15:00:00Z';
const now = unixSeconds(new Date(NOW));
const tokens = { secret: SECRET, site: SITE, ttlSeconds: 900, clock: fixedClock(NOW) };

/** A backend that records what reached it (nothing must, for a refused request). */
function recording(reply: Awaited<ReturnType<ChatBackend>> = { status: 200, body: { ok: true } }) {
  const turns: Parameters<ChatBackend>[0][] = [];
  const backend: ChatBackend = async (turn) => {
    turns.push(turn);
    return reply;
  };
  return { backend, turns };
}

async function app(routes: ServeRoutes[]) {
  const lines: string[] = [];
  const server = await buildServe({ routes, log: (line) => lines.push(line) });
  return { server, lines };
}

const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url: '/chat',
  headers: { 'content-type': 'application/json', ...headers },
  payload: typeof body === 'string' ? body : JSON.stringify(body),
});
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('wpkb serve: POST /chat (local answers)', () => {
  it('answers {sessionId, answer, citations}, keeping the session given and making one otherwise', async () => {
    const backend = localBackend(async (q) => ({
      answer: `eco: ${q}`,
      citations: [{ title: 'T', url: null, excerpt: '' }],
    }));
    const { server, lines } = await app([chatRoutes({ backend })]);
    const first = await server.inject(post({ message: '  ¿Hola?  ' }));
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    const body = first.json();
    expect(body).toEqual({
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      answer: 'eco: ¿Hola?',
      citations: [{ title: 'T', url: null, excerpt: '' }],
    });
    const again = await server.inject(post({ message: 'otra', sessionId: body.sessionId }));
    expect(again.json().sessionId).toBe(body.sessionId);
    // One line per request, without the message.
    expect(lines).toEqual([
      expect.stringMatching(/^POST \/chat 200 \d+ ms$/),
      expect.stringMatching(/^POST \/chat 200 \d+ ms$/),
    ]);
  });

  it('is 503 with what to do when there is no local knowledge base yet', async () => {
    const backend = localBackend(async () => {
      throw new LocalIndexMissingError('no local index at /x/local-index/index.json: run npm start first');
    });
    const { server } = await app([chatRoutes({ backend })]);
    const res = await server.inject(post({ message: 'hola' }));
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toEqual({
      code: 'no_knowledge_base',
      message: expect.stringContaining('run npm start'),
    });
  });

  it.each([
    ['empty', { message: '   ' }, 400, 'invalid_request'],
    ['2,001 characters', { message: 'x'.repeat(2001) }, 400, 'invalid_request'],
    ['binary', { message: 'PK\u0003\u0004\u0000' }, 400, 'invalid_request'],
    ['not a string', { message: 7 }, 400, 'invalid_request'],
    ['a bad session id', { message: 'hola', sessionId: 'a b' }, 400, 'invalid_request'],
    ['not JSON', '{"message": ', 400, 'invalid_json'],
    ['an array', '["hola"]', 400, 'invalid_request'],
    ['over 16 KB', { message: 'x'.repeat(17_000) }, 413, 'body_too_large'],
  ])('refuses %s (%i %s) and the backend never sees it', async (_name, body, status, code) => {
    const { backend, turns } = recording();
    const { server, lines } = await app([chatRoutes({ backend })]);
    const res = await server.inject(post(body));
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(turns).toEqual([]);
    expect(lines.join('\n')).not.toContain('xxxx');
  });

  it('accepts JSON only (415 for text/plain, which skips a CORS preflight)', async () => {
    const { backend, turns } = recording();
    const { server } = await app([chatRoutes({ backend })]);
    const res = await server.inject({
      ...post({ message: 'hola' }),
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
    expect(turns).toEqual([]);
  });

  it('has no /token without a secret, and answers unknown routes 404 in the same error shape', async () => {
    const { server } = await app([chatRoutes({ backend: recording().backend })]);
    for (const url of ['/token', '/nope?x=secret-text']) {
      const res = await server.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
  });
});

describe('wpkb serve: visitor tokens', () => {
  it('GET /token mints a token the core verifies for the site, uncached', async () => {
    const { server } = await app([chatRoutes({ backend: recording().backend, tokens })]);
    const res = await server.inject({ method: 'GET', url: '/token' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const { token, expiresAt } = res.json();
    expect(expiresAt).toBe(now + 900);
    expect(verifyVisitorToken(token, { secret: SECRET, site: SITE, now })).toMatchObject({ ok: true });
  });

  it('POST /chat needs a valid token: missing, expired, other site, forged → 401 and nothing reaches the backend', async () => {
    const { backend, turns } = recording();
    const { server, lines } = await app([chatRoutes({ backend, tokens })]);
    const cases: [Record<string, string>, string][] = [
      [{}, 'token_required'],
      [{ authorization: 'Basic dXNlcjpwYXNz' }, 'token_required'],
      [bearer(mintVisitorToken({ secret: SECRET, site: SITE, now: now - 2000 }).token), 'invalid_token'],
      [
        bearer(mintVisitorToken({ secret: SECRET, site: 'https://otro.example', now }).token),
        'invalid_token',
      ],
      [
        bearer(mintVisitorToken({ secret: 'not-the-secret-at-all-0000', site: SITE, now }).token),
        'invalid_token',
      ],
      [bearer('v1.garbage.garbage'), 'invalid_token'],
    ];
    for (const [headers, code] of cases) {
      const res = await server.inject(post({ message: 'hola' }, headers));
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe(code);
    }
    expect(turns).toEqual([]);
    // The log says why (the reason, never the token).
    expect(lines[2]).toMatch(/^POST \/chat 401 \d+ ms invalid_token$/);
    const ok = await server.inject(
      post({ message: 'hola' }, bearer(mintVisitorToken({ secret: SECRET, site: `${SITE}/`, now }).token)),
    );
    expect(ok.statusCode).toBe(200);
    expect(turns).toHaveLength(1);
  });
});

describe('wpkb serve: CORS for the site’s pages', () => {
  it('answers a preflight from an allowed origin only', async () => {
    const { server } = await app([
      chatRoutes({ backend: recording().backend, allowedOrigins: ['http://127.0.0.1:9000'] }),
    ]);
    const preflight = (origin: string) =>
      server.inject({
        method: 'OPTIONS',
        url: '/chat',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,authorization',
        },
      });
    const allowed = await preflight('http://127.0.0.1:9000');
    expect(allowed.headers['access-control-allow-origin']).toBe('http://127.0.0.1:9000');
    expect(String(allowed.headers['access-control-allow-headers'])).toMatch(/Authorization/);
    const other = await preflight('https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('wpkb serve: the route registry', () => {
  it('takes a feature with its own raw-body parser (a webhook) without touching the chat routes', async () => {
    const seen: Buffer[] = [];
    const webhook: ServeRoutes = {
      name: 'webhook',
      register(scope) {
        scope.addContentTypeParser(
          'application/json',
          { parseAs: 'buffer', bodyLimit: 16_384 },
          (_r, body, done) => done(null, body),
        );
        scope.post('/webhook', async (request, reply) => {
          seen.push(request.body as Buffer);
          return reply.status(202).send();
        });
      },
    };
    const { server } = await app([
      chatRoutes({ backend: localBackend(async () => ({ answer: 'ok', citations: [] })) }),
      webhook,
    ]);
    expect((await server.inject({ ...post('{"site":"x"}'), url: '/webhook' })).statusCode).toBe(202);
    expect(Buffer.isBuffer(seen[0])).toBe(true);
    expect(seen[0]?.toString()).toBe('{"site":"x"}');
    expect((await server.inject(post({ message: 'hola' }))).json().answer).toBe('ok');
  });
});

describe('wpkb serve: the demo page', () => {
  it('serves the page with the widget (and the token URL when tokens are on) and the plugin’s widget file', async () => {
    const { server } = await app([demoRoutes({ answersFrom: 'modo <local>', tokenUrl: '/token' })]);
    const page = await server.inject({ method: 'GET', url: '/' });
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<wpkb-chat endpoint="/chat" token-url="/token" mode="inline" lang="es">');
    expect(page.body).toContain('<script src="/widget.js" defer></script>');
    expect(page.body).toContain('modo &lt;local&gt;');
    expect((await server.inject({ method: 'GET', url: '/?mode=bubble' })).body).toContain('mode="bubble"');
    const widget = await server.inject({ method: 'GET', url: '/widget.js' });
    expect(widget.headers['content-type']).toMatch(/^text\/javascript/);
    expect(widget.body).toContain("customElements.define('wpkb-chat'");
  });
});

describe('wpkb serve --endpoint: the proxy', () => {
  let upstream: Server;
  let url: string;
  const received: { body: string; headers: IncomingMessage['headers'] }[] = [];
  let next: { status: number; body: string; headers?: Record<string, string>; delayMs?: number };
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ body, headers: req.headers });
        setTimeout(() => {
          res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
          res.end(next.body);
        }, next.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1/chat`;
  });
  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

  it('forwards the body as sent and the visitor’s Authorization, and returns the endpoint’s answer as is', async () => {
    next = {
      status: 200,
      body: JSON.stringify({ sessionId: 's-1', answer: 'desde la nube', citations: [] }),
    };
    const { server } = await app([
      chatRoutes({ backend: proxyBackend({ endpoint: url, apiKey: 'k-123', timeoutMs: 2000 }) }),
    ]);
    const raw = '{"message":"¿Hola?",  "sessionId":"s-1"}';
    const res = await server.inject(post(raw, { authorization: 'Bearer v1.a.b' }));
    expect(res.json()).toEqual({ sessionId: 's-1', answer: 'desde la nube', citations: [] });
    const last = received.at(-1);
    expect(last?.body).toBe(raw);
    expect(last?.headers.authorization).toBe('Bearer v1.a.b');
    expect(last?.headers['x-api-key']).toBe('k-123');
  });

  it('passes a 429 with its Retry-After through', async () => {
    next = {
      status: 429,
      body: JSON.stringify({ error: { code: 'throttled', message: 'busy' } }),
      headers: { 'retry-after': '5' },
    };
    const { server, lines } = await app([
      chatRoutes({ backend: proxyBackend({ endpoint: url, timeoutMs: 2000 }) }),
    ]);
    const res = await server.inject(post({ message: 'hola' }));
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().error.code).toBe('throttled');
    expect(lines[0]).toMatch(/429 \d+ ms throttled$/);
  });

  it('is 502 for an answer that is not JSON or an endpoint that is down, 504 for one too slow', async () => {
    next = { status: 200, body: '<html>gateway</html>' };
    const proxied = async (endpoint: string, timeoutMs = 2000) =>
      (await app([chatRoutes({ backend: proxyBackend({ endpoint, timeoutMs }) })])).server.inject(
        post({ message: 'hola' }),
      );
    expect((await proxied(url)).statusCode).toBe(502);
    const down = await startServe({ routes: [], port: 0 });
    const downUrl = `${down.url}/chat`;
    await down.close();
    const unreachable = await proxied(downUrl);
    expect(unreachable.statusCode).toBe(502);
    expect(unreachable.json().error.code).toBe('upstream_unreachable');
    next = { status: 200, body: '{}', delayMs: 800 };
    const slow = await proxied(url, 200);
    expect(slow.statusCode).toBe(504);
  });
});
