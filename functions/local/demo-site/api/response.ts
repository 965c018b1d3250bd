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

/** Another page of a collection: the request's own query with `page` replaced. */
export function pageUrl(ctx: Context, route: string, search: URLSearchParams, page: number): string {
  const query = new URLSearchParams(search);
  query.set('page', String(page));
  return restUrl(ctx, route, query);
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Orders sort keys as the collections do: numbers by value, anything else by code unit. */
export function compareKeys(a: string | number, b: string | number): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : compareStrings(String(a), String(b));
}
