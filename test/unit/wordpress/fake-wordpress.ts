/**
 * A tiny WordPress REST fake on 127.0.0.1 (node:http), speaking the shapes the client relies on:
 * `/wp-json/` and `?rest_route=/` index, `/wp/v2/types`, `/wp/v2/taxonomies`, collections with
 * `page`/`per_page`/`orderby=id`/`_fields`, X-WP-Total / X-WP-TotalPages, HTTP 400
 * `rest_post_invalid_page_number` past the last page of posts (terms answer `[]` there, as WordPress's
 * terms controller does), single items at `/wp/v2/<base>/<id>` (404 `rest_post_invalid_id` when absent),
 * `rest_no_route` 404s. Tests steer failures through `intercept`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WpItem, WpTerm } from '../../../functions/core/shared/types.js';

export interface RecordedRequest {
  url: string;
  /** REST route (`/wp/v2/stores`), whichever style was used; undefined for non-REST paths. */
  route: string | undefined;
  style: 'pretty' | 'query' | undefined;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** 1-based index among all requests the fake received. */
  index: number;
}

export type Intercept = (
  req: RecordedRequest,
  res: ServerResponse,
) => boolean | undefined | Promise<boolean | undefined>;

export interface FakeWordPressOptions {
  name?: string;
  /** Collections by REST base. */
  collections?: Record<string, WpItem[]>;
  /** Post types /wp/v2/types lists (defaults: post, page and one per collection). */
  types?: Record<string, { slug: string; rest_base: string; name: string; rest_namespace?: string }>;
  /** Term collections by taxonomy REST base. */
  terms?: Record<string, WpTerm[]>;
  /**
   * Taxonomies /wp/v2/taxonomies lists (defaults: category and post_tag for posts, and one per term
   * collection classifying every post type of `collections`).
   */
  taxonomies?: Record<string, FakeTaxonomy>;
  /** false: `/wp-json/…` answers an HTML 404 page, like a site on plain permalinks. */
  prettyPermalinks?: boolean;
  /** Delay before answering a collection page (to observe concurrency). */
  latencyMs?: number;
  /** A site that caps per_page below what is asked (a filter on the REST query). */
  maxPerPage?: number;
}

export interface FakeTaxonomy {
  slug: string;
  rest_base: string;
  name: string;
  types: string[];
  rest_namespace?: string;
}

export interface FakeWordPress {
  url: string;
  requests: RecordedRequest[];
  /** Collection requests only. */
  collectionRequests(restBase?: string): RecordedRequest[];
  collections: Record<string, WpItem[]>;
  /** Term collections by taxonomy REST base (live, like `collections`). */
  terms: Record<string, WpTerm[]>;
  /** Runs before the default routing; return true when it answered the request itself. */
  intercept: Intercept | undefined;
  /** Headers removed from collection responses (e.g. `x-wp-totalpages`). */
  dropHeaders: Set<string>;
  /** Headers replaced in collection responses (e.g. a garbled `X-WP-TotalPages`). */
  overrideHeaders: Record<string, string>;
  /** Highest number of collection requests being answered at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

export function makeItem(id: number, overrides: Partial<WpItem> = {}): WpItem {
  return {
    id,
    date_gmt: '2026-01-01T12:00:00',
    modified_gmt: `2026-02-01T12:${String(id % 60).padStart(2, '0')}:00`,
    slug: `item-${id}`,
    status: 'publish',
    type: 'stores',
    link: `http://mall.example/stores/item-${id}/`,
    title: { rendered: `Item ${id}` },
    content: { rendered: `<p>Content of ${id}</p>`, protected: false },
    excerpt: { rendered: `<p>Excerpt ${id}</p>`, protected: false },
    acf: { informacion_tienda: [{ info: { level: '1', local: String(id) } }] },
    author: 1,
    featured_media: 0,
    ...overrides,
  };
}

export const makeItems = (count: number, startId = 1, step = 1): WpItem[] =>
  Array.from({ length: count }, (_, i) => makeItem(startId + i * step));

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

function pick(item: { id: number }, fields: string[] | undefined): Record<string, unknown> {
  if (!fields) return item;
  return Object.fromEntries(Object.entries(item).filter(([key]) => fields.includes(key)));
}

/** The page WordPress would answer, or undefined when `page` is past the end. */
export function collectionPage<T extends { id: number }>(items: T[], page: number, perPage: number) {
  const sorted = [...items].sort((a, b) => a.id - b.id);
  const total = sorted.length;
  const totalPages = Math.ceil(total / perPage);
  if (page > totalPages && total > 0) return undefined;
  return { items: sorted.slice((page - 1) * perPage, page * perPage), total, totalPages };
}

export async function startFakeWordPress(options: FakeWordPressOptions = {}): Promise<FakeWordPress> {
  const pretty = options.prettyPermalinks ?? true;
  const collections: Record<string, WpItem[]> = { ...(options.collections ?? {}) };
  const types =
    options.types ??
    Object.fromEntries([
      ['post', { slug: 'post', rest_base: 'posts', name: 'Entradas', rest_namespace: 'wp/v2' }],
      ['page', { slug: 'page', rest_base: 'pages', name: 'Páginas', rest_namespace: 'wp/v2' }],
      ...Object.keys(collections).map((base) => [base, { slug: base, rest_base: base, name: base }]),
    ]);
  const terms: Record<string, WpTerm[]> = { ...(options.terms ?? {}) };
  const postTypes = Object.values(types as Record<string, { slug: string }>).map((t) => t.slug);
  const taxonomies: Record<string, FakeTaxonomy> = options.taxonomies ?? {
    category: { slug: 'category', rest_base: 'categories', name: 'Categorías', types: ['post'] },
    post_tag: { slug: 'post_tag', rest_base: 'tags', name: 'Etiquetas', types: ['post'] },
    ...Object.fromEntries(
      Object.keys(terms).map((base) => [
        base,
        {
          slug: base,
          rest_base: base,
          name: base,
          types: postTypes.filter((t) => t !== 'post' && t !== 'page'),
        },
      ]),
    ),
  };
  let inFlight = 0;

  const fake: FakeWordPress = {
    url: '',
    requests: [],
    collectionRequests: (restBase) =>
      fake.requests.filter((r) =>
        restBase
          ? r.route === `/wp/v2/${restBase}`
          : r.route?.startsWith('/wp/v2/') && r.route !== '/wp/v2/types' && r.route !== '/wp/v2/taxonomies',
      ),
    collections,
    terms,
    intercept: undefined,
    dropHeaders: new Set(),
    overrideHeaders: {},
    maxInFlight: 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let route: string | undefined;
    let style: RecordedRequest['style'];
    if (url.pathname.startsWith('/wp-json')) {
      route = url.pathname.slice('/wp-json'.length) || '/';
      style = 'pretty';
    } else if (url.pathname === '/' && url.searchParams.has('rest_route')) {
      route = url.searchParams.get('rest_route') || '/';
      style = 'query';
    }
    const recorded: RecordedRequest = {
      url: req.url ?? '/',
      route,
      style,
      query: url.searchParams,
      headers: req.headers,
      index: fake.requests.length + 1,
    };
    fake.requests.push(recorded);

    if (fake.intercept && (await fake.intercept(recorded, res))) return;

    if (route === undefined || (style === 'pretty' && !pretty)) {
      res.writeHead(404, { 'Content-Type': 'text/html; charset=UTF-8' });
      res.end('<!DOCTYPE html><html><body><h1>Página no encontrada</h1></body></html>');
      return;
    }
    const fields = url.searchParams.get('_fields')?.split(',');
    if (route === '/') {
      const index = {
        name: options.name ?? 'Mall Demo',
        description: 'Un mall',
        url: 'http://127.0.0.1',
        home: 'http://127.0.0.1',
        namespaces: ['oembed/1.0', 'wp/v2', 'wp-site-health/v1'],
        routes: { '/': {}, '/wp/v2/types': {} },
      };
      json(
        res,
        200,
        fields ? Object.fromEntries(Object.entries(index).filter(([k]) => fields.includes(k))) : index,
      );
      return;
    }
    if (route === '/wp/v2/types') {
      json(res, 200, types);
      return;
    }
    if (route === '/wp/v2/taxonomies') {
      json(res, 200, taxonomies);
      return;
    }
    // One item (`/wp/v2/<base>/<id>`): as WordPress answers an authenticated reader, whatever its status.
    const single = /^\/wp\/v2\/([\w-]+)\/(\d+)$/.exec(route);
    if (single && collections[single[1] ?? '']) {
      const item = collections[single[1] ?? '']?.find((i) => String(i.id) === single[2]);
      if (!item)
        json(res, 404, { code: 'rest_post_invalid_id', message: 'Invalid post ID.', data: { status: 404 } });
      else json(res, 200, pick(item, fields));
      return;
    }
    const taxonomy = Object.values(taxonomies).find(
      (t) => route === `/${t.rest_namespace ?? 'wp/v2'}/${t.rest_base}`,
    );
    const termList = taxonomy ? terms[taxonomy.rest_base] : undefined;
    const base = route.startsWith('/wp/v2/') ? route.slice('/wp/v2/'.length) : undefined;
    const items: { id: number }[] | undefined =
      termList ?? (base === undefined ? undefined : collections[base]);
    if (!items) {
      json(res, 404, { code: 'rest_no_route', message: 'No route was found', data: { status: 404 } });
      return;
    }
    const asked = Number(url.searchParams.get('per_page') ?? 10);
    const perPage = Math.min(asked, options.maxPerPage ?? asked);
    const page = Number(url.searchParams.get('page') ?? 1);
    if (!(perPage >= 1 && perPage <= 100)) {
      json(res, 400, {
        code: 'rest_invalid_param',
        message: 'Invalid parameter(s): per_page',
        data: { status: 400 },
      });
      return;
    }
    inFlight++;
    fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
    try {
      if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
      // Terms: a page past the end is an empty page (WP_REST_Terms_Controller has no such error).
      const result =
        collectionPage(items, page, perPage) ??
        (termList
          ? { items: [], total: items.length, totalPages: Math.ceil(items.length / perPage) }
          : undefined);
      if (!result) {
        json(res, 400, {
          code: 'rest_post_invalid_page_number',
          message: 'The page number requested is larger than the number of pages available.',
          data: { status: 400 },
        });
        return;
      }
      const headers: Record<string, string> = {
        'X-WP-Total': String(result.total),
        'X-WP-TotalPages': String(result.totalPages),
      };
      Object.assign(headers, fake.overrideHeaders);
      for (const name of Object.keys(headers))
        if (fake.dropHeaders.has(name.toLowerCase())) delete headers[name];
      json(
        res,
        200,
        result.items.map((item) => pick(item, fields)),
        headers,
      );
    } finally {
      inFlight--;
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
