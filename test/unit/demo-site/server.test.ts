import axios, { type AxiosResponse } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoSite } from '../../../functions/local/demo-site/generate.js';
import { type DemoSiteServer, startDemoSite } from '../../../functions/local/demo-site/server.js';
import { DEMO_PUBLIC_ORIGIN, type DemoItem, isPublic } from '../../../functions/local/demo-site/site.js';

type Json = Record<string, unknown>;

const http = axios.create({ validateStatus: () => true, responseType: 'json' });
const get = <T = unknown>(url: string): Promise<AxiosResponse<T>> => http.get<T>(url);

let pretty: DemoSiteServer;
let plain: DemoSiteServer;

beforeAll(async () => {
  pretty = await startDemoSite();
  plain = await startDemoSite({ prettyPermalinks: false, site: generateDemoSite({ scale: 0.2, seed: 3 }) });
});

afterAll(async () => {
  await pretty?.close();
  await plain?.close();
});

const publicOf = (server: DemoSiteServer, restBase: string): DemoItem[] =>
  (server.site.items[restBase] ?? []).filter(isPublic);

/** Reads a whole collection page by page, the way a careful client would. */
async function readAll(
  server: DemoSiteServer,
  restBase: string,
  perPage: number,
  mode: 'pretty' | 'plain' = 'pretty',
): Promise<{ ids: number[]; pages: number }> {
  const url = (page: number): string => {
    const query = `per_page=${perPage}&page=${page}&_fields=id`;
    return mode === 'pretty'
      ? `${server.url}/wp-json/wp/v2/${restBase}?${query}`
      : `${server.url}/?rest_route=/wp/v2/${restBase}&${query}`;
  };
  const first = await get<Json[]>(url(1));
  expect(first.status).toBe(200);
  const pages = Number(first.headers['x-wp-totalpages']);
  const ids = first.data.map((i) => Number(i.id));
  for (let page = 2; page <= pages; page++) {
    const next = await get<Json[]>(url(page));
    expect(next.status).toBe(200);
    ids.push(...next.data.map((i) => Number(i.id)));
  }
  return { ids, pages };
}

describe('demo site: discovery', () => {
  it('binds 127.0.0.1 on a free port', () => {
    expect(pretty.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(pretty.url).not.toBe(plain.url);
  });

  it('serves the REST index with the site name, the wp/v2 namespace and the type routes', async () => {
    const res = await get<Json>(`${pretty.url}/wp-json/`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(res.data.name).toBe(pretty.site.name);
    expect(res.data.description).toBe(pretty.site.description);
    expect(res.data.url).toBe(pretty.url);
    expect(res.data.namespaces).toContain('wp/v2');
    const routes = Object.keys(res.data.routes as Json);
    for (const type of pretty.site.types) expect(routes).toContain(`/wp/v2/${type.restBase}`);
  });

  it('lists post types keyed by slug, built-in ones included', async () => {
    const res = await get<Record<string, Json>>(`${pretty.url}/wp-json/wp/v2/types`);
    expect(res.status).toBe(200);
    for (const [slug, restBase] of [
      ['post', 'posts'],
      ['page', 'pages'],
      ['attachment', 'media'],
    ]) {
      expect(res.data[slug as string]).toMatchObject({ slug, rest_base: restBase });
    }
    for (const type of pretty.site.types) {
      expect(res.data[type.slug]).toMatchObject({
        slug: type.slug,
        name: type.name,
        rest_base: type.restBase,
      });
    }
  });

  it('answers an unknown route with 404 rest_no_route', async () => {
    const res = await get<Json>(`${pretty.url}/wp-json/wp/v2/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.data).toMatchObject({ code: 'rest_no_route', data: { status: 404 } });
  });
});

describe('demo site: collections', () => {
  it('reports totals in headers and pages through every public item exactly once', async () => {
    const expected = publicOf(pretty, 'stores').map((i) => i.id);
    const res = await get<Json[]>(`${pretty.url}/wp-json/wp/v2/stores?per_page=50`);
    expect(res.status).toBe(200);
    expect(Number(res.headers['x-wp-total'])).toBe(expected.length);
    expect(Number(res.headers['x-wp-totalpages'])).toBe(Math.ceil(expected.length / 50));
    expect(res.data).toHaveLength(50);
    expect(res.headers.link).toContain('rel="next"');

    const { ids, pages } = await readAll(pretty, 'stores', 50);
    expect(pages).toBeGreaterThan(1);
    expect(ids).toHaveLength(expected.length);
    expect(new Set(ids)).toEqual(new Set(expected));
  });

  it('defaults to 10 items per page, newest first', async () => {
    const res = await get<Json[]>(`${pretty.url}/wp-json/wp/v2/event`);
    expect(res.data).toHaveLength(10);
    const dates = res.data.map((i) => String(i.date_gmt));
    expect(dates).toEqual([...dates].sort().reverse());
    const newest = publicOf(pretty, 'event').reduce((a, b) => (b.date_gmt > a.date_gmt ? b : a));
    expect(res.data[0]?.date_gmt).toBe(newest.date_gmt);
  });

  it('orders by id, date or modified, ascending or descending', async () => {
    for (const [orderby, key] of [
      ['id', 'id'],
      ['date', 'date_gmt'],
      ['modified', 'modified_gmt'],
    ] as const) {
      const asc = await get<Json[]>(
        `${pretty.url}/wp-json/wp/v2/restaurant?per_page=100&orderby=${orderby}&order=asc`,
      );
      const values = asc.data.map((i) => i[key] as string | number);
      expect(values).toEqual([...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      const desc = await get<Json[]>(
        `${pretty.url}/wp-json/wp/v2/restaurant?per_page=100&orderby=${orderby}&order=desc`,
      );
      expect(desc.data.map((i) => i.id)).not.toEqual(asc.data.map((i) => i.id));
    }
  });

  it('answers a page past the end with WordPress’s 400', async () => {
    const total = publicOf(pretty, 'stores').length;
    const res = await get<Json>(
      `${pretty.url}/wp-json/wp/v2/stores?per_page=100&page=${Math.ceil(total / 100) + 1}`,
    );
    expect(res.status).toBe(400);
    expect(res.data).toEqual({
      code: 'rest_post_invalid_page_number',
      message: 'The page number requested is larger than the number of pages available.',
      data: { status: 400 },
    });
  });

  it('answers an empty collection with [] and zero totals', async () => {
    const res = await get<Json[]>(`${pretty.url}/wp-json/wp/v2/posts`);
    expect(res.status).toBe(200);
    expect(res.data).toEqual([]);
    expect(res.headers['x-wp-total']).toBe('0');
    expect(res.headers['x-wp-totalpages']).toBe('0');
  });

  it.each(['0', '101', 'abc', '-5'])('rejects per_page=%s with 400 rest_invalid_param', async (perPage) => {
    const res = await get<Json>(`${pretty.url}/wp-json/wp/v2/stores?per_page=${perPage}`);
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({
      code: 'rest_invalid_param',
      data: { status: 400, params: { per_page: expect.any(String) } },
    });
  });

  it('keeps only items modified (modified_after) or published (after) later than an instant, as WordPress ≥ 5.7', async () => {
    const stores = publicOf(pretty, 'stores');
    const dates = stores.map((item) => item.modified_gmt).sort();
    const since = dates[Math.floor(dates.length / 2)] ?? '';
    const later = (field: 'modified_gmt' | 'date_gmt', instant: string) =>
      stores.filter((item) => Date.parse(`${item[field]}Z`) > Date.parse(`${instant}Z`)).length;
    const modified = await get<Json[]>(
      `${pretty.url}/wp-json/wp/v2/stores?per_page=100&_fields=id&modified_after=${since}Z`,
    );
    expect(modified.status).toBe(200);
    expect(Number(modified.headers['x-wp-total'])).toBe(later('modified_gmt', since));
    expect(Number(modified.headers['x-wp-total'])).toBeLessThan(stores.length);
    const published = await get<Json[]>(
      `${pretty.url}/wp-json/wp/v2/stores?per_page=100&_fields=id&after=${encodeURIComponent(`${since}+00:00`)}`,
    );
    expect(Number(published.headers['x-wp-total'])).toBe(later('date_gmt', since));
    const invalid = await get<Json>(`${pretty.url}/wp-json/wp/v2/stores?modified_after=yesterday`);
    expect(invalid.status).toBe(400);
    expect(invalid.data).toMatchObject({
      code: 'rest_invalid_param',
      data: { details: { modified_after: { code: 'rest_invalid_date' } } },
    });
  });

  it('never lists drafts, private, pending or scheduled items, and refuses to without auth', async () => {
    for (const type of pretty.site.types) {
      const hidden = (pretty.site.items[type.restBase] ?? []).filter((i) => !isPublic(i)).map((i) => i.id);
      expect(hidden.length).toBeGreaterThan(0);
      const { ids } = await readAll(pretty, type.restBase, 100);
      for (const id of hidden) expect(ids).not.toContain(id);
      const single = await get<Json>(`${pretty.url}/wp-json/wp/v2/${type.restBase}/${hidden[0]}`);
      expect(single.status).toBe(401);
    }
    for (const status of ['draft', 'private', 'any', 'publish,draft']) {
      const res = await get<Json>(`${pretty.url}/wp-json/wp/v2/stores?status=${status}`);
      expect(res.status, status).toBe(400);
      expect(res.data).toMatchObject({
        code: 'rest_invalid_param',
        data: { params: { status: 'Status is forbidden.' } },
      });
    }
    const ok = await get<Json[]>(`${pretty.url}/wp-json/wp/v2/stores?status=publish&per_page=1`);
    expect(ok.status).toBe(200);
  });

  it('lists a password-protected item with its content withheld', async () => {
    const { ids } = await readAll(pretty, 'restaurant', 100);
    const res = await get<Json[]>(`${pretty.url}/wp-json/wp/v2/restaurant?per_page=100&_fields=id,content`);
    const locked = res.data.filter((i) => (i.content as Json).protected === true);
    expect(locked.length).toBeGreaterThan(0);
    for (const item of locked) {
      expect(ids).toContain(item.id);
      expect((item.content as Json).rendered).toBe('');
    }
  });
});

describe('demo site: _fields', () => {
  it('keeps only the requested top-level fields', async () => {
    const res = await get<Json[]>(
      `${pretty.url}/wp-json/wp/v2/stores?per_page=5&_fields=id,slug,modified_gmt`,
    );
    for (const item of res.data) expect(Object.keys(item).sort()).toEqual(['id', 'modified_gmt', 'slug']);
  });

  it('keeps dotted sub-fields only', async () => {
    const res = await get<Json[]>(
      `${pretty.url}/wp-json/wp/v2/event?per_page=5&_fields=id,title.rendered,content.protected`,
    );
    for (const item of res.data) {
      expect(Object.keys(item).sort()).toEqual(['content', 'id', 'title']);
      expect(Object.keys(item.title as Json)).toEqual(['rendered']);
      expect(Object.keys(item.content as Json)).toEqual(['protected']);
    }
  });

  it('accepts the array form and keeps acf: false as it is', async () => {
    const res = await get<Json[]>(
      `${pretty.url}/wp-json/wp/v2/stores?per_page=100&_fields[]=id&_fields[]=acf.informacion_tienda`,
    );
    const falseAcf = publicOf(pretty, 'stores')
      .filter((i) => i.acf === false)
      .map((i) => i.id);
    expect(falseAcf.length).toBeGreaterThan(0);
    const { ids } = await readAll(pretty, 'stores', 100);
    expect(ids).toContain(falseAcf[0]);
    for (const item of res.data) {
      expect(Object.keys(item).sort()).toEqual(['acf', 'id']);
      if (falseAcf.includes(item.id as number)) expect(item.acf).toBe(false);
    }
  });

  it('keeps item links on the public origin (port-independent documents) and serves them as pages', async () => {
    const res = await get<Json[]>(`${pretty.url}/wp-json/wp/v2/stores?per_page=3&_fields=id,link`);
    for (const item of res.data) {
      expect(String(item.link).startsWith(`${DEMO_PUBLIC_ORIGIN}/`)).toBe(true);
      const page = await http.get<string>(`${pretty.url}${new URL(String(item.link)).pathname}`, {
        responseType: 'text',
      });
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
    }
  });
});

describe('demo site: plain permalinks', () => {
  it('has no /wp-json/ and answers at ?rest_route=', async () => {
    const html = await http.get<string>(`${plain.url}/wp-json/`, { responseType: 'text' });
    expect(html.status).toBe(404);
    expect(html.headers['content-type']).toContain('text/html');
    const home = await http.get<string>(`${plain.url}/`, { responseType: 'text' });
    expect(home.headers.link).toContain('rest_route=/');

    const index = await get<Json>(`${plain.url}/?rest_route=/`);
    expect(index.status).toBe(200);
    expect(index.data.name).toBe(plain.site.name);
    const types = await get<Record<string, Json>>(`${plain.url}/?rest_route=/wp/v2/types`);
    expect(types.data.stores).toMatchObject({ rest_base: 'stores' });
  });

  it('pages through a collection via rest_route with next links in the same mode', async () => {
    const expected = publicOf(plain, 'event').map((i) => i.id);
    const first = await get<Json[]>(`${plain.url}/?rest_route=/wp/v2/event&per_page=4&_fields=id,link`);
    expect(Number(first.headers['x-wp-total'])).toBe(expected.length);
    expect(first.headers.link).toMatch(/rest_route=\/wp\/v2\/event&[^>]*page=2/);
    expect(String(first.data[0]?.link)).toMatch(
      new RegExp(`^${DEMO_PUBLIC_ORIGIN.replaceAll('.', '\\.')}/\\?event=`),
    );
    const { ids } = await readAll(plain, 'event', 4, 'plain');
    expect(new Set(ids)).toEqual(new Set(expected));
  });

  it('accepts rest_route on a pretty-permalink site too', async () => {
    const res = await get<Json[]>(`${pretty.url}/?rest_route=/wp/v2/stores&per_page=2`);
    expect(res.status).toBe(200);
    expect(res.data).toHaveLength(2);
  });
});

describe('demo site: live data and counters', () => {
  it('reflects items pushed, edited and removed after start', async () => {
    const site = generateDemoSite({ scale: 0.1, seed: 11 });
    const server = await startDemoSite({ site });
    try {
      const url = `${server.url}/wp-json/wp/v2/stores?per_page=100&_fields=id,title.rendered`;
      const before = await get<Json[]>(url);
      const stores = site.items.stores ?? [];
      const template = stores.find(isPublic) as DemoItem;
      stores.push({ ...template, id: 999_999, slug: 'nueva-tienda', title: { rendered: 'Nueva tienda' } });
      template.title = { rendered: 'Título editado' };
      const after = await get<Json[]>(url);
      expect(Number(after.headers['x-wp-total'])).toBe(Number(before.headers['x-wp-total']) + 1);
      expect(after.data.find((i) => i.id === 999_999)).toEqual({
        id: 999_999,
        title: { rendered: 'Nueva tienda' },
      });
      expect(after.data.find((i) => i.id === template.id)).toEqual({
        id: template.id,
        title: { rendered: 'Título editado' },
      });

      stores.splice(stores.indexOf(template), 1);
      const removed = await get<Json[]>(url);
      expect(removed.data.map((i) => i.id)).not.toContain(template.id);
      expect(Number(removed.headers['x-wp-total'])).toBe(Number(before.headers['x-wp-total']));

      const seen = server.requests();
      await get(`${server.url}/wp-json/`);
      expect(server.requests()).toBe(seen + 1);
    } finally {
      await server.close();
    }
  });

  it('refuses to bind anything but loopback', async () => {
    await expect(startDemoSite({ host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/127\.0\.0\.1/);
  });
});
