import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WordPressError } from '../../../functions/core/shared/errors.js';
import { createWordPressClient, restFieldsFor } from '../../../functions/core/wordpress/client.js';
import { type FakeWordPress, makeItem, startFakeWordPress } from './fake-wordpress.js';
import { baseOptions, storesType, testDeps } from './helpers.js';

let fake: FakeWordPress | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const answer = (res: ServerResponse, status: number, body: string, type = 'application/json') => {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body);
  return true;
};

describe('fetchItem', () => {
  it('reads one published item at /wp/v2/<restBase>/<id> with the fields fetchAll asks for', async () => {
    fake = await startFakeWordPress({ collections: { stores: [makeItem(12), makeItem(13)] } });
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    const read = await client.fetchItem(storesType, 13);
    expect(read.kind).toBe('item');
    if (read.kind !== 'item') return;
    expect(read.item.id).toBe(13);
    expect(read.item).not.toHaveProperty('author'); // trimmed by _fields
    const request = fake.requests.find((r) => r.route === '/wp/v2/stores/13');
    expect(request?.query.get('_fields')).toBe(restFieldsFor(storesType).join(','));
  });

  it('finds the item on a site with plain permalinks (?rest_route=)', async () => {
    fake = await startFakeWordPress({ collections: { stores: [makeItem(12)] }, prettyPermalinks: false });
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    expect((await client.fetchItem(storesType, 12)).kind).toBe('item');
    expect(fake.requests.some((r) => r.style === 'query' && r.route === '/wp/v2/stores/12')).toBe(true);
  });

  it('passes a password-protected item on as an item (the caller leaves it out, as transform does)', async () => {
    const item = makeItem(12, { content: { rendered: '', protected: true } });
    fake = await startFakeWordPress({ collections: { stores: [item] } });
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    const read = await client.fetchItem(storesType, 12);
    expect(read).toMatchObject({ kind: 'item', item: { content: { protected: true } } });
  });

  it.each(['draft', 'private', 'pending', 'future', 'trash'])(
    'reports a %s item an authenticated reader can see as hidden',
    async (status) => {
      fake = await startFakeWordPress({ collections: { stores: [makeItem(12, { status })] } });
      const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
      expect(await client.fetchItem(storesType, 12)).toEqual({ kind: 'hidden', reason: `status ${status}` });
    },
  );

  it('reports rest_forbidden (an anonymous reader of a non-public post) as hidden, a 404 as gone', async () => {
    fake = await startFakeWordPress({ collections: { stores: [makeItem(12)] } });
    fake.intercept = (req, res) =>
      req.route === '/wp/v2/stores/12'
        ? answer(
            res,
            401,
            '{"code":"rest_forbidden","message":"Sorry, you are not allowed to do that.","data":{"status":401}}',
          )
        : false;
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    expect(await client.fetchItem(storesType, 12)).toEqual({
      kind: 'hidden',
      reason: 'HTTP 401 (rest_forbidden)',
    });
    expect(await client.fetchItem(storesType, 99)).toEqual({
      kind: 'gone',
      reason: 'HTTP 404 (rest_post_invalid_id)',
    });
  });

  it('never takes a failed read for a removal: auth errors, WAF pages, wrong items and 5xx throw', async () => {
    fake = await startFakeWordPress({ collections: { stores: [makeItem(12)] } });
    const cases: [string, (res: ServerResponse) => boolean][] = [
      [
        'HTTP 401 (incorrect_password)',
        (res) => answer(res, 401, '{"code":"incorrect_password","message":"Wrong","data":{"status":401}}'),
      ],
      ['HTTP 403', (res) => answer(res, 403, '<html>Blocked by WAF</html>', 'text/html')],
      ['HTTP 404 (rest_no_route)', (res) => answer(res, 404, '{"code":"rest_no_route","message":"x"}')],
      ['instead of 12', (res) => answer(res, 200, JSON.stringify(makeItem(13)))],
      ['instead of an item', (res) => answer(res, 200, '[]')],
      ['instead of JSON', (res) => answer(res, 200, '<html>maintenance</html>', 'text/html')],
      ['HTTP 503', (res) => answer(res, 503, '{"code":"down"}')],
    ];
    for (const [expected, respond] of cases) {
      fake.intercept = (req, res) => (req.route === '/wp/v2/stores/12' ? respond(res) : false);
      const client = createWordPressClient(baseOptions(fake.url, { maxRetries: 1 }), testDeps().deps);
      const error = await client.fetchItem(storesType, 12).catch((e: unknown) => e);
      expect(error, expected).toBeInstanceOf(WordPressError);
      expect((error as Error).message).toContain(expected);
      expect((error as Error).message).toContain('stores 12');
    }
  });

  it('retries a 503 with backoff like every other read', async () => {
    fake = await startFakeWordPress({ collections: { stores: [makeItem(12)] } });
    let calls = 0;
    fake.intercept = (req, res) =>
      req.route === '/wp/v2/stores/12' && ++calls <= 2 ? answer(res, 503, '{"code":"busy"}') : false;
    const { deps, sleeps } = testDeps();
    const client = createWordPressClient(baseOptions(fake.url), deps);
    expect((await client.fetchItem(storesType, 12)).kind).toBe('item');
    expect(sleeps).toHaveLength(2);
  });
});
