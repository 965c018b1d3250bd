/** Building REST URLs in either style a WordPress site answers. */

export type RouteStyle = 'pretty' | 'query';

export type Query = ReadonlyArray<readonly [string, string | number]>;

/** The site's base URL without trailing slashes (and without a `/wp-json` someone left on it). */
export function normaliseSiteUrl(siteUrl: string): string {
  return siteUrl
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/wp-json$/, '');
}

// Commas and slashes are legal in a query string; keeping them makes logged URLs readable.
const encode = (value: string | number): string =>
  encodeURIComponent(String(value)).replace(/%2C/gi, ',').replace(/%2F/gi, '/');

/**
 * `http://site/wp-json/wp/v2/stores?page=2` (pretty permalinks) or
 * `http://site/?rest_route=/wp/v2/stores&page=2` (plain permalinks).
 * `route` starts with `/`; the index is `/`.
 */
export function restUrl(siteUrl: string, style: RouteStyle, route: string, query: Query = []): string {
  const base = normaliseSiteUrl(siteUrl);
  const params = query.map(([key, value]) => `${encode(key)}=${encode(value)}`);
  if (style === 'query') return `${base}/?${[`rest_route=${encode(route)}`, ...params].join('&')}`;
  const path = `${base}/wp-json${route}`;
  return params.length ? `${path}?${params.join('&')}` : path;
}
