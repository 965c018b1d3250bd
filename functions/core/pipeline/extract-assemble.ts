import type { ResolvedContentType } from '../shared/config/schema.js';
import { StorageError } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import type { TermsByTaxonomy, WpItem } from '../shared/types.js';
import { md5Hex, putJson } from '../storage/codec.js';
import type { Storage } from '../storage/port.js';
import { createTempDir, JsonLinesGzFile, putFile, readJsonLinesGz } from '../storage/stream.js';
import type { WordPressClient } from '../wordpress/client.js';
import { type ResolvedFacts, resolvedFacts } from '../wordpress/resolve-types.js';
import type { ExtractMode, ExtractPlan } from './extract-plan.js';
import { batchCount, loadPlan } from './extract-plan.js';
import type { BatchResult } from './extract-read.js';
import { type Reconciled, reconcilePages, settleMissing } from './extract-settle.js';
import { keys } from './keys.js';

/** What extract hands to transform (and what the Map state collects). */
export interface ExtractResult {
  type: string;
  rawKey: string;
  /** Items in the raw file: every published item of the type. */
  fetched: number;
  /** Listing pages. */
  pages: number;
  requests: number;
  retries: number;
  durationMs: number;
  /** Response body bytes received (listing, reads, terms). */
  bytes?: number;
  mode?: ExtractMode;
  /** Why this mode. */
  reason?: string;
  /** Items read from WordPress with every field. */
  read?: number;
  /** Items taken over from the previous complete run's raw file. */
  reused?: number;
  /** Items of the previous run no longer listed. */
  gone?: number;
  /** readFingerprint() of this read (becomes the type's state when the run completes). */
  fingerprint?: string;
  /** When the items of the raw file were last all read (ISO). */
  fullReadAt?: string;
  /** What discovery decided for the type (REST base, labels, taxonomies): transform never calls WordPress. */
  resolved: ResolvedFacts;
  /** What the type's documents go without and why, one line each (the run report's `warnings`). */
  warnings: string[];
  /** MD5 of the terms this run stored ('' without taxonomies): transform may skip a type whose input is as before. */
  termsMd5?: string;
  /** Set when the raw file holds exactly the items of this earlier complete run (nothing read, nothing gone). */
  sameItemsAs?: string;
}

export interface AssembleDeps {
  client: WordPressClient;
  storage: Storage;
  log: Log;
}

/** Batch results as the assembly needs them (the state machine passes the Map's output). */
export type BatchOutcome = Pick<BatchResult, 'batch' | 'missing' | 'requests' | 'retries' | 'bytes'> &
  Partial<Pick<BatchResult, 'totals' | 'shifted'>>;

/** A sorted stream of items, one read ahead. */
class Cursor {
  head: WpItem | undefined;
  private constructor(private readonly items: AsyncIterator<WpItem>) {}
  static async open(items: AsyncIterable<WpItem>): Promise<Cursor> {
    const cursor = new Cursor(items[Symbol.asyncIterator]());
    await cursor.next();
    return cursor;
  }
  async next(): Promise<void> {
    const step = await this.items.next();
    this.head = step.done ? undefined : step.value;
  }
}

/** The items of the batch part files, in batch order (each sorted, batches cover ascending ids). */
async function* partItems(storage: Storage, plan: ExtractPlan, batches: number): AsyncGenerator<WpItem> {
  for (let batch = 0; batch < batches; batch++) {
    const key = keys.part(plan.type, plan.runId, batch);
    const items = await readJsonLinesGz<WpItem>(storage, key);
    if (!items) throw new StorageError(`read batch file ${key} is missing`, key);
    yield* items;
  }
}

/**
 * Items of the previous raw file that this run takes over: listed now and not read again.
 * Empty for a full read.
 */
async function* reusedItems(storage: Storage, plan: ExtractPlan): AsyncGenerator<WpItem> {
  if (plan.mode !== 'incremental' || !plan.previousRawKey) return;
  const listed = new Set(plan.listing.map(([id]) => id));
  const read = new Set(plan.read);
  const items = await readJsonLinesGz<WpItem>(storage, plan.previousRawKey);
  if (!items)
    throw new StorageError(`the previous raw file ${plan.previousRawKey} is gone`, plan.previousRawKey);
  for await (const item of items) if (listed.has(item.id) && !read.has(item.id)) yield item;
}

/**
 * The last step of a type's extract: merges the items read in batches with those taken over from the
 * previous raw file (both sorted by id) into `raw/<type>/<runId>.jsonl.gz` — every item of the type,
 * sorted by id, each listed id exactly once — then reads the terms of the type's taxonomies (after the
 * items: a term created and assigned during the read is then known). Memory: one item of each stream.
 */
export async function assembleExtract(
  type: ResolvedContentType,
  runId: string,
  batches: readonly BatchOutcome[],
  deps: AssembleDeps,
  options: { plan?: ExtractPlan; started?: number; warnings?: string[] } = {},
): Promise<ExtractResult> {
  const started = options.started ?? performance.now();
  const plan = options.plan ?? (await loadPlan(deps.storage, type.name, runId));
  const expected = batchCount(plan);
  const got = new Set(batches.map((b) => b.batch));
  if (got.size !== expected || [...got].some((b) => b < 0 || b >= expected)) {
    throw new StorageError(
      `${type.name}: the assembly got batches ${[...got].sort((a, b) => a - b).join(', ') || 'none'}, the plan has ${expected}`,
      keys.plan(type.name, runId),
    );
  }
  const settled = await settleMissing(
    type,
    batches.flatMap((b) => b.missing),
    deps,
  );

  const temp = await createTempDir('wpkb-assemble-');
  const rawKey = keys.raw(type.name, runId);
  try {
    const out = new JsonLinesGzFile(temp.file('raw.jsonl.gz'));
    const reused = await Cursor.open(reusedItems(deps.storage, plan));
    const read = await Cursor.open(partItems(deps.storage, plan, expected));
    let last = -1;
    let reusedCount = 0;
    let shifted = batches.some((b) => b.shifted);
    for (;;) {
      const a = reused.head;
      const b = read.head;
      if (!a && !b) break;
      const takeRead = b !== undefined && (a === undefined || b.id <= a.id);
      const item = (takeRead ? b : a) as WpItem;
      if (a && b && a.id === b.id) await reused.next(); // cannot happen (read ids are not reused); be safe
      if (takeRead) await read.next();
      else {
        reusedCount++;
        await reused.next();
      }
      if (item.id <= last && plan.pages) {
        shifted = true; // the same item on two pages: the pages shifted between two batches
        continue;
      }
      if (item.id <= last) {
        throw new StorageError(
          `${type.name}: item ${item.id} comes after ${last} while assembling ${rawKey} (duplicate or unsorted batch)`,
          rawKey,
        );
      }
      last = item.id;
      await out.write(item);
    }
    await out.close();
    let reconciled: Reconciled | undefined;
    if (plan.pages) {
      const totals = new Set([plan.pages.total, ...batches.flatMap((b) => b.totals ?? [])]);
      if (shifted || totals.size !== 1 || out.count !== plan.pages.total) {
        const why = `${shifted ? 'the pages shifted during the read; ' : ''}X-WP-Total ${[...totals].join(' → ')}, ${out.count} distinct items read`;
        reconciled = await reconcilePages(type, out, temp.file('reconciled.jsonl.gz'), why, deps);
      }
    } else {
      const wanted = plan.listing.length - settled.vanished.size;
      if (out.count !== wanted) {
        throw new StorageError(
          `${type.name}: assembled ${out.count} items but the listing has ${wanted}; not passing on a possibly incomplete type`,
          rawKey,
        );
      }
    }
    const assembled = reconciled?.file ?? out;
    await putFile(deps.storage, rawKey, assembled.file);

    // Terms after the items: a term created and assigned while the items were being read is then known.
    const termReads = await Promise.all(
      type.taxonomies.map((taxonomy) => deps.client.fetchTerms(taxonomy.restBase, { runId })),
    );
    let termsMd5 = '';
    if (termReads.length) {
      const terms: TermsByTaxonomy = Object.fromEntries(termReads.map((r) => [r.taxonomy, r.terms]));
      await putJson(deps.storage, keys.terms(type.name, runId), terms);
      termsMd5 = md5Hex(JSON.stringify(terms));
    }
    // Every item came from the previous complete run's raw file: the same items as then.
    const sameItems =
      plan.mode === 'incremental' && assembled.count === reusedCount && plan.counts.gone === 0;
    // Every request of the type: plan, batches, settling, putting right, terms.
    const calls: { requests: number; retries: number; bytes?: number }[] = [
      plan.listingStats,
      ...batches,
      settled,
      ...(reconciled ? [reconciled] : []),
      ...termReads,
    ];
    const sum = (pick: (c: (typeof calls)[number]) => number) => calls.reduce((n, c) => n + pick(c), 0);
    const result: ExtractResult = {
      type: type.name,
      rawKey,
      fetched: assembled.count,
      pages: plan.pages ? plan.pages.count : plan.listingStats.pages,
      requests: sum((c) => c.requests),
      retries: sum((c) => c.retries),
      bytes: sum((c) => c.bytes ?? 0),
      durationMs: Math.round(performance.now() - started),
      mode: plan.mode,
      reason: plan.reason,
      read: assembled.count - reusedCount,
      reused: reusedCount,
      gone: plan.counts.gone + settled.vanished.size + (reconciled?.vanished ?? 0),
      fingerprint: plan.fingerprint,
      fullReadAt: plan.fullReadAt,
      resolved: resolvedFacts(type),
      warnings: options.warnings ?? [],
      termsMd5,
      ...(sameItems && plan.previousRunId ? { sameItemsAs: plan.previousRunId } : {}),
    };
    deps.log.info('extracted', {
      type: type.name,
      items: result.fetched,
      mode: result.mode,
      read: result.read,
      reused: result.reused,
      gone: result.gone,
      rawKey,
      ...(termReads.length ? { terms: Object.fromEntries(termReads.map((r) => [r.taxonomy, r.total])) } : {}),
    });
    return result;
  } finally {
    await temp.dispose();
  }
}
