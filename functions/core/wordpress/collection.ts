import type { LimitFunction } from 'p-limit';
import { WordPressError } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import type { WpItem } from '../shared/types.js';
import { jsonKind, parseJsonBody, snippet } from './body.js';
import {
  type Http,
  type HttpResponse,
  RequestAborted,
  type RequestStats,
  statusError,
  wpErrorCode,
} from './http.js';
import { backoffDelay } from './retry.js';

/*
 * Reading a paginated collection of the REST API completely — a type's items or a taxonomy's terms —
 * and the checks of one collection response. The WordPress client composes these with its discovery.
 */

/** Reads of a type after the first when the collection changed under it. */
const MAX_EXTRA_PASSES = 2;
/** Pages read one by one (no X-WP-TotalPages) before giving up: 1,000,000 items at 100 a page. */
const MAX_SEQUENTIAL_PAGES = 10_000;
/** An X-WP-TotalPages above this is treated as garbled. */
const MAX_TOTAL_PAGES = 100_000;

export type PageRead =
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

/** One paginated collection to read completely: a type's items or a taxonomy's terms. */
export interface CollectionSpec {
  kind: 'type' | 'taxonomy';
  /** Prefix of error messages: the type's name, or `taxonomy <restBase>`. */
  label: string;
  /** Added to log lines: `{type}` or `{taxonomy}`. */
  logFields: Record<string, string>;
  pageUrl: (page: number) => string;
  /** WordPress's error for a page past the end (posts); terms answer `[]` there instead. */
  pastEndCode?: string;
  stats: RequestStats;
  onPage?: (page: number, pages: number, items: number) => void;
  /** Why an entry (already known to have a numeric id) is unusable; undefined when it is fine. */
  check?: (entry: Record<string, unknown>) => string | undefined;
}

const NOUN = { type: 'item', taxonomy: 'term' } as const;

/** A non-negative integer header, or undefined when missing or garbled. */
export function countHeader(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

/** Keep the most recently modified copy of an item seen twice (pages shifted during the read). */
export function keepLatest(items: Map<number, WpItem>, item: WpItem): boolean {
  const existing = items.get(item.id);
  if (existing && (existing.modified_gmt ?? '') > (item.modified_gmt ?? '')) return false;
  items.set(item.id, item);
  return !existing;
}

export interface CollectionReaderDeps {
  http: Http;
  /** The client's one limiter: the bound holds for the site whatever reads it. */
  limit: LimitFunction;
  log: Log;
  perPage: number;
  retryBaseMs: number;
  retryMaxMs: number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

export interface CollectionReader {
  /**
   * The entries of a collection response: a JSON array whose entries all have a numeric id (and pass
   * `check`), or a WordPressError naming the URL and what is wrong.
   */
  entriesOf(
    response: HttpResponse,
    label: string,
    noun: 'item' | 'term',
    check?: (entry: Record<string, unknown>) => string | undefined,
  ): WpItem[];
  /**
   * Reads a collection completely: page 1, then the other pages with bounded concurrency, judged for
   * consistency (X-WP-Total stable, no page past the end, distinct ids = X-WP-Total) and read again up to
   * twice when it is not. Never returns a possibly incomplete list.
   */
  readCollection(spec: CollectionSpec): Promise<{ items: WpItem[]; pages: number }>;
  /**
   * One page of a collection (not through the limiter: the caller bounds it), its items checked and its
   * totals read; `past-end` when the site answers that the page is past the end.
   */
  readPage(spec: CollectionSpec, page: number, signal?: AbortSignal): Promise<PageRead>;
}

export function createCollectionReader(deps: CollectionReaderDeps): CollectionReader {
  const { http, limit, log, perPage, random, sleep } = deps;

  /**
   * The entries of a collection response: a JSON array whose entries all have a numeric id (and pass
   * `check`), or a WordPressError naming the URL and what is wrong.
   */
  function entriesOf(
    response: HttpResponse,
    label: string,
    noun: 'item' | 'term',
    check?: (entry: Record<string, unknown>) => string | undefined,
  ): WpItem[] {
    const { url } = response;
    const fail = (what: string) =>
      new WordPressError(`${label}: GET ${url} ${what} (HTTP ${response.status})`, url, response.status);
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
      throw fail(`returned ${jsonKind(parsed.value)} instead of an array of ${noun}s`);
    const items = parsed.value as unknown[];
    items.forEach((item, index) => {
      const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
        throw fail(
          `returned ${noun === 'item' ? 'an' : 'a'} ${noun} without a numeric id at index ${index}: ${snippet(JSON.stringify(item), 60)}`,
        );
      }
      const problem = check?.(item as Record<string, unknown>);
      if (problem !== undefined) {
        throw fail(`returned a ${noun} ${problem} at index ${index}: ${snippet(JSON.stringify(item), 60)}`);
      }
    });
    return items as WpItem[];
  }

  /**
   * Reads a collection completely: page 1, then the other pages with bounded concurrency, judged for
   * consistency (X-WP-Total stable, no page past the end, distinct ids = X-WP-Total) and read again up to
   * twice when it is not. Never returns a possibly incomplete list.
   */
  async function readPage(spec: CollectionSpec, page: number, signal?: AbortSignal): Promise<PageRead> {
    const { label, stats } = spec;
    const url = spec.pageUrl(page);
    const outcome = await http.get(url, { label, stats, ...(signal ? { signal } : {}) });
    const { response } = outcome;
    if (
      spec.pastEndCode !== undefined &&
      response.status === 400 &&
      wpErrorCode(response) === spec.pastEndCode
    ) {
      return { kind: 'past-end' };
    }
    if (response.status < 200 || response.status > 299) throw statusError(label, outcome);
    const items = entriesOf(response, label, NOUN[spec.kind], spec.check);
    const totalPagesHeader = response.headers['x-wp-totalpages'];
    let totalPages = countHeader(totalPagesHeader);
    if (totalPages !== undefined && totalPages > MAX_TOTAL_PAGES) totalPages = undefined;
    const total = countHeader(response.headers['x-wp-total']);
    spec.onPage?.(page, totalPages ?? page, items.length);
    return { kind: 'items', items: items as WpItem[], total, totalPages, totalPagesHeader };
  }

  async function readCollection(spec: CollectionSpec): Promise<{ items: WpItem[]; pages: number }> {
    const { label, logFields, pageUrl } = spec;
    const noun = NOUN[spec.kind];

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

      const first = await limit(() => readPage(spec, 1, controller.signal));
      if (first.kind === 'past-end') {
        throw new WordPressError(
          `${label}: GET ${pageUrl(1)} failed with HTTP 400 (${spec.pastEndCode}) on page 1`,
          pageUrl(1),
          400,
        );
      }
      take(first);
      let pages = 1;

      if (first.totalPages === undefined) {
        log.warn('wordpress: no usable X-WP-TotalPages header; reading pages one by one', {
          ...logFields,
          header: first.totalPagesHeader === undefined ? '(missing)' : snippet(first.totalPagesHeader, 20),
        });
        // Go on while pages are full, or while X-WP-Total says entries are still missing (a site that
        // caps per_page below ours sends shorter pages).
        const more = (last: PageRead & { kind: 'items' }) =>
          last.items.length > 0 &&
          (last.items.length >= perPage || (first.total !== undefined && items.size < first.total));
        let last = first;
        while (more(last)) {
          if (pages >= MAX_SEQUENTIAL_PAGES) {
            throw new WordPressError(
              `${label}: more than ${MAX_SEQUENTIAL_PAGES} pages without X-WP-TotalPages at ${pageUrl(pages)}`,
              pageUrl(pages),
            );
          }
          const page = pages + 1;
          const read = await limit(() => readPage(spec, page, controller.signal));
          if (read.kind === 'past-end') break;
          pages = page;
          if (read.items.length > 0 && take(read) === 0) {
            problems.push(`page ${page} repeated ${noun}s already read (does the site ignore "page"?)`);
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
                const read = await readPage(spec, page, controller.signal);
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
          problems.push(`read ${items.size} distinct ${noun}s but X-WP-Total is ${total}`);
        }
      } else {
        log.warn('wordpress: no X-WP-Total header; completeness cannot be checked', logFields);
      }
      if (duplicates > 0)
        log.debug(`wordpress: duplicate ${noun}s across pages`, { ...logFields, duplicates });
      return { items, pages, ...(problems.length ? { problem: problems.join('; ') } : {}) };
    }

    let pass = await readPass();
    for (let extra = 1; pass.problem !== undefined; extra++) {
      if (extra > MAX_EXTRA_PASSES) {
        const url = pageUrl(1);
        throw new WordPressError(
          `${label}: no consistent read of the collection in ${extra} reads (last: ${pass.problem}); ` +
            `not passing on a possibly incomplete ${spec.kind} (${url})`,
          url,
        );
      }
      log.warn(`wordpress: inconsistent read, reading the ${spec.kind} again`, {
        ...logFields,
        problem: pass.problem,
        pass: extra + 1,
      });
      await sleep(backoffDelay(extra, deps.retryBaseMs, deps.retryMaxMs, random));
      pass = await readPass();
    }
    return { items: [...pass.items.values()].sort((a, b) => a.id - b.id), pages: pass.pages };
  }

  return { entriesOf, readCollection, readPage };
}
