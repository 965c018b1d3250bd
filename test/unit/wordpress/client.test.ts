import { afterEach, describe, expect, it } from 'vitest';
import { WordPressError } from '../../../functions/core/shared/errors.js';
import { createWordPressClient, restFieldsFor } from '../../../functions/core/wordpress/client.js';
import { type FakeWordPress, makeItems, startFakeWordPress } from './fake-wordpress.js';
import { baseOptions, storesType, testDeps, typeFor } from './helpers.js';

let fake: FakeWordPress | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('fetchAll: pagination', () => {
  it('reads every page once, in id order, with stable ordering parameters', async () => {
    // 95 items with gaps in the ids, stored out of order: 10 pages of 10 (the last one short).
    const items = makeItems(95, 3, 7).reverse();
    fake = await startFakeWordPress({ collections: { stores: items } });
    const pages: { page: number; pages: number; items: number }[] = [];
    const { deps } = testDeps({
      onPage: ({ page, pages: total, items: n }) => pages.push({ page, pages: total, items: n }),
    });
    const client = createWordPressClient(baseOptions(fake.url), deps);

    const result = await client.fetchAll(storesType);

    expect(result.items.map((i) => i.id)).toEqual(makeItems(95, 3, 7).map((i) => i.id));
    expect(result).toMatchObject({ type: 'stores', total: 95, pages: 10, requests: 10, retries: 0 });
    const requests = fake.collectionRequests('stores');
    expect(requests).toHaveLength(10);
    expect(requests[0]?.query.get('page')).toBe('1');
    expect(requests.map((r) => Number(r.query.get('page'))).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    for (const request of requests) {
      expect(request.query.get('per_page')).toBe('10');
      expect(request.query.get('orderby')).toBe('id');
      expect(request.query.get('order')).toBe('asc');
    }
    expect(pages.map((p) => p.page).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(pages.every((p) => p.pages === 10)).toBe(true);
    expect(pages.reduce((sum, p) => sum + p.items, 0)).toBe(95);
  });

  it('reads a single page without asking for a second one', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(7) } });
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    const result = await client.fetchAll(storesType);
    expect(result.items.map((i) => i.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(fake.collectionRequests()).toHaveLength(1);
  });

  it('returns an empty collection as empty (total 0), with one request', async () => {
    fake = await startFakeWordPress({ collections: { stores: [] } });
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    const result = await client.fetchAll(storesType);
    expect(result).toMatchObject({ items: [], total: 0, requests: 1 });
  });

  it.each([1, 3])('never has more than concurrency=%i page requests in flight', async (concurrency) => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(100) }, latencyMs: 25 });
    const client = createWordPressClient(baseOptions(fake.url, { concurrency }), testDeps().deps);
    const result = await client.fetchAll(storesType);
    expect(result.total).toBe(100);
    expect(fake.maxInFlight).toBe(concurrency);
  });

  it('keeps the bound when several types are read at once by the same client', async () => {
    fake = await startFakeWordPress({
      collections: { stores: makeItems(60), restaurant: makeItems(60, 1000) },
      latencyMs: 20,
    });
    const client = createWordPressClient(baseOptions(fake.url, { concurrency: 2 }), testDeps().deps);
    const [stores, restaurants] = await Promise.all([
      client.fetchAll(storesType),
      client.fetchAll(typeFor('restaurant')),
    ]);
    expect(stores.total + restaurants.total).toBe(120);
    expect(fake.maxInFlight).toBe(2);
  });

  it('asks only for the needed fields with _fields', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(3) } });
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    const result = await client.fetchAll(storesType);
    const sent = fake.collectionRequests()[0]?.query.get('_fields')?.split(',');
    expect(sent).toEqual(restFieldsFor(storesType));
    expect(sent).toContain('acf');
    // The fake honours _fields as WordPress does: what was not asked for does not travel.
    expect(result.items[0]).not.toHaveProperty('author');
    expect(result.items[0]).toHaveProperty('acf');
  });
});

describe('requests', () => {
  it('sends a polite User-Agent, Accept: application/json and no Authorization by default', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(2) } });
    await createWordPressClient(baseOptions(fake.url), testDeps().deps).fetchAll(storesType);
    for (const request of fake.requests) {
      expect(request.headers['user-agent']).toBe('wpkb-test/1.0 (+unit tests)');
      expect(request.headers.accept).toBe('application/json');
      expect(request.headers.authorization).toBeUndefined();
    }
  });

  it('sends Basic auth with an application password, and never logs the password', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(2) } });
    const password = 'abcd EFGH 1234 ijkl MNOP 5678';
    const { deps, lines } = testDeps();
    const client = createWordPressClient(baseOptions(fake.url, { username: 'editor', password }), deps);
    await client.fetchAll(storesType);
    const expected = `Basic ${Buffer.from(`editor:${password}`).toString('base64')}`;
    expect(fake.requests.length).toBeGreaterThan(0);
    for (const request of fake.requests) expect(request.headers.authorization).toBe(expected);
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(password);
    expect(logged).not.toContain(expected.slice('Basic '.length));
  });

  it('sends no Authorization when only a username is configured, and warns', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(2) } });
    const { deps, lines } = testDeps();
    await createWordPressClient(baseOptions(fake.url, { username: 'editor' }), deps).fetchAll(storesType);
    expect(fake.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(lines.some((l) => l.level === 'warn' && /password/.test(l.message))).toBe(true);
  });

  it('logs one info summary per type and a debug line per request', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(25) } });
    const { deps, lines } = testDeps();
    await createWordPressClient(baseOptions(fake.url), deps).fetchAll(storesType);
    const infos = lines.filter((l) => l.level === 'info');
    expect(infos).toHaveLength(1);
    expect(infos[0]?.extra).toMatchObject({ type: 'stores', items: 25, pages: 3, requests: 3 });
    const debugUrls = lines.filter((l) => l.level === 'debug' && typeof l.extra?.status === 'number');
    expect(debugUrls).toHaveLength(fake.requests.length);
  });
});

describe('discovery', () => {
  it('finds the REST API at /wp-json/ and lists the post types', async () => {
    fake = await startFakeWordPress({ name: 'Mall Plaza Demo', collections: { stores: [], event: [] } });
    const client = createWordPressClient(baseOptions(`${fake.url}/`), testDeps().deps);
    const site = await client.discover();
    expect(site).toMatchObject({
      name: 'Mall Plaza Demo',
      apiRoot: `${fake.url}/wp-json/`,
      routeStyle: 'pretty',
    });
    expect(site.postTypes.map((t) => t.restBase).sort()).toEqual(['event', 'pages', 'posts', 'stores']);
    await client.discover();
    await client.fetchAll(storesType);
    // Cached: the index and the types were asked for once.
    expect(fake.requests.filter((r) => r.route === '/')).toHaveLength(1);
    expect(fake.requests.filter((r) => r.route === '/wp/v2/types')).toHaveLength(1);
  });

  it('falls back to ?rest_route= when /wp-json/ is an HTML 404, and uses it for every later request', async () => {
    fake = await startFakeWordPress({ prettyPermalinks: false, collections: { stores: makeItems(25) } });
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    const site = await client.discover();
    expect(site).toMatchObject({ routeStyle: 'query', apiRoot: `${fake.url}/?rest_route=/` });
    const result = await client.fetchAll(storesType);
    expect(result.total).toBe(25);
    const afterProbe = fake.requests.slice(1);
    expect(fake.requests[0]?.style).toBe('pretty');
    expect(afterProbe.length).toBeGreaterThan(3);
    expect(afterProbe.every((r) => r.style === 'query')).toBe(true);
  });

  it('falls back when /wp-json/ answers 200 with an HTML page (plain permalinks show the home page)', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(1) } });
    fake.intercept = (req, res) => {
      if (req.style !== 'pretty') return false;
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!DOCTYPE html><html><head><title>Mall</title></head><body>Inicio</body></html>');
      return true;
    };
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    expect((await client.discover()).routeStyle).toBe('query');
    expect((await client.fetchAll(storesType)).total).toBe(1);
  });

  it('fails naming both URLs when neither style answers with the REST index', async () => {
    fake = await startFakeWordPress();
    fake.intercept = (_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<html>not here</html>');
      return true;
    };
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    const error = await client.discover().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WordPressError);
    const message = (error as Error).message;
    expect(message).toContain(`${fake.url}/wp-json/`);
    expect(message).toContain(`${fake.url}/?rest_route=/`);
    expect(message).toContain('HTTP 404');
    expect(message).not.toContain('\n');
  });

  it('names every missing REST base and the ones the site has', async () => {
    fake = await startFakeWordPress({ collections: { stores: [] } });
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    const types = [storesType, typeFor('event'), typeFor('restaurant')];
    const error = await client.resolveTypes(types).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WordPressError);
    const message = (error as Error).message;
    expect(message).toContain('"event"');
    expect(message).toContain('"restaurant"');
    expect(message).not.toContain('"stores"');
    expect(message).toMatch(/the site has: .*posts.*pages.*stores/);
    await expect(client.resolveTypes([storesType])).resolves.toMatchObject([{ type: { name: 'stores' } }]);
  });

  it('fetchAll of a type the site lacks fails before reading any page', async () => {
    fake = await startFakeWordPress({ collections: { stores: makeItems(3) } });
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    await expect(client.fetchAll(typeFor('event'))).rejects.toThrow(/no post type with REST base "event"/);
    expect(fake.collectionRequests()).toHaveLength(0);
  });

  it('reads a type from the REST namespace the site declares for it', async () => {
    fake = await startFakeWordPress({
      types: { store: { slug: 'store', rest_base: 'stores', name: 'Tiendas', rest_namespace: 'mall/v1' } },
    });
    const items = makeItems(3);
    fake.intercept = (req, res) => {
      if (req.route !== '/mall/v1/stores') return false;
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-WP-Total': '3', 'X-WP-TotalPages': '1' });
      res.end(JSON.stringify(items));
      return true;
    };
    const result = await createWordPressClient(baseOptions(fake.url), testDeps().deps).fetchAll(storesType);
    expect(result.total).toBe(3);
  });
});
