import { WordPressError } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import { jsonKind, parseJsonBody, snippet } from './body.js';
import { describeStatus, type GetOutcome, type Http, type RequestStats, statusError } from './http.js';
import { type RouteStyle, restUrl } from './routes.js';

export interface DiscoveredPostType {
  /** Post type slug (`event`). */
  slug: string;
  /** REST base (`event`, `stores`): the collection is `/<namespace>/<restBase>`. */
  restBase: string;
  /** Plural label the site gives the type. */
  name: string;
  /** REST namespace of the type (`wp/v2` unless the type registered another, WordPress ≥ 5.9). */
  namespace?: string;
  /** Slugs of the taxonomies the site attaches to the type (`taxonomies` of `/wp/v2/types`). */
  taxonomies: string[];
}

export interface SiteDiscovery {
  /** The site's name (from the REST index). */
  name: string;
  /** Where the REST API answered: `http://site/wp-json/` or `http://site/?rest_route=/`. */
  apiRoot: string;
  routeStyle: RouteStyle;
  postTypes: DiscoveredPostType[];
  /** The site's IANA time zone (`timezone_string` of the REST index), when it has one. */
  timeZone?: string;
}

const LABEL = 'WordPress discovery';
// The index of a real site lists every route with its arguments (hundreds of KB): ask for what is used.
const INDEX_QUERY = [['_fields', 'name,description,url,home,namespaces,timezone_string']] as const;

type IndexRead =
  | { ok: true; name: string; namespaces?: string[]; timeZone?: string }
  | { ok: false; why: string; status: number };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];

/** Is this response the REST index? If not, why not (for the error message). */
function readIndex(outcome: GetOutcome): IndexRead {
  const { response } = outcome;
  if (response.status < 200 || response.status > 299) {
    return { ok: false, why: `answered ${describeStatus(response)}`, status: response.status };
  }
  const parsed = parseJsonBody(response.body);
  if (!parsed.ok) {
    return {
      ok: false,
      why: `answered ${parsed.what}, not JSON ("${snippet(response.body, 50)}")`,
      status: response.status,
    };
  }
  const index = parsed.value;
  if (!isRecord(index) || !(Array.isArray(index.namespaces) || isRecord(index.routes))) {
    return {
      ok: false,
      why: `answered ${jsonKind(index)} that is not the REST index`,
      status: response.status,
    };
  }
  const namespaces = Array.isArray(index.namespaces)
    ? index.namespaces.filter((ns): ns is string => typeof ns === 'string')
    : undefined;
  return {
    ok: true,
    name: typeof index.name === 'string' ? index.name : '',
    ...(namespaces ? { namespaces } : {}),
    ...(typeof index.timezone_string === 'string' && index.timezone_string !== ''
      ? { timeZone: index.timezone_string }
      : {}),
  };
}

/**
 * `/wp/v2/types` and `/wp/v2/taxonomies` answer the same way: an object keyed by slug whose entries have
 * a REST base (those without one are not in the REST API). Each such entry, with what both kinds share;
 * a WordPressError naming the request when the answer is not that object.
 */
function restEntries(outcome: GetOutcome, what: string) {
  const { response } = outcome;
  if (response.status < 200 || response.status > 299) throw statusError(LABEL, outcome);
  const parsed = parseJsonBody(response.body);
  if (!parsed.ok || !isRecord(parsed.value)) {
    const got = parsed.ok ? jsonKind(parsed.value) : `${parsed.what} ("${snippet(response.body, 50)}")`;
    throw new WordPressError(
      `${LABEL}: GET ${response.url} returned ${got}, not the JSON object of ${what}`,
      response.url,
      response.status,
    );
  }
  return Object.entries(parsed.value).flatMap(([key, value]) =>
    isRecord(value) && typeof value.rest_base === 'string' && value.rest_base !== ''
      ? [
          {
            value,
            slug: typeof value.slug === 'string' ? value.slug : key,
            restBase: value.rest_base,
            name: typeof value.name === 'string' ? value.name : key,
            namespace:
              typeof value.rest_namespace === 'string' && value.rest_namespace !== ''
                ? { namespace: value.rest_namespace }
                : {},
          },
        ]
      : [],
  );
}

function readTypes(outcome: GetOutcome): DiscoveredPostType[] {
  return restEntries(outcome, 'post types').map(({ value, slug, restBase, name, namespace }) => ({
    slug,
    restBase,
    name,
    ...namespace,
    taxonomies: strings(value.taxonomies),
  }));
}

/**
 * Finds the REST API (`/wp-json/`, else `/?rest_route=/` for sites without pretty permalinks) and the
 * post types it serves. Transient failures are retried by `http`; a site that answers neither style
 * with the REST index is a WordPressError naming both URLs and what each returned.
 */
export async function discoverSite(
  siteUrl: string,
  http: Http,
  log: Log,
  stats: RequestStats = { requests: 0, retries: 0 },
): Promise<SiteDiscovery> {
  const context = { label: LABEL, stats };
  let routeStyle: RouteStyle = 'pretty';
  let url = restUrl(siteUrl, 'pretty', '/', INDEX_QUERY);
  let index = readIndex(await http.get(url, context));
  if (!index.ok) {
    const prettyUrl = url;
    const prettyWhy = index.why;
    log.info('wordpress: /wp-json/ is not the REST index, trying ?rest_route=', { url, why: prettyWhy });
    routeStyle = 'query';
    url = restUrl(siteUrl, 'query', '/', INDEX_QUERY);
    index = readIndex(await http.get(url, context));
    if (!index.ok) {
      throw new WordPressError(
        `${LABEL}: no WordPress REST API at ${siteUrl}: GET ${prettyUrl} ${prettyWhy}; GET ${url} ${index.why}`,
        url,
        index.status,
      );
    }
  }
  if (index.namespaces && !index.namespaces.includes('wp/v2')) {
    throw new WordPressError(
      `${LABEL}: the REST API at ${url} has no wp/v2 namespace (it has: ${index.namespaces.join(', ') || 'none'})`,
      url,
    );
  }
  const typesUrl = restUrl(siteUrl, routeStyle, '/wp/v2/types');
  const postTypes = readTypes(await http.get(typesUrl, context));
  const apiRoot = restUrl(siteUrl, routeStyle, '/');
  log.debug('wordpress discovery', { apiRoot, routeStyle, postTypes: postTypes.map((t) => t.restBase) });
  return {
    name: index.name,
    apiRoot,
    routeStyle,
    postTypes,
    ...(index.timeZone ? { timeZone: index.timeZone } : {}),
  };
}

export interface DiscoveredTaxonomy {
  /** Taxonomy slug (`categoria_tienda`). */
  slug: string;
  /** REST base: the item field holding term ids and the collection `/<namespace>/<restBase>`. */
  restBase: string;
  /** Plural label the site gives the taxonomy. */
  name: string;
  /** Post type slugs the taxonomy classifies. */
  types: string[];
  /** REST namespace of its terms (`wp/v2` unless the taxonomy registered another, WordPress ≥ 5.9). */
  namespace?: string;
}

/**
 * The taxonomies the site shows in the REST API (`/wp/v2/taxonomies`: an object keyed by slug, as for
 * post types; `_fields` is not used because WordPress would apply it to those keys).
 */
export async function discoverTaxonomies(
  siteUrl: string,
  routeStyle: RouteStyle,
  http: Http,
  stats: RequestStats = { requests: 0, retries: 0 },
): Promise<DiscoveredTaxonomy[]> {
  const url = restUrl(siteUrl, routeStyle, '/wp/v2/taxonomies');
  const outcome = await http.get(url, { label: LABEL, stats });
  return restEntries(outcome, 'taxonomies').map(({ value, slug, restBase, name, namespace }) => ({
    slug,
    restBase,
    name,
    types: strings(value.types),
    ...namespace,
  }));
}
