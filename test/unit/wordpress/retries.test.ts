import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WordPressError } from '../../../functions/core/shared/errors.js';
import { createWordPressClient } from '../../../functions/core/wordpress/client.js';
import { type FakeWordPress, makeItems, type RecordedRequest, startFakeWordPress } from './fake-wordpress.js';
import { baseOptions, storesType, testDeps } from './helpers.js';

let fake: FakeWordPress | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const isPage = (req: RecordedRequest, page: number) =>
  req.route === '/wp/v2/stores' && req.query.get('page') === String(page);

/** Makes the first `times` requests of page `page` answer `status` (with `headers`). */
function failPage(target: FakeWordPress, page: number, times: number, status: number, headers = {}) {
  let failed = 0;
  target.intercept = (req, res) => {
    if (!isPage(req, page) || failed >= times) return false;
    failed++;
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify({ code: 'busy', message: 'try later', data: { status } }));
    return true;
  };
}

describe('retries', () => {
  it('honours Retry-After in seconds on 429: the injected sleep gets 2000 ms', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(25) } });
    failPage(fake, 2, 1, 429, { 'Retry-After': '2' });
    const { deps, sleeps } = testDeps();
    const result = await createWordPressClient(baseOptions(fake.url), deps).fetchAll(storesType);
    expect(result).toMatchObject({ total: 25, retries: 1, requests: 4 });
    expect(sleeps).toEqual([2000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(5) } });
    failPage(fake, 1, 1, 503, { 'Retry-After': new Date(Date.now() + 3000).toUTCString() });
    const { deps, sleeps } = testDeps();
    await createWordPressClient(baseOptions(fake.url), deps).fetchAll(storesType);
    expect(sleeps).toHaveLength(1);
    // Whole seconds in the header, plus the time the request took: between 1 s and 3 s.
    expect(sleeps[0]).toBeGreaterThan(1000);
    expect(sleeps[0]).toBeLessThanOrEqual(3000);
  });

  it('fails at once, saying so, when Retry-After asks for more than 5 × retryMaxMs', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(5) } });
    failPage(fake, 1, 10, 429, { 'Retry-After': '3600' });
    const { deps, sleeps } = testDeps();
    const client = createWordPressClient(baseOptions(fake.url, { retryMaxMs: 1000 }), deps);
    const error = await client.fetchAll(storesType).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WordPressError);
    expect((error as Error).message).toMatch(/HTTP 429.*Retry-After asks for 3600 s, more than the 5 s/);
    expect((error as WordPressError).status).toBe(429);
    expect(sleeps).toEqual([]);
    expect(fake.collectionRequests()).toHaveLength(1);
  });

  it('retries 503 with exponential backoff and full jitter, then succeeds', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(15) } });
    failPage(fake, 2, 3, 503);
    const { deps, sleeps } = testDeps({ random: () => 0.5 });
    const result = await createWordPressClient(
      baseOptions(fake.url, { retryBaseMs: 100, retryMaxMs: 300 }),
      deps,
    ).fetchAll(storesType);
    expect(result.items.map((i) => i.id)).toEqual(makeItems(15).map((i) => i.id));
    expect(result).toMatchObject({ retries: 3, requests: 5 });
    // random 0.5 × min(cap 300, 100 × 2^(n−1)): 50, 100, then capped at 150.
    expect(sleeps).toEqual([50, 100, 150]);
  });

  it.each([500, 502, 504])('retries HTTP %i', async (status) => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(5) } });
    failPage(fake, 1, 1, status);
    const result = await createWordPressClient(baseOptions(fake.url), testDeps().deps).fetchAll(storesType);
    expect(result).toMatchObject({ total: 5, retries: 1 });
  });

  it('gives up after maxRetries with a one-line message naming the type, URL, status and attempts', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(30) } });
    failPage(fake, 3, 100, 503);
    const { deps, sleeps } = testDeps();
    const client = createWordPressClient(baseOptions(fake.url, { maxRetries: 5 }), deps);
    const error = await client.fetchAll(storesType).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WordPressError);
    const message = (error as Error).message;
    expect(message).toMatch(
      new RegExp(
        `^stores: GET ${fake.url}/wp-json/wp/v2/stores\\?page=3&per_page=10&\\S+ failed with HTTP 503 \\(busy\\) after 6 attempts$`,
      ),
    );
    expect((error as WordPressError).url).toContain('page=3');
    expect((error as WordPressError).status).toBe(503);
    expect(sleeps).toHaveLength(5);
    expect(fake.collectionRequests().filter((r) => isPage(r, 3))).toHaveLength(6);
  });

  it.each([404, 401, 403, 400])('does not retry HTTP %i', async (status) => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(5) } });
    failPage(fake, 1, 100, status);
    const { deps, sleeps } = testDeps();
    const error = await createWordPressClient(baseOptions(fake.url), deps)
      .fetchAll(storesType)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      new RegExp(`failed with HTTP ${status} \\(busy\\) after 1 attempt$`),
    );
    expect(sleeps).toEqual([]);
    expect(fake.collectionRequests()).toHaveLength(1);
  });

  it('retries a request that times out', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(5) } });
    let stalled = 0;
    fake.intercept = (req) => {
      if (!isPage(req, 1) || stalled >= 2) return false;
      stalled++;
      return true; // never answers: the client's timeout must fire
    };
    const { deps, sleeps } = testDeps();
    const result = await createWordPressClient(baseOptions(fake.url, { timeoutMs: 150 }), deps).fetchAll(
      storesType,
    );
    expect(result).toMatchObject({ total: 5, retries: 2, requests: 3 });
    expect(sleeps).toHaveLength(2);
  });

  it('a response that starts but never finishes counts as a timeout', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(5) } });
    fake.intercept = (req, res) => {
      if (!isPage(req, 1)) return false;
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-WP-Total': '5', 'X-WP-TotalPages': '1' });
      res.write('[{"id":1},'); // …and the rest never comes
      return true;
    };
    const client = createWordPressClient(
      baseOptions(fake.url, { timeoutMs: 150, maxRetries: 1 }),
      testDeps().deps,
    );
    await expect(client.fetchAll(storesType)).rejects.toThrow(
      /stores: GET .*page=1.* failed with ETIMEDOUT \(no complete response within 150 ms\) after 2 attempts/,
    );
  });

  it('retries connections reset by the server (socket hang up)', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(25) } });
    let dropped = 0;
    fake.intercept = (req, res) => {
      if (!isPage(req, 2) || dropped >= 2) return false;
      dropped++;
      res.socket?.destroy();
      return true;
    };
    const result = await createWordPressClient(baseOptions(fake.url), testDeps().deps).fetchAll(storesType);
    expect(result).toMatchObject({ total: 25, retries: 2 });
  });

  it('retries refused connections and then reports ECONNREFUSED with the URL', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { deps, sleeps } = testDeps();
    const client = createWordPressClient(baseOptions(`http://127.0.0.1:${port}`, { maxRetries: 2 }), deps);
    const error = await client.discover().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WordPressError);
    expect((error as Error).message).toBe(
      `WordPress discovery: GET http://127.0.0.1:${port}/wp-json/?_fields=name,description,url,home,namespaces,timezone_string failed with ECONNREFUSED after 3 attempts`,
    );
    expect(sleeps).toHaveLength(2);
  });

  it('one page failing for good stops the other pages and fails the whole type', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(200) }, latencyMs: 20 });
    failPage(fake, 2, 100, 500);
    const client = createWordPressClient(
      baseOptions(fake.url, { concurrency: 2, maxRetries: 1 }),
      testDeps().deps,
    );
    await expect(client.fetchAll(storesType)).rejects.toThrow(/page=2.* failed with HTTP 500/);
    // Pages queued behind the failure are not requested.
    expect(fake.collectionRequests().length).toBeLessThan(10);
  });
});
