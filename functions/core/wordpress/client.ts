import pLimit from 'p-limit';
import {
  AUTO,
  type ContentTypeConfig,
  type ResolvedContentType,
  type WordPressConfig,
} from '../shared/config/schema.js';
import { ConfigError, WordPressError } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import type { WpItem, WpTerm } from '../shared/types.js';
import {
  findPostType,
  listTaxonomies,
  resolveContentType,
  restBaseOf,
  type SiteTaxonomies,
  type TypeResolution,
} from '../wordpress/resolve-types.js';
import { jsonKind, parseJsonBody } from './body.js';
import { type CollectionSpec, countHeader, createCollectionReader, keepLatest } from './collection.js';
import {
  type DiscoveredTaxonomy,
  discoverSite,
  discoverTaxonomies,
  type SiteDiscovery,
} from './discovery.js';
import { restFieldsFor, TERM_FIELDS } from './fields.js';
import { createHttp, RequestAborted, type RequestStats, statusError } from './http.js';
import { type ItemRead, readItemResponse } from './item.js';
import { normaliseSiteUrl, type Query, restUrl } from './routes.js';

export type { TypeResolution } from '../wordpress/resolve-types.js';
export type { DiscoveredPostType, DiscoveredTaxonomy, SiteDiscovery } from './discovery.js';

import type { DiscoveredPostType } from './discovery.js';

export { restFieldsFor, TERM_FIELDS } from './fields.js';
export type { ItemRead } from './item.js';

/** The `wordpress` configuration, less what decides which reads a run makes (pipeline/extract-plan.ts). */
export interface WordPressClientOptions
  extends Omit<WordPressConfig, 'fullReadEveryDays' | 'readBatchSize' | 'listChanges' | 'fullReadByPages'> {
  siteUrl: string;
  /** Application password (with `username`); sent as HTTP Basic auth, never logged. */
  password?: string;
}

export interface PageEvent {
  /** Content type name. */
  type: string;
  page: number;
  /** X-WP-TotalPages; when the site does not send it (pages read one by one), the page itself. */
  pages: number;
  /** Items on this page. */
  items: number;
}

export interface WordPressClientDeps {
  log: Log;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onPage?: (e: PageEvent) => void;
}

export interface FetchResult {
  type: string;
  /** Every item of the type, each id once, sorted by id. */
  items: WpItem[];
  /** items.length (equal to the site's X-WP-Total when it sends one). */
  total: number;
  /** Pages in the read that was kept. */
  pages: number;
  /** HTTP requests for this type, retries and re-reads included (discovery not). */
  requests: number;
  retries: number;
  durationMs: number;
}

/** One entry of a type's listing: what `_fields=id,modified_gmt` tells of an item. */
export interface ListedItem {
  id: number;
  /** `modified_gmt` as the site sends it; null when the item has none (then changes cannot be told). */
  modified: string | null;
}

export interface ListResult {
  type: string;
  /** Every published item of the type, each id once, sorted by id. */
  items: ListedItem[];
  pages: number;
  requests: number;
  retries: number;
  /** Response body bytes received. */
  bytes: number;
  durationMs: number;
}

export interface FetchByIdsResult {
  /** The items the site returned, each id once, sorted by id. */
  items: WpItem[];
  /** Ids asked for that the site did not return (unpublished or deleted since they were listed?). */
  missing: number[];
  requests: number;
  retries: number;
  bytes: number;
}

export interface TermsResult {
  /** Taxonomy REST base. */
  taxonomy: string;
  /** Every term of the taxonomy (empty ones included), each id once, sorted by id. */
  terms: WpTerm[];
  total: number;
  pages: number;
  /** HTTP requests for this read (0 when it came from the run's cache). */
  requests: number;
  retries: number;
  durationMs: number;
  /** True when another caller of the same run already read this taxonomy. */
  cached: boolean;
}

export interface FetchTermsOptions {
  /**
   * Terms are cached per run: a second call with the same run id shares the first read (two types
   * classified by one taxonomy); a call with another run id reads again (a warm Lambda keeps its client
   * between runs). Without a run id nothing is cached.
   */
  runId?: string;
}

export interface WordPressClient {
  /** Finds the REST API and the site's post types; cached after the first successful call. */
  discover(): Promise<SiteDiscovery>;
  /**
   * The configured types as this site has them (REST base, labels, taxonomies; see
   * core/wordpress/resolve-types.ts), with a warning for each optional thing the site lacks. A
   * WordPressError names every post type the site lacks (and the ones it has), or every `required`
   * taxonomy it lacks.
   */
  resolveTypes(types: readonly ContentTypeConfig[]): Promise<TypeResolution[]>;
  /** Every published item of a type, complete, or a WordPressError: never a partial list. */
  fetchAll(type: ResolvedContentType): Promise<FetchResult>;
  /**
   * Every term of a taxonomy (by REST base), complete, or a WordPressError; same pages, limiter, retries
   * and consistency checks as `fetchAll`.
   */
  fetchTerms(taxonomy: string, options?: FetchTermsOptions): Promise<TermsResult>;
  /**
   * The type's listing: every published item's id and `modified_gmt` (`_fields=id,modified_gmt`), with
   * the pages, limiter, retries and consistency checks of `fetchAll` — a few KB per 100 items.
   */
  listItems(type: ResolvedContentType, since?: ListSince): Promise<ListResult>;
  /**
   * One page of the type with every field `fetchAll` reads (`page` of `pageSize` items — default `perPage`
   * — ordered by id), through the limiter and retries, with the X-WP-Total it came with; `pastEnd` when
   * WordPress answers that the page is past the end (the collection shrank). A full read by pages judges
   * the pages together.
   */
  fetchPage(type: ResolvedContentType, page: number, pageSize?: number): Promise<PageResult>;
  /**
   * How many published items the type has (X-WP-Total of a one-item page): one request. A WordPressError
   * when the site does not say.
   */
  countItems(type: ResolvedContentType): Promise<CountResult>;
  /**
   * Items by id with every field `fetchAll` reads: `include=` requests of up to `perPage` ids through the
   * same limiter and retries. Ids the site does not return are reported in `missing`, never dropped
   * silently: the caller decides what they mean.
   */
  fetchByIds(type: ResolvedContentType, ids: readonly number[]): Promise<FetchByIdsResult>;
  /**
   * One item of a type (`/wp/v2/<restBase>/<id>`, the same fields, retries and auth as `fetchAll`),
   * classified by the nightly visibility rule: see ItemRead.
   */
  fetchItem(type: ResolvedContentType, id: number): Promise<ItemRead>;
  /**
   * The first page of a post type (`count` items, every field the site serves) and its X-WP-Total:
   * what `wpkb init` looks at. A WordPressError (with the status) when the site will not serve it.
   */
  sampleItems(postType: DiscoveredPostType, count: number): Promise<SampleResult>;
  /** `/wp/v2/taxonomies`, read once per client. */
  taxonomies(): Promise<DiscoveredTaxonomy[]>;
}

/**
 * Only the items changed or published after an instant (WordPress ≥ 5.7 `modified_after` / `after`, both
 * ISO 8601; WordPress compares them with the local-time columns after converting the instant). A site that
 * ignores the parameter answers with every item, which is still a correct superset.
 */
export type ListSince = { modifiedAfter: string } | { publishedAfter: string };

export interface PageResult {
  /** The page's items, in id order (empty past the end). */
  items: WpItem[];
  /** X-WP-Total of this answer; undefined when the site sent none. */
  total: number | undefined;
  pastEnd: boolean;
  requests: number;
  retries: number;
  bytes: number;
}

export interface CountResult {
  total: number;
  requests: number;
  retries: number;
  bytes: number;
}

export interface SampleResult {
  items: WpItem[];
  /** X-WP-Total: published items of the type (undefined when the site does not say). */
  total: number | undefined;
}

/** `_fields` of a type's listing. */
export const LISTING_FIELDS = ['id', 'modified_gmt'] as const;

export function createWordPressClient(
  options: WordPressClientOptions,
  deps: WordPressClientDeps,
): WordPressClient {
  const { log } = deps;
  const random = deps.random ?? Math.random;
  const siteUrl = normaliseSiteUrl(options.siteUrl);
  if (!/^https?:\/\/[^/]/i.test(siteUrl)) {
    throw new ConfigError(`wordpress site URL: must be an http(s) URL (got "${options.siteUrl}")`);
  }
  if (options.username && !options.password) {
    log.warn('wordpress: a username is configured but no application password; reading anonymously', {
      username: options.username,
    });
  }
  const http = createHttp(options, deps);
  // One limiter per client: the bound holds for the site even when several types are read at once.
  const limit = pLimit(options.concurrency);
  const perPage = options.perPage;
  let discovery: Promise<SiteDiscovery> | undefined;
  let taxonomyDiscovery: Promise<DiscoveredTaxonomy[]> | undefined;
  let termsRun: string | undefined;
  const termsCache = new Map<string, Promise<TermsResult>>();
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { entriesOf, readCollection, readPage } = createCollectionReader({
    http,
    limit,
    log,
    perPage,
    retryBaseMs: options.retryBaseMs,
    retryMaxMs: options.retryMaxMs,
    random,
    sleep,
  });

  function discover(): Promise<SiteDiscovery> {
    discovery ??= discoverSite(siteUrl, http, log).catch((error: unknown) => {
      discovery = undefined; // a failed discovery may be retried by a later call
      throw error;
    });
    return discovery;
  }

  /** `/wp/v2/taxonomies`, read once per client like the post types (and retried after a failure). */
  function taxonomies(): Promise<DiscoveredTaxonomy[]> {
    taxonomyDiscovery ??= discover()
      .then((site) => discoverTaxonomies(siteUrl, site.routeStyle, http))
      .catch((error: unknown) => {
        taxonomyDiscovery = undefined;
        throw error;
      });
    return taxonomyDiscovery;
  }

  async function assertPostTypes(types: readonly ContentTypeConfig[]): Promise<SiteDiscovery> {
    const site = await discover();
    const missing = types.filter((t) => !findPostType(t, site.postTypes));
    if (missing.length === 0) return site;
    const typesUrl = restUrl(siteUrl, site.routeStyle, '/wp/v2/types');
    const has = site.postTypes.map((t) => `${t.restBase} (${t.slug})`).join(', ') || 'none';
    const names = missing.map((t) => `"${restBaseOf(t)}" (type ${t.name})`).join(', ');
    throw new WordPressError(
      `WordPress site ${siteUrl} has no post type with REST base ${names}; the site has: ${has}`,
      typesUrl,
    );
  }

  const taxonomiesUrl = (site: SiteDiscovery) => restUrl(siteUrl, site.routeStyle, '/wp/v2/taxonomies');

  /**
   * The site's taxonomies for resolution. A site that refuses to list them (401, 403, 404: a security
   * plugin, the REST API trimmed) has none to offer, which is stable and said as a warning; any other
   * failure (after retries) fails, because documents built without their terms tonight and with them
   * tomorrow would be rewritten twice for nothing.
   */
  async function siteTaxonomies(): Promise<SiteTaxonomies> {
    try {
      return { listed: await taxonomies() };
    } catch (error) {
      if (error instanceof WordPressError && [401, 403, 404].includes(error.status ?? 0)) {
        return { unavailable: `GET ${error.url} answered HTTP ${error.status}` };
      }
      throw error;
    }
  }

  async function resolveTypes(types: readonly ContentTypeConfig[]): Promise<TypeResolution[]> {
    const site = await assertPostTypes(types);
    const wantsTaxonomies = types.some((t) => t.taxonomies === AUTO || t.taxonomies.length > 0);
    const listed: SiteTaxonomies = wantsTaxonomies ? await siteTaxonomies() : { listed: [] };
    const results = types.map((type) => {
      const postType = findPostType(type, site.postTypes);
      if (!postType) throw new Error(`unreachable: post type of ${type.name} checked above`);
      return resolveContentType(type, postType, listed);
    });
    const errors = results.flatMap((result) => result.errors);
    if (errors.length) {
      throw new WordPressError(`WordPress site ${siteUrl} ${errors.join('; ')}`, taxonomiesUrl(site));
    }
    return results.map(({ type, warnings }) => ({ type, warnings }));
  }

  /** The collection URL of a type, with `query` after it. */
  async function typeUrl(type: ResolvedContentType): Promise<(query: Query) => string> {
    const site = await assertPostTypes([type]);
    const namespace = site.postTypes.find((t) => t.restBase === type.restBase)?.namespace ?? 'wp/v2';
    const route = `/${namespace}/${type.restBase}`;
    return (query) => restUrl(siteUrl, site.routeStyle, route, query);
  }

  /** Every page of a type with these `_fields`, read completely (readCollection). */
  /** The pages of a type, ordered by id, with these `_fields` (and a filter such as `modified_after`). */
  async function typePages(
    type: ResolvedContentType,
    fields: readonly string[],
    stats: RequestStats,
    options: { filter?: Query; pageSize?: number; progress?: boolean } = {},
  ): Promise<CollectionSpec> {
    const url = await typeUrl(type);
    return {
      kind: 'type',
      label: type.name,
      logFields: { type: type.name },
      pageUrl: (page: number) =>
        url([
          ['page', page],
          ['per_page', options.pageSize ?? perPage],
          ['orderby', 'id'],
          ['order', 'asc'],
          ['_fields', fields.join(',')],
          ...(options.filter ?? []),
        ]),
      pastEndCode: 'rest_post_invalid_page_number',
      stats,
      ...(options.progress === false
        ? {}
        : {
            onPage: (page: number, pageCount: number, count: number) =>
              deps.onPage?.({ type: type.name, page, pages: pageCount, items: count }),
          }),
    };
  }

  /** Every page of a type with these `_fields`, read completely (readCollection). */
  async function readType(
    type: ResolvedContentType,
    fields: readonly string[],
    stats: RequestStats,
    filter: Query = [],
  ) {
    return readCollection(await typePages(type, fields, stats, { filter }));
  }

  async function listItems(type: ResolvedContentType, since?: ListSince): Promise<ListResult> {
    const started = performance.now();
    const stats: RequestStats = { requests: 0, retries: 0, bytes: 0 };
    const filter: Query = since
      ? 'modifiedAfter' in since
        ? [['modified_after', since.modifiedAfter]]
        : [['after', since.publishedAfter]]
      : [];
    const { items, pages } = await readType(type, LISTING_FIELDS, stats, filter);
    const result: ListResult = {
      type: type.name,
      items: items.map((item) => ({
        id: item.id,
        modified: typeof item.modified_gmt === 'string' ? item.modified_gmt : null,
      })),
      pages,
      requests: stats.requests,
      retries: stats.retries,
      bytes: stats.bytes ?? 0,
      durationMs: Math.round(performance.now() - started),
    };
    log.info('wordpress: listed type', {
      type: type.name,
      ...(since ? { since } : {}),
      items: result.items.length,
      pages,
      requests: result.requests,
      bytes: result.bytes,
      durationMs: result.durationMs,
    });
    return result;
  }

  async function fetchPage(type: ResolvedContentType, page: number, pageSize?: number): Promise<PageResult> {
    const stats: RequestStats = { requests: 0, retries: 0, bytes: 0 };
    const spec = await typePages(type, restFieldsFor(type), stats, {
      ...(pageSize ? { pageSize } : {}),
      progress: false,
    });
    const read = await limit(() => readPage(spec, page));
    const counts = { requests: stats.requests, retries: stats.retries, bytes: stats.bytes ?? 0 };
    if (read.kind === 'past-end') return { items: [], total: undefined, pastEnd: true, ...counts };
    const items = [...read.items].sort((a, b) => a.id - b.id);
    return { items, total: read.total, pastEnd: false, ...counts };
  }

  async function countItems(type: ResolvedContentType): Promise<CountResult> {
    const url = (await typeUrl(type))([
      ['per_page', 1],
      ['_fields', 'id'],
    ]);
    const stats: RequestStats = { requests: 0, retries: 0, bytes: 0 };
    const outcome = await limit(() => http.get(url, { label: type.name, stats }));
    const { response } = outcome;
    if (response.status < 200 || response.status > 299) throw statusError(type.name, outcome);
    const total = countHeader(response.headers['x-wp-total']);
    if (total === undefined)
      throw new WordPressError(
        `${type.name}: GET ${url} sent no usable X-WP-Total header`,
        url,
        response.status,
      );
    return { total, requests: stats.requests, retries: stats.retries, bytes: stats.bytes ?? 0 };
  }

  async function fetchByIds(type: ResolvedContentType, ids: readonly number[]): Promise<FetchByIdsResult> {
    const url = await typeUrl(type);
    const fields = restFieldsFor(type).join(',');
    const stats: RequestStats = { requests: 0, retries: 0, bytes: 0 };
    const wanted = [...new Set(ids)].sort((a, b) => a - b);
    const chunks: number[][] = [];
    for (let start = 0; start < wanted.length; start += perPage)
      chunks.push(wanted.slice(start, start + perPage));
    const controller = new AbortController();
    const read = await Promise.all(
      chunks.map((chunk) =>
        limit(async () => {
          const pageUrl = url([
            ['include', chunk.join(',')],
            ['per_page', chunk.length],
            ['orderby', 'id'],
            ['order', 'asc'],
            ['_fields', fields],
          ]);
          try {
            const outcome = await http.get(pageUrl, { label: type.name, stats, signal: controller.signal });
            const { response } = outcome;
            if (response.status < 200 || response.status > 299) throw statusError(type.name, outcome);
            return entriesOf(response, type.name, 'item');
          } catch (error) {
            controller.abort(); // the other requests of this read are pointless now
            throw error;
          }
        }),
      ),
    ).catch((error: unknown) => {
      if (error instanceof RequestAborted) throw new WordPressError(`${type.name}: read aborted`, url([]));
      throw error;
    });
    const asked = new Set(wanted);
    const items = new Map<number, WpItem>();
    for (const item of read.flat()) {
      if (asked.has(item.id)) keepLatest(items, item);
      else
        log.warn('wordpress: include= returned an item that was not asked for; ignored', {
          type: type.name,
          id: item.id,
        });
    }
    return {
      items: [...items.values()].sort((a, b) => a.id - b.id),
      missing: wanted.filter((id) => !items.has(id)),
      requests: stats.requests,
      retries: stats.retries,
      bytes: stats.bytes ?? 0,
    };
  }

  async function fetchAll(type: ResolvedContentType): Promise<FetchResult> {
    const started = performance.now();
    const stats: RequestStats = { requests: 0, retries: 0 };
    const { items, pages } = await readType(type, restFieldsFor(type), stats);
    const result: FetchResult = {
      type: type.name,
      items,
      total: items.length,
      pages,
      requests: stats.requests,
      retries: stats.retries,
      durationMs: Math.round(performance.now() - started),
    };
    log.info('wordpress: fetched type', {
      type: type.name,
      items: result.total,
      pages: result.pages,
      requests: result.requests,
      retries: result.retries,
      durationMs: result.durationMs,
    });
    return result;
  }

  async function readTerms(restBase: string): Promise<TermsResult> {
    const started = performance.now();
    const site = await discover();
    const found = await taxonomies();
    const taxonomy = found.find((t) => t.restBase === restBase);
    if (!taxonomy) {
      throw new WordPressError(
        `WordPress site ${siteUrl} has no taxonomy with REST base "${restBase}"; the site has: ${listTaxonomies(found)}`,
        taxonomiesUrl(site),
      );
    }
    const route = `/${taxonomy.namespace ?? 'wp/v2'}/${restBase}`;
    const stats: RequestStats = { requests: 0, retries: 0 };
    const { items, pages } = await readCollection({
      kind: 'taxonomy',
      label: `taxonomy ${restBase}`,
      logFields: { taxonomy: restBase },
      pageUrl: (page: number) =>
        restUrl(siteUrl, site.routeStyle, route, [
          ['page', page],
          ['per_page', perPage],
          ['orderby', 'id'],
          ['order', 'asc'],
          ['hide_empty', 'false'],
          ['_fields', TERM_FIELDS.join(',')],
        ]),
      stats,
      check: (entry) => (typeof entry.name === 'string' ? undefined : 'without a name'),
    });
    const terms = items.map((item): WpTerm => {
      const term: WpTerm = { id: item.id, name: String(item.name) };
      if (typeof item.slug === 'string') term.slug = item.slug;
      if (typeof item.parent === 'number') term.parent = item.parent;
      return term;
    });
    const result: TermsResult = {
      taxonomy: restBase,
      terms,
      total: terms.length,
      pages,
      requests: stats.requests,
      retries: stats.retries,
      durationMs: Math.round(performance.now() - started),
      cached: false,
    };
    log.info('wordpress: fetched terms', {
      taxonomy: restBase,
      terms: result.total,
      pages: result.pages,
      requests: result.requests,
      retries: result.retries,
      durationMs: result.durationMs,
    });
    return result;
  }

  function fetchTerms(restBase: string, fetchOptions: FetchTermsOptions = {}): Promise<TermsResult> {
    const { runId } = fetchOptions;
    if (runId === undefined) return readTerms(restBase);
    if (runId !== termsRun) {
      termsCache.clear(); // another run: its terms may have changed
      termsRun = runId;
    }
    const shared = termsCache.get(restBase);
    if (shared) {
      return shared.then((result) => ({ ...result, requests: 0, retries: 0, durationMs: 0, cached: true }));
    }
    const read = readTerms(restBase).catch((error: unknown) => {
      if (termsCache.get(restBase) === read) termsCache.delete(restBase); // a later call may try again
      throw error;
    });
    termsCache.set(restBase, read);
    return read;
  }

  async function fetchItem(type: ResolvedContentType, id: number): Promise<ItemRead> {
    const site = await assertPostTypes([type]);
    const namespace = site.postTypes.find((t) => t.restBase === type.restBase)?.namespace ?? 'wp/v2';
    const url = restUrl(siteUrl, site.routeStyle, `/${namespace}/${type.restBase}/${id}`, [
      ['_fields', restFieldsFor(type).join(',')],
    ]);
    const stats: RequestStats = { requests: 0, retries: 0 };
    const outcome = await limit(() => http.get(url, { label: `${type.name} ${id}`, stats }));
    const read = readItemResponse(`${type.name} ${id}`, id, outcome);
    log.debug('wordpress: fetched item', { type: type.name, id, kind: read.kind, retries: stats.retries });
    return read;
  }

  async function sampleItems(postType: DiscoveredPostType, count: number): Promise<SampleResult> {
    const site = await discover();
    const route = `/${postType.namespace ?? 'wp/v2'}/${postType.restBase}`;
    const url = restUrl(siteUrl, site.routeStyle, route, [['per_page', Math.min(100, Math.max(1, count))]]);
    const outcome = await http.get(url, { label: postType.restBase, stats: { requests: 0, retries: 0 } });
    const { response } = outcome;
    if (response.status < 200 || response.status > 299) throw statusError(postType.restBase, outcome);
    const parsed = parseJsonBody(response.body);
    if (!parsed.ok || !Array.isArray(parsed.value)) {
      const got = parsed.ok ? jsonKind(parsed.value) : parsed.what;
      throw new WordPressError(
        `${postType.restBase}: GET ${url} returned ${got}, not an array of items`,
        url,
        response.status,
      );
    }
    const items = parsed.value.filter(
      (item): item is WpItem => typeof item === 'object' && item !== null && typeof item.id === 'number',
    );
    return { items, total: countHeader(response.headers['x-wp-total']) };
  }

  return {
    discover,
    resolveTypes,
    fetchAll,
    fetchTerms,
    fetchItem,
    sampleItems,
    taxonomies,
    listItems,
    fetchPage,
    countItems,
    fetchByIds,
  };
}
