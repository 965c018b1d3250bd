import pLimit from 'p-limit';
import type { ContentTypeConfig, WordPressConfig } from '../shared/config/schema.js';
import { ConfigError, WordPressError } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import type { WpItem } from '../shared/types.js';
import { jsonKind, parseJsonBody, snippet } from './body.js';
import { discoverSite, type SiteDiscovery } from './discovery.js';
import { restFieldsFor } from './fields.js';
import { createHttp, RequestAborted, type RequestStats, statusError, wpErrorCode } from './http.js';
import { backoffDelay } from './retry.js';
import { normaliseSiteUrl, restUrl } from './routes.js';

export type { DiscoveredPostType, SiteDiscovery } from './discovery.js';
export { restFieldsFor } from './fields.js';

export interface WordPressClientOptions extends WordPressConfig {
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

export interface WordPressClient {
  /** Finds the REST API and the site's post types; cached after the first successful call. */
  discover(): Promise<SiteDiscovery>;
  /** WordPressError naming every missing REST base and the ones the site has. */
  assertTypesExist(types: readonly ContentTypeConfig[]): Promise<void>;
  /** Every published item of a type, complete, or a WordPressError: never a partial list. */
  fetchAll(type: ContentTypeConfig): Promise<FetchResult>;
}

/** Reads of a type after the first when the collection changed under it. */
const MAX_EXTRA_PASSES = 2;
/** Pages read one by one (no X-WP-TotalPages) before giving up: 1,000,000 items at 100 a page. */
const MAX_SEQUENTIAL_PAGES = 10_000;
/** An X-WP-TotalPages above this is treated as garbled. */
const MAX_TOTAL_PAGES = 100_000;

type PageRead =
  | {
      kind: 'items';
      items: WpItem[];
      total: number | undefined;
      totalPages: number | undefined;
      /** The X-WP-TotalPages header as sent, for the log when it is unusable. */
      totalPagesHeader: string | undefined;
    }
  | { kind: 'past-end' };

interface Pass {
  items: Map<number, WpItem>;
  pages: number;
  /** Why this read cannot be trusted to be complete; undefined when it can. */
  problem?: string;
}

/** A non-negative integer header, or undefined when missing or garbled. */
function countHeader(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

/** Keep the most recently modified copy of an item seen twice (pages shifted during the read). */
function keepLatest(items: Map<number, WpItem>, item: WpItem): boolean {
  const existing = items.get(item.id);
  if (existing && (existing.modified_gmt ?? '') > (item.modified_gmt ?? '')) return false;
  items.set(item.id, item);
  return !existing;
}

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

  function discover(): Promise<SiteDiscovery> {
    discovery ??= discoverSite(siteUrl, http, log).catch((error: unknown) => {
      discovery = undefined; // a failed discovery may be retried by a later call
      throw error;
    });
    return discovery;
  }

  async function assertTypesExist(types: readonly ContentTypeConfig[]): Promise<void> {
    const site = await discover();
    const available = new Set(site.postTypes.map((t) => t.restBase));
    const missing = types.filter((t) => !available.has(t.restBase));
    if (missing.length === 0) return;
    const typesUrl = restUrl(siteUrl, site.routeStyle, '/wp/v2/types');
    const has = site.postTypes.map((t) => `${t.restBase} (${t.slug})`).join(', ') || 'none';
    const names = missing.map((t) => `"${t.restBase}" (type ${t.name})`).join(', ');
    throw new WordPressError(
      `WordPress site ${siteUrl} has no post type with REST base ${names}; the site has: ${has}`,
      typesUrl,
    );
  }

  async function fetchAll(type: ContentTypeConfig): Promise<FetchResult> {
    const started = performance.now();
    await assertTypesExist([type]);
    const site = await discover();
    const namespace = site.postTypes.find((t) => t.restBase === type.restBase)?.namespace ?? 'wp/v2';
    const route = `/${namespace}/${type.restBase}`;
    const fields = restFieldsFor(type).join(',');
    const pageUrl = (page: number) =>
      restUrl(siteUrl, site.routeStyle, route, [
        ['page', page],
        ['per_page', perPage],
        ['orderby', 'id'],
        ['order', 'asc'],
        ['_fields', fields],
      ]);
    const stats: RequestStats = { requests: 0, retries: 0 };

    async function readPage(page: number, signal: AbortSignal): Promise<PageRead> {
      const url = pageUrl(page);
      const outcome = await http.get(url, { label: type.name, stats, signal });
      const { response } = outcome;
      if (response.status === 400 && wpErrorCode(response) === 'rest_post_invalid_page_number') {
        return { kind: 'past-end' };
      }
      if (response.status < 200 || response.status > 299) throw statusError(type.name, outcome);
      const fail = (what: string) =>
        new WordPressError(
          `${type.name}: GET ${url} ${what} (HTTP ${response.status})`,
          url,
          response.status,
        );
      const parsed = parseJsonBody(response.body);
      if (!parsed.ok) {
        const contentType = response.headers['content-type'] ?? 'none';
        throw fail(
          `returned ${parsed.what} instead of JSON, content-type ${contentType}: "${snippet(response.body)}"`,
        );
      }
      if (parsed.skipped > 0) {
        log.warn('wordpress: non-JSON text before the JSON (a PHP notice?) was ignored', {
          url,
          skipped: snippet(response.body.slice(0, parsed.skipped)),
        });
      }
      if (!Array.isArray(parsed.value))
        throw fail(`returned ${jsonKind(parsed.value)} instead of an array of items`);
      const items = parsed.value as unknown[];
      items.forEach((item, index) => {
        const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
        if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
          throw fail(
            `returned an item without a numeric id at index ${index}: ${snippet(JSON.stringify(item), 60)}`,
          );
        }
      });
      const totalPagesHeader = response.headers['x-wp-totalpages'];
      let totalPages = countHeader(totalPagesHeader);
      if (totalPages !== undefined && totalPages > MAX_TOTAL_PAGES) totalPages = undefined;
      const total = countHeader(response.headers['x-wp-total']);
      deps.onPage?.({ type: type.name, page, pages: totalPages ?? page, items: items.length });
      return { kind: 'items', items: items as WpItem[], total, totalPages, totalPagesHeader };
    }

    /** One complete read of the collection, judged for consistency. */
    async function readPass(): Promise<Pass> {
      const controller = new AbortController();
      const items = new Map<number, WpItem>();
      const totals = new Set<number>();
      const problems: string[] = [];
      let duplicates = 0;
      const take = (page: PageRead & { kind: 'items' }) => {
        if (page.total !== undefined) totals.add(page.total);
        let added = 0;
        for (const item of page.items) {
          if (keepLatest(items, item)) added++;
          else duplicates++;
        }
        return added;
      };

      const first = await limit(() => readPage(1, controller.signal));
      if (first.kind === 'past-end') {
        throw new WordPressError(
          `${type.name}: GET ${pageUrl(1)} failed with HTTP 400 (rest_post_invalid_page_number) on page 1`,
          pageUrl(1),
          400,
        );
      }
      take(first);
      let pages = 1;

      if (first.totalPages === undefined) {
        log.warn('wordpress: no usable X-WP-TotalPages header; reading pages one by one', {
          type: type.name,
          header: first.totalPagesHeader === undefined ? '(missing)' : snippet(first.totalPagesHeader, 20),
        });
        // Go on while pages are full, or while X-WP-Total says items are still missing (a site that
        // caps per_page below ours sends shorter pages).
        const more = (last: PageRead & { kind: 'items' }) =>
          last.items.length > 0 &&
          (last.items.length >= perPage || (first.total !== undefined && items.size < first.total));
        let last = first;
        while (more(last)) {
          if (pages >= MAX_SEQUENTIAL_PAGES) {
            throw new WordPressError(
              `${type.name}: more than ${MAX_SEQUENTIAL_PAGES} pages without X-WP-TotalPages at ${pageUrl(pages)}`,
              pageUrl(pages),
            );
          }
          const page = pages + 1;
          const read = await limit(() => readPage(page, controller.signal));
          if (read.kind === 'past-end') break;
          pages = page;
          if (read.items.length > 0 && take(read) === 0) {
            problems.push(`page ${page} repeated items already read (does the site ignore "page"?)`);
            break;
          }
          last = read;
        }
      } else if (first.totalPages > 1) {
        const totalPages = first.totalPages;
        pages = totalPages;
        let failure: unknown;
        const rest = Array.from({ length: totalPages - 1 }, (_, i) => i + 2);
        await Promise.all(
          rest.map((page) =>
            limit(async () => {
              if (controller.signal.aborted) return;
              try {
                const read = await readPage(page, controller.signal);
                if (read.kind === 'past-end') {
                  problems.push(`page ${page} of ${totalPages} was past the end (the collection shrank)`);
                } else {
                  take(read);
                }
              } catch (error) {
                if (error instanceof RequestAborted) return;
                if (failure === undefined) failure = error;
                controller.abort(); // stop the other pages: this read cannot be complete
              }
            }),
          ),
        );
        if (failure !== undefined) throw failure;
      }

      if (totals.size > 1) {
        problems.unshift(`X-WP-Total changed during the read (${[...totals].join(' → ')})`);
      } else if (totals.size === 1) {
        const [total] = totals;
        if (total !== items.size && problems.length === 0) {
          problems.push(`read ${items.size} distinct items but X-WP-Total is ${total}`);
        }
      } else {
        log.warn('wordpress: no X-WP-Total header; completeness cannot be checked', { type: type.name });
      }
      if (duplicates > 0)
        log.debug('wordpress: duplicate items across pages', { type: type.name, duplicates });
      return { items, pages, ...(problems.length ? { problem: problems.join('; ') } : {}) };
    }

    let pass = await readPass();
    for (let extra = 1; pass.problem !== undefined; extra++) {
      if (extra > MAX_EXTRA_PASSES) {
        const url = pageUrl(1);
        throw new WordPressError(
          `${type.name}: no consistent read of the collection in ${extra} reads (last: ${pass.problem}); ` +
            `not passing on a possibly incomplete type (${url})`,
          url,
        );
      }
      log.warn('wordpress: inconsistent read, reading the type again', {
        type: type.name,
        problem: pass.problem,
        pass: extra + 1,
      });
      await (deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))))(
        backoffDelay(extra, options.retryBaseMs, options.retryMaxMs, random),
      );
      pass = await readPass();
    }

    const items = [...pass.items.values()].sort((a, b) => a.id - b.id);
    const result: FetchResult = {
      type: type.name,
      items,
      total: items.length,
      pages: pass.pages,
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

  return { discover, assertTypesExist, fetchAll };
}
