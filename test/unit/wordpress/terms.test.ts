import { afterEach, describe, expect, it } from 'vitest';
import { type ContentTypeConfig, contentTypeSchema } from '../../../functions/core/shared/config/schema.js';
import { WordPressError } from '../../../functions/core/shared/errors.js';
import type { WpTerm } from '../../../functions/core/shared/types.js';
import { createWordPressClient, restFieldsFor } from '../../../functions/core/wordpress/client.js';
import { resolvedType } from '../resolved.js';
import { type FakeWordPress, makeItems, type RecordedRequest, startFakeWordPress } from './fake-wordpress.js';
import { baseOptions, testDeps } from './helpers.js';

let fake: FakeWordPress | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** `count` terms with ids from `startId` by `step`, as WordPress serves them (names HTML-escaped). */
const makeTerms = (count: number, startId = 2, step = 3): WpTerm[] =>
  Array.from({ length: count }, (_, i) => ({
    id: startId + i * step,
    name: i === 0 ? 'Hogar &amp; Deco' : `Categoría ${i}`,
    slug: `categoria-${i}`,
    parent: i > 3 && i % 5 === 0 ? startId : 0,
  }));

const storesType = contentTypeSchema.parse({
  name: 'stores',
  restBase: 'stores',
  label: 'Tienda',
  labelPlural: 'Tiendas',
  taxonomies: [{ restBase: 'categoria_tienda', name: 'category', label: 'Categoría' }],
});

const isTermPage = (req: RecordedRequest, page?: number) =>
  req.route === '/wp/v2/categoria_tienda' && (page === undefined || req.query.get('page') === String(page));
const ids = (terms: readonly { id: number }[]) => terms.map((t) => t.id);

describe('fetchTerms: pagination', () => {
  it('reads every page of terms once, by id, asking only for id, name, slug and parent', async () => {
    const terms = makeTerms(23);
    fake = await startFakeWordPress({
      collections: { stores: [] },
      terms: { categoria_tienda: [...terms].reverse() },
      latencyMs: 10,
    });
    const client = createWordPressClient(baseOptions(fake.url, { concurrency: 2 }), testDeps().deps);

    const result = await client.fetchTerms('categoria_tienda');

    expect(result).toMatchObject({
      taxonomy: 'categoria_tienda',
      total: 23,
      pages: 3,
      requests: 3,
      retries: 0,
    });
    expect(result.cached).toBe(false);
    expect(result.terms).toEqual(terms); // as served: names still escaped, parents kept
    const requests = fake.collectionRequests('categoria_tienda');
    expect(requests.map((r) => Number(r.query.get('page'))).sort()).toEqual([1, 2, 3]);
    for (const request of requests) {
      expect(Object.fromEntries(request.query)).toMatchObject({
        per_page: '10',
        orderby: 'id',
        order: 'asc',
        hide_empty: 'false',
        _fields: 'id,name,slug,parent',
      });
    }
    expect(fake.maxInFlight).toBe(2);
  });

  it('returns an empty taxonomy as empty, with one request', async () => {
    fake = await startFakeWordPress({ collections: { stores: [] }, terms: { categoria_tienda: [] } });
    const result = await createWordPressClient(baseOptions(fake.url), testDeps().deps).fetchTerms(
      'categoria_tienda',
    );
    expect(result).toMatchObject({ terms: [], total: 0, requests: 1 });
  });

  it('uses ?rest_route= on a site without pretty permalinks', async () => {
    fake = await startFakeWordPress({
      collections: { stores: [] },
      terms: { categoria_tienda: makeTerms(12) },
      prettyPermalinks: false,
    });
    const result = await createWordPressClient(baseOptions(fake.url), testDeps().deps).fetchTerms(
      'categoria_tienda',
    );
    expect(ids(result.terms)).toEqual(ids(makeTerms(12)));
    expect(fake.collectionRequests('categoria_tienda').every((r) => r.style === 'query')).toBe(true);
  });

  it('reads the collection under the namespace the taxonomy registered', async () => {
    fake = await startFakeWordPress({
      collections: { stores: [] },
      terms: { categoria_tienda: makeTerms(3) },
      taxonomies: {
        categoria_tienda: {
          slug: 'categoria_tienda',
          rest_base: 'categoria_tienda',
          name: 'Categorías',
          types: ['stores'],
          rest_namespace: 'mall/v1',
        },
      },
    });
    fake.intercept = (req, res) => {
      if (req.route !== '/mall/v1/categoria_tienda') return false;
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-WP-Total': '1', 'X-WP-TotalPages': '1' });
      res.end(JSON.stringify([{ id: 7, name: 'Moda', slug: 'moda', parent: 0 }]));
      return true;
    };
    const result = await createWordPressClient(baseOptions(fake.url), testDeps().deps).fetchTerms(
      'categoria_tienda',
    );
    expect(result.terms).toEqual([{ id: 7, name: 'Moda', slug: 'moda', parent: 0 }]);
  });
});

describe('fetchTerms: the same machinery as items', () => {
  it('retries a 503 on a term page with backoff', async () => {
    fake = await startFakeWordPress({
      collections: { stores: [] },
      terms: { categoria_tienda: makeTerms(15) },
    });
    let failed = false;
    fake.intercept = (req, res) => {
      if (!isTermPage(req, 2) || failed) return false;
      failed = true;
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end('{"code":"busy"}');
      return true;
    };
    const { deps, sleeps } = testDeps();
    const result = await createWordPressClient(baseOptions(fake.url), deps).fetchTerms('categoria_tienda');
    expect(result).toMatchObject({ total: 15, requests: 3, retries: 1 });
    expect(sleeps).toHaveLength(1);
  });

  it('re-reads when a term is deleted mid-read (a later page comes back empty)', async () => {
    const terms = makeTerms(21);
    fake = await startFakeWordPress({ collections: { stores: [] }, terms: { categoria_tienda: terms } });
    let deleted = false;
    fake.intercept = (req) => {
      if (isTermPage(req, 2) && !deleted) {
        deleted = true;
        terms.splice(0, 2); // 19 left: page 3 is now past the end, which terms answer with []
      }
      return false;
    };
    const { deps, lines } = testDeps();
    const result = await createWordPressClient(baseOptions(fake.url, { concurrency: 1 }), deps).fetchTerms(
      'categoria_tienda',
    );
    expect(ids(result.terms)).toEqual(ids(makeTerms(21).slice(2)));
    const warning = lines.find((l) => l.level === 'warn' && /reading the taxonomy again/.test(l.message));
    expect(warning?.extra).toMatchObject({ taxonomy: 'categoria_tienda' });
  });

  it('fails, never passing on a partial list, when the taxonomy keeps changing', async () => {
    const terms = makeTerms(20, 100, 1);
    fake = await startFakeWordPress({ collections: { stores: [] }, terms: { categoria_tienda: terms } });
    let next = 99;
    fake.intercept = (req) => {
      if (isTermPage(req, 2)) terms.push({ id: next--, name: 'Nueva', slug: `nueva-${next}` });
      return false;
    };
    const error = await createWordPressClient(baseOptions(fake.url, { concurrency: 1 }), testDeps().deps)
      .fetchTerms('categoria_tienda')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WordPressError);
    expect((error as Error).message).toMatch(
      /^taxonomy categoria_tienda: no consistent read of the collection in 3 reads .*not passing on a possibly incomplete taxonomy/,
    );
  });

  it('fails on a term without a name, naming the URL and the entry', async () => {
    fake = await startFakeWordPress({
      collections: { stores: [] },
      terms: { categoria_tienda: makeTerms(3) },
    });
    fake.intercept = (req, res) => {
      if (!isTermPage(req)) return false;
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-WP-Total': '2', 'X-WP-TotalPages': '1' });
      res.end('[{"id":4,"name":"Moda"},{"id":5,"slug":"sin-nombre"}]');
      return true;
    };
    await expect(
      createWordPressClient(baseOptions(fake.url), testDeps().deps).fetchTerms('categoria_tienda'),
    ).rejects.toThrow(
      /^taxonomy categoria_tienda: GET \S+categoria_tienda\S+ returned a term without a name at index 1/,
    );
  });

  it('names the taxonomy and what the site has when it does not exist, without asking for terms', async () => {
    fake = await startFakeWordPress({ collections: { stores: [] }, terms: { tipo_comida: makeTerms(2) } });
    const error = await createWordPressClient(baseOptions(fake.url), testDeps().deps)
      .fetchTerms('categoria_tienda')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WordPressError);
    expect((error as Error).message).toBe(
      `WordPress site ${fake.url} has no taxonomy with REST base "categoria_tienda"; the site has: categories (category), tags (post_tag), tipo_comida (tipo_comida)`,
    );
    expect((error as WordPressError).url).toBe(`${fake.url}/wp-json/wp/v2/taxonomies`);
    expect(fake.collectionRequests()).toEqual([]);
  });
});

describe('fetchTerms: cached per run', () => {
  it('shares one read between calls of the same run, reads again for another run or without one', async () => {
    fake = await startFakeWordPress({
      collections: { stores: [] },
      terms: { categoria_tienda: makeTerms(12) },
    });
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    const termRequests = () => fake?.collectionRequests('categoria_tienda').length ?? 0;

    const [first, second] = await Promise.all([
      client.fetchTerms('categoria_tienda', { runId: 'run-1' }),
      client.fetchTerms('categoria_tienda', { runId: 'run-1' }),
    ]);
    expect(termRequests()).toBe(2);
    expect(first).toMatchObject({ requests: 2, cached: false });
    expect(second).toMatchObject({ requests: 0, retries: 0, cached: true });
    expect(second.terms).toEqual(first.terms);

    fake.terms.categoria_tienda?.push({ id: 999, name: 'Outlet', slug: 'outlet' });
    const sameRun = await client.fetchTerms('categoria_tienda', { runId: 'run-1' });
    expect(sameRun.total).toBe(12);
    const nextRun = await client.fetchTerms('categoria_tienda', { runId: 'run-2' });
    expect(nextRun).toMatchObject({ total: 13, cached: false });
    expect(termRequests()).toBe(4);
    await client.fetchTerms('categoria_tienda');
    await client.fetchTerms('categoria_tienda');
    expect(termRequests()).toBe(8);
  });

  it('does not keep a failed read: the next call of the run tries again', async () => {
    fake = await startFakeWordPress({
      collections: { stores: [] },
      terms: { categoria_tienda: makeTerms(4) },
    });
    let failing = true;
    fake.intercept = (req, res) => {
      if (!isTermPage(req) || !failing) return false;
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"code":"rest_no_route"}');
      return true;
    };
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    await expect(client.fetchTerms('categoria_tienda', { runId: 'r' })).rejects.toThrow(
      /HTTP 404 \(rest_no_route\)/,
    );
    failing = false;
    await expect(client.fetchTerms('categoria_tienda', { runId: 'r' })).resolves.toMatchObject({ total: 4 });
  });
});

describe('resolveTypes: taxonomies', () => {
  const restaurantType = contentTypeSchema.parse({
    name: 'restaurant',
    restBase: 'restaurant',
    label: 'Restaurante',
    labelPlural: 'Restaurantes',
    taxonomies: [{ restBase: 'tipo_comida', name: 'category', label: 'Tipo de comida' }],
  });
  const required = (type: ContentTypeConfig): ContentTypeConfig => ({
    ...type,
    taxonomies: type.taxonomies === 'auto' ? 'auto' : type.taxonomies.map((t) => ({ ...t, required: true })),
  });

  it('keeps every configured taxonomy that exists and classifies the type, without warnings', async () => {
    fake = await startFakeWordPress({
      collections: { stores: [], restaurant: [] },
      terms: { categoria_tienda: [], tipo_comida: [] },
    });
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    const resolved = await client.resolveTypes([storesType, restaurantType]);
    expect(resolved.map((r) => r.warnings)).toEqual([[], []]);
    expect(resolved.map((r) => r.type.taxonomies.map((t) => [t.restBase, t.name, t.label]))).toEqual([
      [['categoria_tienda', 'category', 'Categoría']],
      [['tipo_comida', 'category', 'Tipo de comida']],
    ]);
    expect(fake.requests.filter((r) => r.route === '/wp/v2/taxonomies')).toHaveLength(1);
    await client.resolveTypes([storesType]);
    expect(fake.requests.filter((r) => r.route === '/wp/v2/taxonomies')).toHaveLength(1); // cached
  });

  it('warns about each missing optional taxonomy, naming its type and what the site has, and goes on without it', async () => {
    fake = await startFakeWordPress({ collections: { stores: [], restaurant: [] }, terms: { rubro: [] } });
    const resolved = await createWordPressClient(baseOptions(fake.url), testDeps().deps).resolveTypes([
      storesType,
      restaurantType,
    ]);
    expect(resolved.map((r) => r.type.taxonomies)).toEqual([[], []]);
    expect(resolved.map((r) => r.warnings)).toEqual([
      [
        'stores: the site has no taxonomy "categoria_tienda" (it has: categories (category), tags (post_tag), rubro (rubro)); documents go without it',
      ],
      [
        'restaurant: the site has no taxonomy "tipo_comida" (it has: categories (category), tags (post_tag), rubro (rubro)); documents go without it',
      ],
    ]);
  });

  it('fails on a missing required taxonomy, naming every one with its type and what the site has', async () => {
    fake = await startFakeWordPress({ collections: { stores: [], restaurant: [] }, terms: { rubro: [] } });
    const error = await createWordPressClient(baseOptions(fake.url), testDeps().deps)
      .resolveTypes([required(storesType), required(restaurantType)])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WordPressError);
    expect((error as Error).message).toBe(
      `WordPress site ${fake.url} has no taxonomy with REST base "categoria_tienda" (type stores); the site has: categories (category), tags (post_tag), rubro (rubro); has no taxonomy with REST base "tipo_comida" (type restaurant); the site has: categories (category), tags (post_tag), rubro (rubro)`,
    );
    expect((error as WordPressError).url).toBe(`${fake.url}/wp-json/wp/v2/taxonomies`);
  });

  it('a taxonomy that exists but does not classify the type: a warning, or an error when required', async () => {
    fake = await startFakeWordPress({
      collections: { stores: [] },
      taxonomies: {
        categoria_tienda: {
          slug: 'categoria_tienda',
          rest_base: 'categoria_tienda',
          name: 'Categorías',
          types: ['restaurant'],
        },
      },
    });
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    const [resolved] = await client.resolveTypes([storesType]);
    expect(resolved?.type.taxonomies).toEqual([]);
    expect(resolved?.warnings).toEqual([
      'stores: taxonomy "categoria_tienda" does not classify post type "stores" (it classifies: restaurant); documents go without it',
    ]);
    await expect(client.resolveTypes([required(storesType)])).rejects.toThrow(
      'taxonomy "categoria_tienda" does not classify post type "stores" (type stores; it classifies: restaurant)',
    );
  });

  it('reports a missing post type first and never asks for taxonomies when no type has any', async () => {
    fake = await startFakeWordPress({ collections: { restaurant: [] } });
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    await expect(client.resolveTypes([storesType])).rejects.toThrow(/no post type with REST base "stores"/);
    const plain = contentTypeSchema.parse({
      name: 'r',
      restBase: 'restaurant',
      label: 'R',
      labelPlural: 'Rs',
      taxonomies: [],
    });
    await client.resolveTypes([plain]);
    expect(fake.requests.some((r) => r.route === '/wp/v2/taxonomies')).toBe(false);
  });

  it('"auto": every taxonomy attached to the post type, keyed by slug, labelled by the site, sorted', async () => {
    fake = await startFakeWordPress({
      collections: { stores: [], restaurant: [] },
      types: {
        post: { slug: 'post', rest_base: 'posts', name: 'Entradas' },
        stores: { slug: 'stores', rest_base: 'stores', name: 'Tiendas &amp; Servicios' },
        restaurant: { slug: 'restaurant', rest_base: 'restaurant', name: 'Restaurantes' },
      },
      taxonomies: {
        category: { slug: 'category', rest_base: 'categories', name: 'Categorías', types: ['post'] },
        'tipo-de-tienda': {
          slug: 'tipo-de-tienda',
          rest_base: 'tipos',
          name: 'Tipos &amp; rubros',
          types: ['stores'],
        },
        marca: { slug: 'marca', rest_base: 'marca', name: 'Marcas', types: ['stores', 'post'] },
        title: { slug: 'title', rest_base: 'titulos', name: 'Títulos', types: ['stores'] },
      },
    });
    const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
    const auto = (name: string) => contentTypeSchema.parse({ name });
    const [stores, restaurant, posts] = await client.resolveTypes([
      auto('stores'),
      auto('restaurant'),
      auto('post'),
    ]);
    expect(stores?.type).toMatchObject({
      restBase: 'stores',
      label: 'Tiendas & Servicios',
      labelPlural: 'Tiendas & Servicios',
    });
    expect(stores?.type.taxonomies).toEqual([
      { restBase: 'marca', name: 'marca', label: 'Marcas', required: false },
      { restBase: 'tipos', name: 'tipo_de_tienda', label: 'Tipos & rubros', required: false },
      // `title` is a built-in metadata key: the taxonomy gets another one rather than overwriting it.
      { restBase: 'titulos', name: 'title_terms', label: 'Títulos', required: false },
    ]);
    expect(restaurant?.type.taxonomies).toEqual([]);
    expect(restaurant?.warnings).toEqual([]);
    // A post type slug finds its REST base (`--types post`).
    expect(posts?.type).toMatchObject({ name: 'post', restBase: 'posts', label: 'Entradas' });
    expect(posts?.type.taxonomies.map((t) => t.name)).toEqual(['category', 'marca']);
  });

  it.each([401, 403, 404])(
    'a site that answers %i for its taxonomies: a warning, documents go without them',
    async (status) => {
      fake = await startFakeWordPress({ collections: { stores: [] }, terms: { categoria_tienda: [] } });
      fake.intercept = (req, res) => {
        if (req.route !== '/wp/v2/taxonomies') return false;
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ code: 'rest_forbidden', message: 'no', data: { status } }));
        return true;
      };
      const client = createWordPressClient(baseOptions(fake.url), testDeps().deps);
      const [resolved] = await client.resolveTypes([storesType]);
      expect(resolved?.type.taxonomies).toEqual([]);
      expect(resolved?.warnings).toEqual([
        `stores: the site lists no taxonomies (GET ${fake.url}/wp-json/wp/v2/taxonomies answered HTTP ${status}); documents go without taxonomies`,
      ]);
      await expect(client.resolveTypes([required(storesType)])).rejects.toThrow(
        /lists no taxonomies .*yet type stores requires "categoria_tienda"/,
      );
    },
  );

  it('a site whose taxonomy list keeps failing (5xx) fails the run: no document loses its terms for one night', async () => {
    fake = await startFakeWordPress({ collections: { stores: [] }, terms: { categoria_tienda: [] } });
    fake.intercept = (req, res) => {
      if (req.route !== '/wp/v2/taxonomies') return false;
      res.writeHead(503, { 'Content-Type': 'text/html' });
      res.end('<h1>busy</h1>');
      return true;
    };
    const client = createWordPressClient(baseOptions(fake.url, { maxRetries: 1 }), testDeps().deps);
    await expect(client.resolveTypes([contentTypeSchema.parse({ name: 'stores' })])).rejects.toThrow(
      /wp\/v2\/taxonomies failed with HTTP 503/,
    );
  });
});

describe('fetchAll of a type with taxonomies', () => {
  it('asks for the term id fields and nothing about taxonomies (its behaviour is unchanged)', async () => {
    fake = await startFakeWordPress({
      collections: { stores: makeItems(3).map((item) => ({ ...item, categoria_tienda: [5, 8] })) },
    });
    const result = await createWordPressClient(baseOptions(fake.url), testDeps().deps).fetchAll(
      resolvedType(storesType),
    );
    expect(result.items.map((i) => i.categoria_tienda)).toEqual([
      [5, 8],
      [5, 8],
      [5, 8],
    ]);
    expect(restFieldsFor(resolvedType(storesType)).at(-1)).toBe('categoria_tienda');
    expect(fake.collectionRequests('stores')[0]?.query.get('_fields')?.split(',')).toContain(
      'categoria_tienda',
    );
    expect(fake.requests.some((r) => r.route === '/wp/v2/taxonomies')).toBe(false);
  });
});
