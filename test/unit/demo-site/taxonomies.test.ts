import axios, { type AxiosResponse } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoSite } from '../../../functions/local/demo-site/generate.js';
import { type DemoSiteServer, startDemoSite } from '../../../functions/local/demo-site/server.js';
import { type DemoItem, type DemoTaxonomy, isPublic } from '../../../functions/local/demo-site/site.js';

type Json = Record<string, unknown>;

const http = axios.create({ validateStatus: () => true, responseType: 'json' });
const get = <T = unknown>(url: string): Promise<AxiosResponse<T>> => http.get<T>(url);

const site = generateDemoSite();
const taxonomyFor = (type: string): DemoTaxonomy => {
  const taxonomy = site.taxonomies.find((t) => t.types.includes(type));
  if (!taxonomy) throw new Error(`no taxonomy for ${type}`);
  return taxonomy;
};

describe('demo site fixtures: taxonomies', () => {
  it('classify each mall type with its own taxonomy of unique, escaped, slugged terms', () => {
    expect(site.taxonomies.map((t) => [t.restBase, t.types])).toEqual([
      ['categoria_tienda', ['stores']],
      ['tipo_comida', ['restaurant']],
      ['categoria_evento', ['event']],
    ]);
    const ids = site.taxonomies.flatMap((t) => t.terms.map((term) => term.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const taxonomy of site.taxonomies) {
      const names = taxonomy.terms.map((t) => t.name);
      expect(new Set(names).size).toBe(names.length);
      for (const term of taxonomy.terms) {
        expect(term.slug).toMatch(/^[a-z0-9-]+$/);
        expect(term.name).not.toMatch(/&(?!amp;|lt;|gt;)/); // stored escaped, like WordPress
        if (term.parent) expect(taxonomy.terms.some((t) => t.id === term.parent)).toBe(true);
        if (!taxonomy.hierarchical) expect(term.parent).toBe(0);
      }
    }
    expect(taxonomyFor('stores').terms.some((t) => t.name === 'Hogar &amp; Deco')).toBe(true);
  });

  it('give items term ids of their type’s taxonomy only: most one, some two, a few none', () => {
    for (const type of site.types) {
      const taxonomy = taxonomyFor(type.slug);
      const known = new Set(taxonomy.terms.map((t) => t.id));
      const items = (site.items[type.restBase] ?? []).filter(isPublic);
      for (const item of items) {
        expect(Object.keys(item.terms)).toEqual([taxonomy.restBase]);
        for (const id of item.terms[taxonomy.restBase] ?? []) expect(known.has(id)).toBe(true);
      }
      const sizes = items.map((i) => i.terms[taxonomy.restBase]?.length ?? 0);
      expect(sizes.filter((n) => n === 1).length, type.slug).toBeGreaterThan(items.length / 2);
      expect(sizes.filter((n) => n === 2).length, type.slug).toBeGreaterThan(0);
      expect(sizes.filter((n) => n === 0).length, type.slug).toBeGreaterThan(0);
    }
  });

  it('are deterministic and follow the seed', () => {
    const terms = (s: ReturnType<typeof generateDemoSite>) =>
      Object.values(s.items)
        .flat()
        .map((i) => i.terms);
    expect(terms(generateDemoSite())).toEqual(terms(site));
    expect(terms(generateDemoSite({ seed: 8 }))).not.toEqual(terms(site));
  });
});

describe('demo site server: taxonomies and terms', () => {
  let server: DemoSiteServer;
  let plain: DemoSiteServer;
  beforeAll(async () => {
    server = await startDemoSite({ site: generateDemoSite() });
    plain = await startDemoSite({ site: generateDemoSite({ scale: 0.2, seed: 3 }), prettyPermalinks: false });
  });
  afterAll(async () => {
    await server?.close();
    await plain?.close();
  });

  it('lists taxonomies keyed by slug with rest_base and types, built-in ones included', async () => {
    const res = await get<Record<string, Json>>(`${server.url}/wp-json/wp/v2/taxonomies`);
    expect(res.status).toBe(200);
    expect(res.data.category).toMatchObject({ rest_base: 'categories', types: ['post'] });
    expect(res.data.post_tag).toMatchObject({ rest_base: 'tags', types: ['post'] });
    for (const taxonomy of site.taxonomies) {
      expect(res.data[taxonomy.slug]).toMatchObject({
        slug: taxonomy.slug,
        rest_base: taxonomy.restBase,
        rest_namespace: 'wp/v2',
        types: taxonomy.types,
        hierarchical: taxonomy.hierarchical,
      });
    }
    const forStores = await get<Record<string, Json>>(`${server.url}/wp-json/wp/v2/taxonomies?type=stores`);
    expect(Object.keys(forStores.data)).toEqual(['categoria_tienda']);
    const one = await get<Json>(`${server.url}/wp-json/wp/v2/taxonomies/tipo_comida`);
    expect(one.data).toMatchObject({ slug: 'tipo_comida', types: ['restaurant'] });
    const none = await get<Json>(`${server.url}/wp-json/wp/v2/taxonomies/nada`);
    expect([none.status, none.data.code]).toEqual([404, 'rest_taxonomy_invalid']);
    const types = await get<Record<string, Json>>(`${server.url}/wp-json/wp/v2/types`);
    expect(types.data.stores?.taxonomies).toEqual(['categoria_tienda']);
    const index = await get<Json>(`${server.url}/wp-json/`);
    expect(Object.keys(index.data.routes as Json)).toEqual(
      expect.arrayContaining(['/wp/v2/taxonomies', '/wp/v2/categoria_tienda', '/wp/v2/tipo_comida']),
    );
  });

  it('pages through a taxonomy’s terms with WordPress headers and _fields, past the end an empty page', async () => {
    const taxonomy = taxonomyFor('stores');
    const url = (page: number) =>
      `${server.url}/wp-json/wp/v2/categoria_tienda?per_page=5&page=${page}&orderby=id&order=asc&_fields=id,name,slug,parent`;
    const first = await get<Json[]>(url(1));
    expect(first.status).toBe(200);
    expect(Number(first.headers['x-wp-total'])).toBe(taxonomy.terms.length);
    const pages = Number(first.headers['x-wp-totalpages']);
    expect(pages).toBe(Math.ceil(taxonomy.terms.length / 5));
    expect(first.headers.link).toContain('rel="next"');
    const read = [...first.data];
    for (let page = 2; page <= pages; page++) read.push(...(await get<Json[]>(url(page))).data);
    expect(read).toEqual(taxonomy.terms.map(({ id, name, slug, parent }) => ({ id, name, slug, parent })));
    const past = await get<Json[]>(url(pages + 1));
    expect([past.status, past.data]).toEqual([200, []]);
    expect(Number(past.headers['x-wp-total'])).toBe(taxonomy.terms.length);
  });

  it('serves full terms ordered by name by default, with counts of published items, hide_empty and post', async () => {
    const taxonomy = taxonomyFor('restaurant');
    const res = await get<Json[]>(`${server.url}/wp-json/wp/v2/tipo_comida?per_page=100`);
    const names = res.data.map((t) => String(t.name));
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(res.data[0]).toMatchObject({ taxonomy: 'tipo_comida', meta: [], description: '' });
    expect(res.data[0]).not.toHaveProperty('parent'); // a flat taxonomy
    const restaurants = (site.items.restaurant ?? []).filter(isPublic);
    for (const term of res.data) {
      const expected = restaurants.filter((i) => i.terms.tipo_comida?.includes(Number(term.id))).length;
      expect(term.count, String(term.name)).toBe(expected);
    }
    const used = await get<Json[]>(`${server.url}/wp-json/wp/v2/tipo_comida?per_page=100&hide_empty=true`);
    expect(used.data.length).toBe(res.data.filter((t) => Number(t.count) > 0).length);
    const item = restaurants.find((i) => (i.terms.tipo_comida?.length ?? 0) === 2) as DemoItem;
    const ofPost = await get<Json[]>(`${server.url}/wp-json/wp/v2/tipo_comida?post=${item.id}&_fields=id`);
    expect(ofPost.data.map((t) => t.id).sort()).toEqual([...(item.terms.tipo_comida ?? [])].sort());
    const term = await get<Json>(`${server.url}/wp-json/wp/v2/tipo_comida/${taxonomy.terms[0]?.id}`);
    expect(term.data).toMatchObject({ id: taxonomy.terms[0]?.id, name: taxonomy.terms[0]?.name });
    const missing = await get<Json>(`${server.url}/wp-json/wp/v2/tipo_comida/99999`);
    expect([missing.status, missing.data.code]).toEqual([404, 'rest_term_invalid']);
    const bad = await get<Json>(`${server.url}/wp-json/wp/v2/tipo_comida?hide_empty=quizás&per_page=500`);
    expect(bad.status).toBe(400);
    expect(Object.keys((bad.data.data as { params: Json }).params).sort()).toEqual([
      'hide_empty',
      'per_page',
    ]);
  });

  it('puts each item’s term ids under the taxonomy’s REST base, [] when it has none', async () => {
    const res = await get<Json[]>(
      `${server.url}/wp-json/wp/v2/stores?per_page=100&orderby=id&order=asc&_fields=id,categoria_tienda`,
    );
    const stores = (site.items.stores ?? []).filter(isPublic).slice(0, 100);
    expect(res.data).toEqual(stores.map((i) => ({ id: i.id, categoria_tienda: i.terms.categoria_tienda })));
    expect(res.data.some((i) => (i.categoria_tienda as number[]).length === 0)).toBe(true);
    const full = await get<Json>(`${server.url}/wp-json/wp/v2/event/${site.items.event?.find(isPublic)?.id}`);
    expect(full.data).toHaveProperty('categoria_evento');
    expect(full.data).not.toHaveProperty('terms');
    expect(full.data).not.toHaveProperty('categoria_tienda');
  });

  it('answers at ?rest_route= on a site with plain permalinks', async () => {
    const res = await get<Json[]>(
      `${plain.url}/?rest_route=/wp/v2/categoria_evento&per_page=3&_fields=id,name`,
    );
    expect(res.status).toBe(200);
    expect(res.data).toHaveLength(3);
    expect(Number(res.headers['x-wp-total'])).toBe(taxonomyFor('event').terms.length);
  });
});
