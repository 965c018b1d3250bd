import { instantIdsOf } from '../instant/ledger.js';
import type { Clock } from '../shared/clock.js';
import type { ResolvedContentType } from '../shared/config/schema.js';
import { StorageError } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import { getJson, putJson } from '../storage/codec.js';
import type { Storage } from '../storage/port.js';
import type { ListedItem, ListResult, WordPressClient } from '../wordpress/client.js';
import { listChangesSince } from './extract-changes.js';
import { type PreviousListing, readPreviousListing } from './extract-previous.js';
import { type ExtractState, readExtractState, readFingerprint } from './extract-state.js';
import { keys } from './keys.js';

export type ExtractMode = 'full' | 'incremental';

/** `raw/<type>/<runId>.plan.json`: what this run reads of the type, for the read batches and assembly. */
export interface ExtractPlan {
  type: string;
  runId: string;
  mode: ExtractMode;
  /** Why this mode, in words, for the run report. */
  reason: string;
  fingerprint: string;
  /** When the items of the raw file this run writes were last all read (now, for a full read). */
  fullReadAt: string;
  /** Incremental: the previous complete run's raw file, where unchanged items come from. */
  previousRawKey?: string;
  /** Incremental: the run that wrote it (the type's state). */
  previousRunId?: string;
  /** The listing: `[id, modified_gmt]`, sorted by id. */
  listing: [number, string | null][];
  /** Ids to read with every field, sorted: everything (full) or the new and changed items. */
  read: number[];
  /** Ids per read batch. */
  batchSize: number;
  /**
   * A full read by pages (`listing` and `read` are then empty): how many items X-WP-Total gave when the
   * plan counted them, how many pages of `perPage` that is, and pages per read batch. The read batches
   * read those pages with every field; the assembly judges them together (extract-assemble.ts).
   */
  pages?: { total: number; perPage: number; count: number; perBatch: number };
  counts: PlanCounts;
  listingStats: { pages: number; requests: number; retries: number; bytes: number; durationMs: number };
}

export interface PlanCounts {
  listed: number;
  /** Listed, not in the previous raw file (incremental only). */
  added: number;
  /** Listed with another modified_gmt than in the previous raw file (incremental only). */
  changed: number;
  /** In the previous raw file, not listed any more (incremental only). */
  gone: number;
  /** Taken over from the previous raw file (incremental only). */
  reused: number;
  /**
   * Listed with the same modified_gmt, read again because an instant update touched the item since the
   * previous run (incremental only): an edit that does not move modified_gmt (post meta written alone)
   * must not be reverted by the previous raw copy.
   */
  instant?: number;
}

/** What the plan step returns (the state machine maps over `batches`): small, whatever the site's size. */
export interface PlanSummary {
  type: string;
  runId: string;
  mode: ExtractMode;
  reason: string;
  /** Batch numbers, 0-based: one extract invocation reads each. */
  batches: number[];
  counts: PlanCounts;
  /** Ids to read with every field. */
  toRead: number;
}

export interface PlanOptions {
  /** Read everything whatever the state says (`--full`, `{"full": true}`). */
  full?: boolean;
  /** `wordpress.fullReadEveryDays`. */
  fullReadEveryDays: number;
  /** `wordpress.readBatchSize`. */
  batchSize: number;
  /** Reads carry an application password (the fingerprint depends on it). */
  authenticated: boolean;
  /** `wordpress.perPage`: items per page of a full read by pages. */
  perPage?: number;
  /**
   * A full read decided before any listing (no previous run, asked for, scheduled, a changed
   * configuration) reads the pages with every field instead of listing ids and reading them by id: half
   * the requests. Default true; false always lists first.
   */
  readByPages?: boolean;
  /**
   * An incremental run asks WordPress what changed since the previous run before listing every page
   * (extract-changes.ts). Default true; false always lists every page.
   */
  listChanges?: boolean;
}

export interface PlanDeps {
  client: WordPressClient;
  storage: Storage;
  log: Log;
  clock: Clock;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** A nightly run starts a few minutes early or late: a full read due "every 7 days" must not slip to 8. */
const SCHEDULE_SLACK_MS = 60 * 60 * 1000;

const days = (ms: number) => Math.floor(ms / DAY_MS);

/**
 * Why the previous run's state cannot stand in for unchanged items (so everything is read), or
 * undefined when it can. Pure: the state, the configuration and the clock decide.
 */
export function fullReadReason(input: {
  full: boolean;
  state: ExtractState | undefined;
  unreadable?: string;
  fingerprint: string;
  now: Date;
  fullReadEveryDays: number;
}): string | undefined {
  const { state } = input;
  if (input.full) return 'asked for (--full)';
  if (input.unreadable) return `the previous state cannot be read (${input.unreadable})`;
  if (!state) return 'no previous complete run';
  if (state.fingerprint !== input.fingerprint)
    return `the type's configuration or the pipeline version changed since run ${state.runId}`;
  if (input.fullReadEveryDays === 0) return 'every run reads everything (wordpress.fullReadEveryDays is 0)';
  const elapsed = input.now.getTime() - Date.parse(state.fullReadAt);
  if (elapsed >= input.fullReadEveryDays * DAY_MS - SCHEDULE_SLACK_MS)
    return `scheduled: the last full read was ${days(elapsed)} days ago (${state.fullReadAt}; every ${input.fullReadEveryDays} days)`;
  return undefined;
}

interface Diff {
  read: number[];
  counts: PlanCounts;
  /** The listed ids, sorted. */
  listed: number[];
}

/**
 * The listing against the previous run's items (both in id order, merged in one pass): new and changed
 * ids to read, gone and reused counts.
 */
function diffWithPrevious(previous: PreviousListing, listing: readonly ListedItem[]): Diff {
  const counts: PlanCounts = { listed: listing.length, added: 0, changed: 0, gone: 0, reused: 0 };
  const read: number[] = [];
  let at = 0;
  for (const [id, modified] of previous.items) {
    while (at < listing.length && (listing[at] as ListedItem).id < id) {
      read.push((listing[at] as ListedItem).id);
      counts.added++;
      at++;
    }
    const listed = listing[at];
    if (listed?.id === id) {
      if (listed.modified === modified) counts.reused++;
      else {
        read.push(id);
        counts.changed++;
      }
      at++;
    } else counts.gone++;
  }
  for (; at < listing.length; at++) {
    read.push((listing[at] as ListedItem).id);
    counts.added++;
  }
  return { read, counts, listed: listing.map((item) => item.id) };
}

/** The diff, reading again the reused items instant updates touched since the previous run. */
async function withInstantIds(storage: Storage, type: string, diff: Diff): Promise<Diff> {
  const touched = await instantIdsOf(storage, type);
  if (touched.size === 0) return diff;
  const read = new Set(diff.read);
  // Listed, not read already: reused items (the previous raw file holds them).
  const again = diff.listed.filter((id) => touched.has(id) && !read.has(id));
  if (again.length === 0) return diff;
  return {
    ...diff,
    read: [...diff.read, ...again].sort((a, b) => a - b),
    counts: { ...diff.counts, reused: diff.counts.reused - again.length, instant: again.length },
  };
}

/**
 * The first step of a type's extract: decide the mode, list the type (ids and modified_gmt: what changed
 * since the previous run when that can be trusted, else every page, checked like a full read), and store
 * the plan. Full: every listed id is read. Incremental: only ids that are new or whose modified_gmt moved;
 * the others come from the previous complete run's raw file.
 */
export async function planExtract(
  type: ResolvedContentType,
  runId: string,
  deps: PlanDeps,
  options: PlanOptions,
): Promise<PlanSummary> {
  const now = deps.clock.now();
  const fingerprint = readFingerprint(type, options.authenticated);
  const { state, unreadable } = await readExtractState(deps.storage, type.name);
  let reason = fullReadReason({
    full: options.full ?? false,
    state,
    ...(unreadable ? { unreadable } : {}),
    fingerprint,
    now,
    fullReadEveryDays: options.fullReadEveryDays,
  });
  // An incremental run first asks what changed (three requests); every page is listed when that cannot
  // be trusted, and always for a full read (its ids make the read batches).
  let previous: PreviousListing | undefined;
  if (reason === undefined && state) {
    const read = await readPreviousListing(deps.storage, state);
    if ('untrusted' in read) reason = read.untrusted;
    else previous = read;
  }
  if (reason !== undefined && options.readByPages !== false && options.perPage) {
    return storePlan(
      deps,
      await pagePlan(type, runId, deps.client, {
        reason,
        fingerprint,
        now,
        batchSize: options.batchSize,
        perPage: options.perPage,
      }),
    );
  }
  let listingNote = 'listed every page';
  let listed: ListResult | undefined;
  if (reason === undefined && previous && options.listChanges !== false) {
    const changes = await listChangesSince(type, previous, deps.client, now);
    if ('fallback' in changes) listingNote = `listed every page: ${changes.fallback}`;
    else {
      listed = changes.listing;
      listingNote = changes.note;
    }
  }
  listed ??= await deps.client.listItems(type);
  const undated = listed.items.filter((item) => item.modified === null).length;
  if (reason === undefined && undated > 0)
    reason = `${undated} listed items have no modified_gmt (changes cannot be told)`;
  let diff: Diff | undefined;
  if (reason === undefined && previous) {
    diff = await withInstantIds(deps.storage, type.name, diffWithPrevious(previous, listed.items));
  }

  const incremental = reason === undefined && diff !== undefined && state !== undefined;
  const plan: ExtractPlan = {
    type: type.name,
    runId,
    mode: incremental ? 'incremental' : 'full',
    reason: incremental
      ? `unchanged configuration; last full read ${days(now.getTime() - Date.parse(state.fullReadAt))} days ago (${state.fullReadAt}), previous run ${state.runId}; ${listingNote}`
      : (reason ?? 'no previous complete run'),
    fingerprint,
    fullReadAt: incremental ? state.fullReadAt : now.toISOString(),
    ...(incremental ? { previousRawKey: state.rawKey, previousRunId: state.runId } : {}),
    listing: listed.items.map((item) => [item.id, item.modified]),
    read: diff?.read ?? listed.items.map((item) => item.id),
    batchSize: options.batchSize,
    counts: diff?.counts ?? { listed: listed.items.length, added: 0, changed: 0, gone: 0, reused: 0 },
    listingStats: {
      pages: listed.pages,
      requests: listed.requests,
      retries: listed.retries,
      bytes: listed.bytes,
      durationMs: listed.durationMs,
    },
  };
  return storePlan(deps, plan);
}

/**
 * A full read by pages: one request counts the items (X-WP-Total), the read batches read the pages. No
 * listing: the pages carry every id, and the assembly checks them against the count.
 */
async function pagePlan(
  type: ResolvedContentType,
  runId: string,
  client: WordPressClient,
  options: { reason: string; fingerprint: string; now: Date; batchSize: number; perPage: number },
): Promise<ExtractPlan> {
  const started = performance.now();
  const counted = await client.countItems(type);
  const count = Math.ceil(counted.total / options.perPage);
  const perBatch = Math.max(1, Math.floor(options.batchSize / options.perPage));
  return {
    type: type.name,
    runId,
    mode: 'full',
    reason: options.reason,
    fingerprint: options.fingerprint,
    fullReadAt: options.now.toISOString(),
    listing: [],
    read: [],
    batchSize: options.batchSize,
    pages: { total: counted.total, perPage: options.perPage, count, perBatch },
    counts: { listed: counted.total, added: 0, changed: 0, gone: 0, reused: 0 },
    listingStats: {
      pages: 0,
      requests: counted.requests,
      retries: counted.retries,
      bytes: counted.bytes,
      durationMs: Math.round(performance.now() - started),
    },
  };
}

/** Read batches of a plan: of ids, or of pages. */
export function batchCount(plan: ExtractPlan): number {
  return plan.pages
    ? Math.ceil(plan.pages.count / plan.pages.perBatch)
    : Math.ceil(plan.read.length / plan.batchSize);
}

/** Stores the plan and says what it is (the state machine maps over `batches`). */
async function storePlan(deps: PlanDeps, plan: ExtractPlan): Promise<PlanSummary> {
  await putJson(deps.storage, keys.plan(plan.type, plan.runId), plan);
  const batches = batchCount(plan);
  const toRead = plan.pages ? plan.pages.total : plan.read.length;
  deps.log.info('extract planned', {
    type: plan.type,
    mode: plan.mode,
    reason: plan.reason,
    ...plan.counts,
    toRead,
    batches,
    ...(plan.pages ? { byPages: plan.pages.count } : {}),
  });
  return {
    type: plan.type,
    runId: plan.runId,
    mode: plan.mode,
    reason: plan.reason,
    batches: Array.from({ length: batches }, (_, i) => i),
    counts: plan.counts,
    toRead,
  };
}

/** The stored plan of a type's run; a StorageError when it is missing (the plan step did not run). */
export async function loadPlan(storage: Storage, type: string, runId: string): Promise<ExtractPlan> {
  const key = keys.plan(type, runId);
  const plan = await getJson<ExtractPlan>(storage, key);
  if (!plan || plan.type !== type || plan.runId !== runId || !Array.isArray(plan.read))
    throw new StorageError(`extract plan ${key} is missing or not a plan of ${type} in run ${runId}`, key);
  return plan;
}

/** The ids of one read batch (empty for a plan by pages). */
export function batchIds(plan: ExtractPlan, batch: number): number[] {
  return plan.read.slice(batch * plan.batchSize, (batch + 1) * plan.batchSize);
}

/** The page numbers (1-based) of one read batch of a plan by pages. */
export function batchPages(plan: ExtractPlan, batch: number): number[] {
  if (!plan.pages) return [];
  const first = batch * plan.pages.perBatch + 1;
  const last = Math.min(plan.pages.count, first + plan.pages.perBatch - 1);
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
}
