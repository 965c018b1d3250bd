/** What every endpoint of the demo site's REST API answers with: responses, WordPress's errors, URLs. */
import type { DemoSite } from '../site.js';

export type Json = Record<string, unknown>;

export interface RestResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Link header values (prev/next); the API root link is added to every response. */
  links?: string[];
}

export class RestError {
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

export const noRoute = (): RestError =>
  new RestError(404, 'rest_no_route', 'No route was found matching the URL and request method.');

/** The site being served and where: the base URL is known once the server listens. */
export interface Context {
  site: DemoSite;
  url: string;
  pretty: boolean;
}

export function restUrl(ctx: Context, route: string, query?: URLSearchParams): string {
  const qs = query?.toString();
  if (ctx.pretty) return `${ctx.url}/wp-json${route}${qs ? `?${qs}` : ''}`;
  return `${ctx.url}/index.php?rest_route=${route}${qs ? `&${qs}` : ''}`;
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Sorts a collection by a key (numbers by value, anything else by code unit), `asc` or `desc`, ties
 * broken by id in the same direction. Returns a new array.
 */
export function sortByKey<T>(
  list: readonly T[],
  key: (entry: T) => string | number,
  id: (entry: T) => number,
  order: string,
): T[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...list].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const primary =
      typeof ka === 'number' && typeof kb === 'number' ? ka - kb : compareStrings(String(ka), String(kb));
    return sign * (primary || id(a) - id(b));
  });
}

export function pickFields(value: Json, tree: Json): Json {
  const out: Json = {};
  for (const [key, want] of Object.entries(tree)) {
    if (!(key in value)) continue;
    const inner = value[key];
    const isContainer = typeof inner === 'object' && inner !== null;
    out[key] = want !== true && isContainer ? pickFields(inner as Json, want as Json) : inner;
  }
  return out;
}

/** A resource as `_fields` asks for it, with its `_links` (self, collection, about) unless they are left out. */
export function shape(
  ctx: Context,
  full: Json,
  tree: Json | undefined,
  routes: { self: string; collection: string; about: string },
): Json {
  if (!tree || '_links' in tree) {
    full._links = {
      self: [{ href: restUrl(ctx, routes.self) }],
      collection: [{ href: restUrl(ctx, routes.collection) }],
      about: [{ href: restUrl(ctx, routes.about) }],
    };
  }
  return tree ? pickFields(full, tree) : full;
}

/**
 * A page of a collection: its totals in WordPress's headers and, in the Link header, the previous page
 * (which the post and term controllers work out differently) and the next one (when there is one).
 */
export function collectionPage(
  ctx: Context,
  request: { route: string; search: URLSearchParams; page: number },
  body: Json[],
  totals: { total: number; totalPages: number; prev: number | undefined },
): RestResponse {
  const linkTo = (target: number): string => {
    const query = new URLSearchParams(request.search);
    query.set('page', String(target));
    return restUrl(ctx, request.route, query);
  };
  const links: string[] = [];
  if (totals.prev !== undefined) links.push(`<${linkTo(totals.prev)}>; rel="prev"`);
  if (request.page < totals.totalPages) links.push(`<${linkTo(request.page + 1)}>; rel="next"`);
  return {
    status: 200,
    body,
    headers: { 'X-WP-Total': String(totals.total), 'X-WP-TotalPages': String(totals.totalPages) },
    links,
  };
}

/** The `_links` of a post type or taxonomy object: the list it belongs to and its items. */
export function listingLinks(ctx: Context, collection: string, restBase: string): Json {
  return {
    collection: [{ href: restUrl(ctx, collection) }],
    'wp:items': [{ href: restUrl(ctx, `/wp/v2/${restBase}`) }],
    curies: [{ name: 'wp', href: 'https://api.w.org/{rel}', templated: true }],
  };
}
