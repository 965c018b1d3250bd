/**
 * The demo WordPress site: a small node:http server that speaks the WordPress 6.x REST API (index,
 * types, taxonomies, collections of items and of terms with pagination, ordering, `_fields`, the errors
 * WordPress returns) over the fixture data, on loopback only. `npm start`, the benchmark and tests use it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateDemoSite } from './generate.js';
import {
  DEMO_ORIGIN,
  DEMO_PUBLIC_ORIGIN,
  type DemoItem,
  type DemoSite,
  type DemoTaxonomy,
  type DemoTerm,
  isPublic,
} from './site.js';

export interface StartDemoSiteOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback only. */
  host?: '127.0.0.1';
  /** Delay added to every request, as a remote site would. */
  latencyMs?: number;
  /** Scale of the generated site (ignored when `site` is given). */
  scale?: number;
  /** Serve this site instead of generating one; it stays live (mutations show in responses). */
  site?: DemoSite;
  /** true (default): `/wp-json/…`; false: plain permalinks, the API only at `/?rest_route=…`. */
  prettyPermalinks?: boolean;
}

export interface DemoSiteServer {
  /** Base URL of the site, no trailing slash: `http://127.0.0.1:PORT`. */
  url: string;
  site: DemoSite;
  /** HTTP requests received so far. */
  requests: () => number;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

interface RestResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Link header values (prev/next); the API root link is added to every response. */
  links?: string[];
}

class RestError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    readonly extra: Json = {},
  ) {}
  toResponse(): RestResponse {
    return {
      status: this.status,
      body: { code: this.code, message: this.message, data: { status: this.status, ...this.extra } },
    };
  }
}

const noRoute = (): RestError =>
  new RestError(404, 'rest_no_route', 'No route was found matching the URL and request method.');

/** WordPress's wp_sprintf_l: "a, b, and c". */
function listing(values: readonly string[]): string {
  if (values.length <= 2) return values.join(' and ');
  return `${values.slice(0, -1).join(', ')}, and ${values.at(-1)}`;
}

const POST_STATI = [
  'publish',
  'future',
  'draft',
  'pending',
  'private',
  'trash',
  'auto-draft',
  'inherit',
  'request-pending',
  'request-confirmed',
  'request-failed',
  'request-completed',
];
const ORDERBY = [
  'author',
  'date',
  'id',
  'include',
  'modified',
  'parent',
  'relevance',
  'slug',
  'include_slugs',
  'title',
];
const BUILTIN_TYPES = [
  { slug: 'post', restBase: 'posts', name: 'Entradas' },
  { slug: 'page', restBase: 'pages', name: 'Páginas' },
  { slug: 'attachment', restBase: 'media', name: 'Medios' },
];

/** WordPress's own taxonomies, for posts only: their collections are served too. */
const BUILTIN_TAXONOMIES: DemoTaxonomy[] = [
  {
    slug: 'category',
    restBase: 'categories',
    name: 'Categorías',
    types: ['post'],
    hierarchical: true,
    terms: [{ id: 1, name: 'Sin categoría', slug: 'sin-categoria', parent: 0, description: '' }],
  },
  { slug: 'post_tag', restBase: 'tags', name: 'Etiquetas', types: ['post'], hierarchical: false, terms: [] },
];
const TERM_ORDERBY = ['id', 'include', 'name', 'slug', 'include_slugs', 'term_group', 'description', 'count'];

/** Query parameters as WordPress reads them: `a=1,2` or `a[]=1&a[]=2`. */
class Params {
  constructor(readonly search: URLSearchParams) {}
  has(name: string): boolean {
    return this.search.has(name) || this.search.has(`${name}[]`);
  }
  /** The scalar value; undefined when absent, null when sent as an array. */
  scalar(name: string): string | null | undefined {
    if (this.search.has(`${name}[]`)) return null;
    return this.search.get(name) ?? undefined;
  }
  list(name: string): string[] {
    return [...this.search.getAll(name), ...this.search.getAll(`${name}[]`)]
      .flatMap((v) => v.split(/[,\s]+/))
      .filter((v) => v !== '');
  }
}

/** Collects invalid parameters the way WP_REST_Request reports them (all at once). */
class Invalid {
  readonly params: Record<string, string> = {};
  readonly details: Record<string, Json> = {};
  add(name: string, code: string, message: string, data: unknown = null): void {
    this.params[name] = message;
    this.details[name] = { code, message, data };
  }
  throwIfAny(): void {
    const names = Object.keys(this.params);
    if (names.length === 0) return;
    throw new RestError(400, 'rest_invalid_param', `Invalid parameter(s): ${names.join(', ')}`, {
      params: this.params,
      details: this.details,
    });
  }
}

function integerParam(
  params: Params,
  invalid: Invalid,
  name: string,
  fallback: number,
  min: number,
  max?: number,
): number {
  if (!params.has(name)) return fallback;
  const raw = params.scalar(name);
  if (raw == null || !/^\s*-?\d+\s*$/.test(raw)) {
    invalid.add(name, 'rest_invalid_type', `${name} is not of type integer.`, { param: name });
    return fallback;
  }
  const value = Number(raw);
  if (value < min || (max !== undefined && value > max)) {
    const message =
      max === undefined
        ? `${name} must be greater than or equal to ${min}`
        : `${name} must be between ${min} (inclusive) and ${max} (inclusive)`;
    invalid.add(name, 'rest_out_of_bounds', message);
    return fallback;
  }
  return value;
}

function booleanParam(params: Params, invalid: Invalid, name: string, fallback: boolean): boolean {
  if (!params.has(name)) return fallback;
  const raw = params.scalar(name);
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0' || raw === '') return false;
  invalid.add(name, 'rest_invalid_type', `${name} is not of type boolean.`, { param: name });
  return fallback;
}

function enumParam(
  params: Params,
  invalid: Invalid,
  name: string,
  allowed: readonly string[],
  fallback: string,
): string {
  if (!params.has(name)) return fallback;
  const raw = params.scalar(name);
  if (raw == null || !allowed.includes(raw)) {
    invalid.add(name, 'rest_not_in_enum', `${name} is not one of ${listing(allowed)}.`, { param: name });
    return fallback;
  }
  return raw;
}

/** rest_filter_response_fields: keeps requested top-level and dotted fields. */
function fieldTree(fields: readonly string[]): Json {
  const tree: Json = {};
  outer: for (const field of fields) {
    const parts = field.split('.');
    let ref = tree;
    while (parts.length > 1) {
      const next = parts.shift() as string;
      if (ref[next] === true) continue outer;
      if (typeof ref[next] !== 'object' || ref[next] === null) ref[next] = {};
      ref = ref[next] as Json;
    }
    ref[parts[0] as string] = true;
  }
  return tree;
}

function pickFields(value: Json, tree: Json): Json {
  const out: Json = {};
  for (const [key, want] of Object.entries(tree)) {
    if (!(key in value)) continue;
    const inner = value[key];
    const isContainer = typeof inner === 'object' && inner !== null;
    out[key] = want !== true && isContainer ? pickFields(inner as Json, want as Json) : inner;
  }
  return out;
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function sortItems(items: DemoItem[], orderby: string, order: string): DemoItem[] {
  const key = (item: DemoItem): string | number => {
    switch (orderby) {
      case 'id':
        return item.id;
      case 'modified':
        return item.modified_gmt;
      case 'slug':
        return item.slug;
      case 'title':
        return item.title.rendered;
      default:
        return item.date_gmt;
    }
  };
  const sign = order === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const primary =
      typeof ka === 'number' && typeof kb === 'number' ? ka - kb : compareStrings(String(ka), String(kb));
    return sign * (primary || a.id - b.id);
  });
}

interface Context {
  site: DemoSite;
  url: string;
  pretty: boolean;
}

function restUrl(ctx: Context, route: string, query?: URLSearchParams): string {
  const qs = query?.toString();
  if (ctx.pretty) return `${ctx.url}/wp-json${route}${qs ? `?${qs}` : ''}`;
  return `${ctx.url}/index.php?rest_route=${route}${qs ? `&${qs}` : ''}`;
}

function allTypes(site: DemoSite) {
  return [...BUILTIN_TYPES, ...site.types.filter((t) => !BUILTIN_TYPES.some((b) => b.slug === t.slug))];
}

function allTaxonomies(site: DemoSite): DemoTaxonomy[] {
  return [
    ...BUILTIN_TAXONOMIES,
    ...site.taxonomies.filter((t) => !BUILTIN_TAXONOMIES.some((b) => b.slug === t.slug)),
  ];
}

function typeObject(ctx: Context, type: { slug: string; restBase: string; name: string }): Json {
  return {
    description: '',
    hierarchical: type.slug === 'page',
    has_archive: type.slug !== 'page' && type.slug !== 'attachment',
    name: type.name,
    slug: type.slug,
    icon: null,
    taxonomies: allTaxonomies(ctx.site)
      .filter((taxonomy) => taxonomy.types.includes(type.slug))
      .map((taxonomy) => taxonomy.slug),
    rest_base: type.restBase,
    rest_namespace: 'wp/v2',
    _links: {
      collection: [{ href: restUrl(ctx, '/wp/v2/types') }],
      'wp:items': [{ href: restUrl(ctx, `/wp/v2/${type.restBase}`) }],
      curies: [{ name: 'wp', href: 'https://api.w.org/{rel}', templated: true }],
    },
  };
}

function routeEntry(ctx: Context, route: string, withLink: boolean): Json {
  return {
    namespace: route === '/' ? '' : 'wp/v2',
    methods: ['GET'],
    endpoints: [{ methods: ['GET'], args: {} }],
    ...(withLink ? { _links: { self: [{ href: restUrl(ctx, route) }] } } : {}),
  };
}

function routes(ctx: Context): Json {
  const out: Json = {
    '/': routeEntry(ctx, '/', true),
    '/wp/v2': routeEntry(ctx, '/wp/v2', true),
    '/wp/v2/types': routeEntry(ctx, '/wp/v2/types', true),
    '/wp/v2/types/(?P<type>[\\w-]+)': routeEntry(ctx, '', false),
  };
  for (const type of allTypes(ctx.site)) {
    out[`/wp/v2/${type.restBase}`] = routeEntry(ctx, `/wp/v2/${type.restBase}`, true);
    out[`/wp/v2/${type.restBase}/(?P<id>[\\d]+)`] = routeEntry(ctx, '', false);
  }
  out['/wp/v2/taxonomies'] = routeEntry(ctx, '/wp/v2/taxonomies', true);
  out['/wp/v2/taxonomies/(?P<taxonomy>[\\w-]+)'] = routeEntry(ctx, '', false);
  for (const taxonomy of allTaxonomies(ctx.site)) {
    out[`/wp/v2/${taxonomy.restBase}`] = routeEntry(ctx, `/wp/v2/${taxonomy.restBase}`, true);
    out[`/wp/v2/${taxonomy.restBase}/(?P<id>[\\d]+)`] = routeEntry(ctx, '', false);
  }
  return out;
}

function index(ctx: Context): Json {
  return {
    name: ctx.site.name,
    description: ctx.site.description,
    url: ctx.url,
    home: ctx.url,
    gmt_offset: '-3',
    timezone_string: 'America/Santiago',
    page_for_posts: 0,
    page_on_front: 0,
    show_on_front: 'posts',
    namespaces: ['oembed/1.0', 'acf/v3', 'wp/v2', 'wp-site-health/v1', 'wp-block-editor/v1'],
    authentication: {
      'application-passwords': {
        endpoints: { authorization: `${ctx.url}/wp-admin/authorize-application.php` },
      },
    },
    routes: routes(ctx),
    site_logo: 0,
    site_icon: 0,
    site_icon_url: '',
    _links: { help: [{ href: 'https://developer.wordpress.org/rest-api/' }] },
  };
}

/** An item as the API shows it at this address. */
function present(ctx: Context, item: DemoItem, restBase: string, tree: Json | undefined): Json {
  const link = ctx.pretty ? item.link : `${DEMO_PUBLIC_ORIGIN}/?${item.type}=${item.slug}`;
  // Term ids go out as one field per taxonomy of the type, under its REST base, before `acf`.
  const { terms, acf, ...fields } = item;
  const taxonomyFields = Object.fromEntries(
    allTaxonomies(ctx.site)
      .filter((taxonomy) => taxonomy.types.includes(item.type))
      .map((taxonomy) => [taxonomy.restBase, terms[taxonomy.restBase] ?? []]),
  );
  const full: Json = { ...fields, link, ...taxonomyFields, acf };
  if (!tree || '_links' in tree) {
    full._links = {
      self: [{ href: restUrl(ctx, `/wp/v2/${restBase}/${item.id}`) }],
      collection: [{ href: restUrl(ctx, `/wp/v2/${restBase}`) }],
      about: [{ href: restUrl(ctx, `/wp/v2/types/${item.type}`) }],
    };
  }
  return tree ? pickFields(full, tree) : full;
}

function collection(ctx: Context, restBase: string, params: Params): RestResponse {
  const invalid = new Invalid();
  const contextParam = enumParam(params, invalid, 'context', ['view', 'embed', 'edit'], 'view');
  const page = integerParam(params, invalid, 'page', 1, 1);
  const perPage = integerParam(params, invalid, 'per_page', 10, 1, 100);
  const order = enumParam(params, invalid, 'order', ['asc', 'desc'], 'desc');
  const orderby = enumParam(params, invalid, 'orderby', ORDERBY, 'date');
  if (params.has('status')) {
    const statuses = params.list('status');
    const unknown = statuses.findIndex((s) => s !== 'any' && !POST_STATI.includes(s));
    if (unknown >= 0) {
      invalid.add(
        'status',
        'rest_not_in_enum',
        `status[${unknown}] is not one of ${listing([...POST_STATI, 'any'])}.`,
        { param: `status[${unknown}]` },
      );
    } else if (statuses.some((s) => s !== 'publish')) {
      invalid.add('status', 'rest_forbidden_status', 'Status is forbidden.', { status: 401 });
    }
  }
  invalid.throwIfAny();
  if (contextParam === 'edit') {
    throw new RestError(
      401,
      'rest_forbidden_context',
      'Sorry, you are not allowed to edit posts in this post type.',
    );
  }
  if (orderby === 'relevance' && !params.has('search')) {
    throw new RestError(
      400,
      'rest_no_search_term_defined',
      'You need to define a search term to order by relevance.',
    );
  }
  if (orderby === 'include' && !params.has('include')) {
    throw new RestError(
      400,
      'rest_orderby_include_missing_include',
      'You need to define an include parameter to order by include.',
    );
  }

  const listed = (ctx.site.items[restBase] ?? []).filter(isPublic);
  const total = listed.length;
  const totalPages = Math.ceil(total / perPage);
  if (page > totalPages && total > 0) {
    throw new RestError(
      400,
      'rest_post_invalid_page_number',
      'The page number requested is larger than the number of pages available.',
    );
  }
  const fields = params.list('_fields');
  const tree = fields.length ? fieldTree(fields) : undefined;
  const slice = sortItems(listed, orderby, order).slice((page - 1) * perPage, page * perPage);
  const body = slice.map((item) => present(ctx, item, restBase, tree));

  const headers: Record<string, string> = {
    'X-WP-Total': String(total),
    'X-WP-TotalPages': String(totalPages),
  };
  const links: string[] = [];
  const linkTo = (target: number): string => {
    const query = new URLSearchParams(params.search);
    query.set('page', String(target));
    return restUrl(ctx, `/wp/v2/${restBase}`, query);
  };
  if (page > 1 && totalPages > 0) links.push(`<${linkTo(Math.min(page - 1, totalPages))}>; rel="prev"`);
  if (page < totalPages) links.push(`<${linkTo(page + 1)}>; rel="next"`);
  return { status: 200, body, headers, links };
}

function taxonomyObject(ctx: Context, taxonomy: DemoTaxonomy): Json {
  return {
    name: taxonomy.name,
    slug: taxonomy.slug,
    description: '',
    types: taxonomy.types,
    hierarchical: taxonomy.hierarchical,
    rest_base: taxonomy.restBase,
    rest_namespace: 'wp/v2',
    _links: {
      collection: [{ href: restUrl(ctx, '/wp/v2/taxonomies') }],
      'wp:items': [{ href: restUrl(ctx, `/wp/v2/${taxonomy.restBase}`) }],
      curies: [{ name: 'wp', href: 'https://api.w.org/{rel}', templated: true }],
    },
  };
}

/** `/wp/v2/taxonomies`: an object keyed by taxonomy slug; `?type=` keeps those of one post type. */
function taxonomies(ctx: Context, params: Params): RestResponse {
  const type = params.scalar('type');
  const listed = allTaxonomies(ctx.site).filter((t) => !type || t.types.includes(type));
  return { status: 200, body: Object.fromEntries(listed.map((t) => [t.slug, taxonomyObject(ctx, t)])) };
}

/** Public items of the taxonomy's types carrying the term: WordPress's `count`. */
function termCount(ctx: Context, taxonomy: DemoTaxonomy, term: DemoTerm): number {
  let count = 0;
  for (const type of allTypes(ctx.site)) {
    if (!taxonomy.types.includes(type.slug)) continue;
    for (const item of ctx.site.items[type.restBase] ?? []) {
      if (isPublic(item) && item.terms[taxonomy.restBase]?.includes(term.id)) count++;
    }
  }
  return count;
}

/** A term as the API shows it (view context). */
function presentTerm(ctx: Context, taxonomy: DemoTaxonomy, term: DemoTerm, count: number, tree?: Json): Json {
  const full: Json = {
    id: term.id,
    count,
    description: term.description,
    link: ctx.pretty
      ? `${DEMO_PUBLIC_ORIGIN}/${taxonomy.slug}/${term.slug}/`
      : `${DEMO_PUBLIC_ORIGIN}/?${taxonomy.slug}=${term.slug}`,
    name: term.name,
    slug: term.slug,
    taxonomy: taxonomy.slug,
    ...(taxonomy.hierarchical ? { parent: term.parent } : {}),
    meta: [],
  };
  if (!tree || '_links' in tree) {
    full._links = {
      self: [{ href: restUrl(ctx, `/wp/v2/${taxonomy.restBase}/${term.id}`) }],
      collection: [{ href: restUrl(ctx, `/wp/v2/${taxonomy.restBase}`) }],
      about: [{ href: restUrl(ctx, `/wp/v2/taxonomies/${taxonomy.slug}`) }],
    };
  }
  return tree ? pickFields(full, tree) : full;
}

/**
 * A taxonomy's terms, as WP_REST_Terms_Controller answers: ordered by name unless asked otherwise,
 * `hide_empty` false by default, and — unlike posts — a page past the end is an empty list, not an error.
 */
function termCollection(ctx: Context, taxonomy: DemoTaxonomy, params: Params): RestResponse {
  const invalid = new Invalid();
  const contextParam = enumParam(params, invalid, 'context', ['view', 'embed', 'edit'], 'view');
  const page = integerParam(params, invalid, 'page', 1, 1);
  const perPage = integerParam(params, invalid, 'per_page', 10, 1, 100);
  const order = enumParam(params, invalid, 'order', ['asc', 'desc'], 'asc');
  const orderby = enumParam(params, invalid, 'orderby', TERM_ORDERBY, 'name');
  const hideEmpty = booleanParam(params, invalid, 'hide_empty', false);
  const parent = taxonomy.hierarchical ? integerParam(params, invalid, 'parent', -1, 0) : -1;
  const post = integerParam(params, invalid, 'post', 0, 0);
  invalid.throwIfAny();
  if (contextParam === 'edit') {
    throw new RestError(
      401,
      'rest_forbidden_context',
      'Sorry, you are not allowed to edit terms in this taxonomy.',
    );
  }
  let terms = taxonomy.terms.map((term) => ({ term, count: termCount(ctx, taxonomy, term) }));
  if (hideEmpty) terms = terms.filter((t) => t.count > 0);
  if (parent >= 0) terms = terms.filter((t) => t.term.parent === parent);
  if (post > 0) {
    const item = Object.values(ctx.site.items)
      .flat()
      .find((i) => i.id === post);
    if (!item) throw new RestError(400, 'rest_post_invalid_id', 'Invalid post ID.');
    terms = terms.filter((t) => item.terms[taxonomy.restBase]?.includes(t.term.id));
  }
  const key = (t: { term: DemoTerm; count: number }): string | number =>
    orderby === 'name'
      ? t.term.name
      : orderby === 'slug'
        ? t.term.slug
        : orderby === 'description'
          ? t.term.description
          : orderby === 'count'
            ? t.count
            : t.term.id;
  const sign = order === 'asc' ? 1 : -1;
  terms.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const primary =
      typeof ka === 'number' && typeof kb === 'number' ? ka - kb : compareStrings(String(ka), String(kb));
    return sign * (primary || a.term.id - b.term.id);
  });
  const total = terms.length;
  const totalPages = Math.ceil(total / perPage);
  const fields = params.list('_fields');
  const tree = fields.length ? fieldTree(fields) : undefined;
  const body = terms
    .slice((page - 1) * perPage, page * perPage)
    .map((t) => presentTerm(ctx, taxonomy, t.term, t.count, tree));
  const links: string[] = [];
  const linkTo = (target: number): string => {
    const query = new URLSearchParams(params.search);
    query.set('page', String(target));
    return restUrl(ctx, `/wp/v2/${taxonomy.restBase}`, query);
  };
  if (page > 1) links.push(`<${linkTo(Math.min(page - 1, Math.max(totalPages, 1)))}>; rel="prev"`);
  if (page < totalPages) links.push(`<${linkTo(page + 1)}>; rel="next"`);
  return {
    status: 200,
    body,
    headers: { 'X-WP-Total': String(total), 'X-WP-TotalPages': String(totalPages) },
    links,
  };
}

function singleTerm(ctx: Context, taxonomy: DemoTaxonomy, idText: string): RestResponse {
  const term = taxonomy.terms.find((t) => String(t.id) === idText);
  if (!term) throw new RestError(404, 'rest_term_invalid', 'Term does not exist.');
  return { status: 200, body: presentTerm(ctx, taxonomy, term, termCount(ctx, taxonomy, term)) };
}

function single(ctx: Context, restBase: string, idText: string): RestResponse {
  const item = (ctx.site.items[restBase] ?? []).find((i) => String(i.id) === idText);
  if (!item) throw new RestError(404, 'rest_post_invalid_id', 'Invalid post ID.');
  if (!isPublic(item)) throw new RestError(401, 'rest_forbidden', 'Sorry, you are not allowed to do that.');
  return { status: 200, body: present(ctx, item, restBase, undefined) };
}

function dispatch(ctx: Context, method: string, route: string, params: Params): RestResponse {
  const path = route.length > 1 ? route.replace(/\/+$/, '') : route;
  if (method !== 'GET' && method !== 'HEAD') {
    if (method === 'POST' && allTypes(ctx.site).some((t) => path === `/wp/v2/${t.restBase}`)) {
      throw new RestError(
        401,
        'rest_cannot_create',
        'Sorry, you are not allowed to create posts as this user.',
      );
    }
    if (method === 'POST' && allTaxonomies(ctx.site).some((t) => path === `/wp/v2/${t.restBase}`)) {
      throw new RestError(
        401,
        'rest_cannot_create',
        'Sorry, you are not allowed to create terms in this taxonomy.',
      );
    }
    throw noRoute();
  }
  if (path === '/' || path === '') return { status: 200, body: index(ctx) };
  if (path === '/wp/v2') {
    return {
      status: 200,
      body: { namespace: 'wp/v2', routes: routes(ctx), _links: { up: [{ href: restUrl(ctx, '/') }] } },
    };
  }
  if (path === '/wp/v2/types') {
    return {
      status: 200,
      body: Object.fromEntries(allTypes(ctx.site).map((t) => [t.slug, typeObject(ctx, t)])),
    };
  }
  const typeMatch = /^\/wp\/v2\/types\/([\w-]+)$/.exec(path);
  if (typeMatch) {
    const type = allTypes(ctx.site).find((t) => t.slug === typeMatch[1]);
    if (!type) throw new RestError(404, 'rest_type_invalid', 'Invalid post type.');
    return { status: 200, body: typeObject(ctx, type) };
  }
  if (path === '/wp/v2/taxonomies') return taxonomies(ctx, params);
  const taxonomyMatch = /^\/wp\/v2\/taxonomies\/([\w-]+)$/.exec(path);
  if (taxonomyMatch) {
    const taxonomy = allTaxonomies(ctx.site).find((t) => t.slug === taxonomyMatch[1]);
    if (!taxonomy) throw new RestError(404, 'rest_taxonomy_invalid', 'Invalid taxonomy.');
    return { status: 200, body: taxonomyObject(ctx, taxonomy) };
  }
  const itemMatch = /^\/wp\/v2\/([a-z0-9_-]+(?:\/[a-z0-9_-]+)*?)(?:\/(\d+))?$/.exec(path);
  if (itemMatch) {
    const [, restBase, id] = itemMatch;
    const taxonomy = allTaxonomies(ctx.site).find((t) => t.restBase === restBase);
    if (taxonomy)
      return id === undefined ? termCollection(ctx, taxonomy, params) : singleTerm(ctx, taxonomy, id);
    if (restBase && allTypes(ctx.site).some((t) => t.restBase === restBase)) {
      return id === undefined ? collection(ctx, restBase, params) : single(ctx, restBase, id);
    }
  }
  throw noRoute();
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

function html(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="es-CL">\n<head><meta charset="UTF-8"><title>${title}</title></head>\n<body>\n${body}\n</body>\n</html>\n`;
}

function page(ctx: Context, pathname: string, search: URLSearchParams): { status: number; body: string } {
  const { site } = ctx;
  const items = Object.values(site.items).flat().filter(isPublic);
  if (pathname === '/' || pathname === '/index.php') {
    const plainType = site.types.find((t) => search.has(t.slug));
    if (plainType) {
      const item = items.find((i) => i.type === plainType.slug && i.slug === search.get(plainType.slug));
      if (item)
        return {
          status: 200,
          body: html(item.title.rendered, `<h1>${item.title.rendered}</h1>\n${item.content.rendered}`),
        };
    } else if (![...search.keys()].length) {
      const list = site.types
        .map((t) => `<li><a href="${restUrl(ctx, `/wp/v2/${t.restBase}`)}">${escapeHtml(t.name)}</a></li>`)
        .join('');
      return {
        status: 200,
        body: html(
          escapeHtml(site.name),
          `<h1>${escapeHtml(site.name)}</h1>\n<p>${escapeHtml(site.description)}</p>\n<ul>${list}</ul>`,
        ),
      };
    }
  } else if (ctx.pretty) {
    const item = items.find(
      (i) => i.link === `${DEMO_PUBLIC_ORIGIN}${pathname.endsWith('/') ? pathname : `${pathname}/`}`,
    );
    if (item)
      return {
        status: 200,
        body: html(item.title.rendered, `<h1>${item.title.rendered}</h1>\n${item.content.rendered}`),
      };
  }
  return { status: 404, body: html('Página no encontrada', '<h1>Página no encontrada</h1>') };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the demo site on 127.0.0.1. */
export async function startDemoSite(options: StartDemoSiteOptions = {}): Promise<DemoSiteServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new RangeError(`the demo site binds 127.0.0.1 only (got ${String(host)})`);
  const site = options.site ?? generateDemoSite({ scale: options.scale ?? 1 });
  const latencyMs = Math.max(0, options.latencyMs ?? 0);
  const ctx: Context = { site, url: '', pretty: options.prettyPermalinks ?? true };
  let count = 0;

  const send = (
    res: ServerResponse,
    method: string,
    status: number,
    type: string,
    body: string,
    headers = {},
  ) => {
    const bytes = Buffer.from(body.replaceAll(DEMO_ORIGIN, ctx.url), 'utf8');
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': String(bytes.length), ...headers });
    res.end(method === 'HEAD' ? undefined : bytes);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const search = url.searchParams;
    let route: string | undefined;
    if (search.has('rest_route')) {
      route = search.get('rest_route') || '/';
      if (!route.startsWith('/')) route = `/${route}`;
    } else if (ctx.pretty && (url.pathname === '/wp-json' || url.pathname.startsWith('/wp-json/'))) {
      route = url.pathname.slice('/wp-json'.length) || '/';
    }
    if (route === undefined) {
      const { status, body } = page(ctx, url.pathname, search);
      const apiRoot = restUrl(ctx, '/');
      send(res, method, status, 'text/html; charset=UTF-8', body, {
        Link: `<${apiRoot}>; rel="https://api.w.org/"`,
      });
      return;
    }
    const restSearch = new URLSearchParams(search);
    restSearch.delete('rest_route');
    const params = new Params(restSearch);
    let response: RestResponse;
    try {
      response = dispatch(ctx, method, safeDecode(route), params);
    } catch (error) {
      if (!(error instanceof RestError)) throw error;
      response = error.toResponse();
    }
    send(res, method, response.status, 'application/json; charset=UTF-8', JSON.stringify(response.body), {
      'X-Robots-Tag': 'noindex',
      'X-Content-Type-Options': 'nosniff',
      'Access-Control-Expose-Headers': 'X-WP-Total, X-WP-TotalPages, Link',
      Allow: 'GET',
      ...response.headers,
      Link: [...(response.links ?? []), `<${restUrl(ctx, '/')}>; rel="https://api.w.org/"`].join(', '),
    });
  };

  const server = createServer((req, res) => {
    count++;
    const respond = () => {
      try {
        handle(req, res);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const body = JSON.stringify({ code: 'internal_server_error', message, data: { status: 500 } });
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json; charset=UTF-8' });
        res.end(body);
      }
    };
    if (latencyMs > 0) void sleep(latencyMs).then(respond);
    else respond();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  ctx.url = `http://${host}:${port}`;

  let closed: Promise<void> | undefined;
  return {
    url: ctx.url,
    site,
    requests: () => count,
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
