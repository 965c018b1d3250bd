import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WordPressError } from '../../../functions/core/shared/errors.js';
import { createWordPressClient } from '../../../functions/core/wordpress/client.js';
import {
  collectionPage,
  type FakeWordPress,
  makeItem,
  makeItems,
  type RecordedRequest,
  startFakeWordPress,
} from './fake-wordpress.js';
import { baseOptions, storesType, testDeps } from './helpers.js';

let fake: FakeWordPress | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const pageOf = (req: RecordedRequest) => (req.route === '/wp/v2/stores' ? Number(req.query.get('page')) : 0);
const ids = (items: { id: number }[]) => items.map((i) => i.id);

function send(res: ServerResponse, body: string, headers: Record<string, string> = {}) {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=UTF-8', ...headers });
  res.end(body);
}

describe('content changing during the read', () => {
  it('an item inserted before page 2 is read (X-WP-Total changes): re-reads, no duplicate, nothing lost', async () => {
    const stores = makeItems(30, 10, 10); // ids 10..300
    fake = await startFakeWordPress({ collections: { stores } });
    let inserted = false;
    fake.intercept = (req) => {
      if (pageOf(req) === 2 && !inserted) {
        inserted = true;
        stores.push(makeItem(5)); // shifts every later page by one: page 2 repeats id 100
      }
      return false;
    };
    const { deps, lines } = testDeps();
    const result = await createWordPressClient(baseOptions(fake.url, { concurrency: 1 }), deps).fetchAll(
      storesType,
    );

    expect(ids(result.items)).toEqual([5, ...ids(makeItems(30, 10, 10))]);
    expect(new Set(ids(result.items)).size).toBe(result.items.length);
    expect(result).toMatchObject({ total: 31, pages: 4, requests: 3 + 4 });
    const warning = lines.find((l) => l.level === 'warn' && /again/.test(l.message));
    expect(String(warning?.extra?.problem)).toMatch(/X-WP-Total changed during the read \(30 → 31\)/);
  });

  it('an item deleted mid-read (a later page past the end) triggers a re-read', async () => {
    const stores = makeItems(21);
    fake = await startFakeWordPress({ collections: { stores } });
    let deleted = false;
    fake.intercept = (req) => {
      if (pageOf(req) === 2 && !deleted) {
        deleted = true;
        stores.splice(0, 2); // 19 left: page 3 no longer exists
      }
      return false;
    };
    const result = await createWordPressClient(
      baseOptions(fake.url, { concurrency: 1 }),
      testDeps().deps,
    ).fetchAll(storesType);
    expect(ids(result.items)).toEqual(ids(makeItems(19, 3)));
    expect(result.pages).toBe(2);
  });

  it('fails clearly when the collection keeps changing on every read', async () => {
    const stores = makeItems(20, 100);
    fake = await startFakeWordPress({ collections: { stores } });
    let next = 99;
    fake.intercept = (req) => {
      if (pageOf(req) === 2) stores.push(makeItem(next--)); // a new item at the front, every time
      return false;
    };
    const { deps } = testDeps();
    const error = await createWordPressClient(baseOptions(fake.url, { concurrency: 1 }), deps)
      .fetchAll(storesType)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WordPressError);
    expect((error as Error).message).toMatch(
      /^stores: no consistent read of the collection in 3 reads \(last: X-WP-Total changed .*\); not passing on a possibly incomplete type/,
    );
    expect((error as Error).message).toContain(`${fake.url}/wp-json/wp/v2/stores`);
    // Three complete reads: 2 pages, then 3 and 3 as the collection grew.
    expect(fake.collectionRequests()).toHaveLength(8);
  });

  it('an item seen twice keeps the copy modified last, wherever it came from', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(20) } });
    const old = { modified_gmt: '2020-01-01T00:00:00', title: { rendered: 'Viejo' } };
    const newer10 = makeItem(10, { modified_gmt: '2026-03-01T00:00:00', title: { rendered: 'Nuevo' } });
    fake.intercept = (req, res) => {
      const page = pageOf(req);
      if (page === 0) return false;
      // A site whose pages overlap (both copies of 10 and 11 arrive), X-WP-Total still right. The newer
      // copy of 10 comes first, the newer copy of 11 last: neither "first wins" nor "last wins" passes.
      const overlap =
        page === 1
          ? [...makeItems(9), newer10, makeItem(11, old)]
          : [makeItem(10, old), ...makeItems(10, 11)];
      send(res, JSON.stringify(overlap), { 'X-WP-Total': '20', 'X-WP-TotalPages': '2' });
      return true;
    };
    const result = await createWordPressClient(baseOptions(fake.url), testDeps().deps).fetchAll(storesType);
    expect(ids(result.items)).toEqual(ids(makeItems(20)));
    expect(result.items.find((i) => i.id === 10)?.title?.rendered).toBe('Nuevo');
    expect(result.items.find((i) => i.id === 11)?.title?.rendered).toBe('Item 11');
  });

  it('fails when X-WP-Total says there are more items than the pages held', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(20) } });
    fake.overrideHeaders = { 'X-WP-Total': '25' };
    await expect(
      createWordPressClient(baseOptions(fake.url), testDeps().deps).fetchAll(storesType),
    ).rejects.toThrow(/read 20 distinct items but X-WP-Total is 25/);
  });
});

describe('missing or garbled pagination headers', () => {
  it.each([
    ['missing', undefined, 25, 3],
    ['garbled', 'lots', 25, 3],
    ['absurd', '99999999', 25, 3],
    // A full last page: the page after it answers rest_post_invalid_page_number.
    ['missing', undefined, 20, 3],
  ])(
    'X-WP-TotalPages %s (%s): reads pages one by one until a short page',
    async (_kind, header, count, requests) => {
      fake = await startFakeWordPress({ collections: { stores: makeItems(count) } });
      if (header === undefined) fake.dropHeaders.add('x-wp-totalpages');
      else fake.overrideHeaders = { 'X-WP-TotalPages': header };
      const { deps, lines } = testDeps();
      const result = await createWordPressClient(baseOptions(fake.url), deps).fetchAll(storesType);
      expect(ids(result.items)).toEqual(ids(makeItems(count)));
      expect(result.requests).toBe(requests);
      expect(lines.some((l) => l.level === 'warn' && /X-WP-TotalPages/.test(l.message))).toBe(true);
    },
  );

  it('with no headers at all, still reads everything and warns that completeness is unchecked', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(35) } });
    fake.dropHeaders.add('x-wp-totalpages').add('x-wp-total');
    const { deps, lines } = testDeps();
    const result = await createWordPressClient(baseOptions(fake.url), deps).fetchAll(storesType);
    expect(result.total).toBe(35);
    expect(lines.some((l) => l.level === 'warn' && /X-WP-Total header/.test(l.message))).toBe(true);
  });

  it('follows X-WP-Total when the site caps per_page below the one asked', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(23) }, maxPerPage: 5 });
    fake.dropHeaders.add('x-wp-totalpages');
    const result = await createWordPressClient(baseOptions(fake.url), testDeps().deps).fetchAll(storesType);
    expect(ids(result.items)).toEqual(ids(makeItems(23)));
  });

  it('fails when the site ignores `page` (every page is page 1)', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(30) } });
    fake.intercept = (req, res) => {
      if (pageOf(req) === 0) return false;
      const first = collectionPage(makeItems(30), 1, 10);
      send(res, JSON.stringify(first?.items), { 'X-WP-Total': '30' });
      return true;
    };
    await expect(
      createWordPressClient(baseOptions(fake.url), testDeps().deps).fetchAll(storesType),
    ).rejects.toThrow(/page 2 repeated items already read/);
  });
});

describe('bodies that are not a page of items', () => {
  it('an HTML page with HTTP 200 (a WAF challenge) is a clear error, not retried', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(25) } });
    fake.intercept = (req, res) => {
      if (pageOf(req) !== 2) return false;
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(
        '<!DOCTYPE html>\n<html><head><title>Just a moment...</title></head><body>Checking</body></html>',
      );
      return true;
    };
    const error = await createWordPressClient(baseOptions(fake.url), testDeps().deps)
      .fetchAll(storesType)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WordPressError);
    expect((error as Error).message).toMatch(
      /^stores: GET \S+page=2\S* returned HTML instead of JSON, content-type text\/html: "<!DOCTYPE html> <html><head><title>Just a moment/,
    );
    expect(fake.collectionRequests().filter((r) => pageOf(r) === 2)).toHaveLength(1);
  });

  it('a PHP notice printed before the JSON is skipped, with a warning', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(3) } });
    fake.intercept = (req, res) => {
      if (pageOf(req) !== 1) return false;
      const notice =
        '<br />\n<b>Notice</b>:  Undefined index: [level] in <b>/var/www/wp-content/plugins/x.php</b> on line <b>12</b><br />\n';
      send(res, notice + JSON.stringify(makeItems(3)), { 'X-WP-Total': '3', 'X-WP-TotalPages': '1' });
      return true;
    };
    const { deps, lines } = testDeps();
    const result = await createWordPressClient(baseOptions(fake.url), deps).fetchAll(storesType);
    expect(ids(result.items)).toEqual([1, 2, 3]);
    expect(lines.some((l) => l.level === 'warn' && /PHP notice/.test(l.message))).toBe(true);
  });

  it.each([
    ['a JSON object', '{"code":"oops"}', /returned an object instead of an array of items/],
    ['an item without id', '[{"id":1},{"title":"x"}]', /returned an item without a numeric id at index 1/],
    ['an empty body', '', /returned an empty body instead of JSON/],
  ])('%s is a clear error', async (_what, body, message) => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(3) } });
    fake.intercept = (req, res) => {
      if (pageOf(req) !== 1) return false;
      send(res, body, { 'X-WP-Total': '3', 'X-WP-TotalPages': '1' });
      return true;
    };
    await expect(
      createWordPressClient(baseOptions(fake.url), testDeps().deps).fetchAll(storesType),
    ).rejects.toThrow(message);
  });
});
