import type { ResolvedContentType } from '../shared/config/schema.js';
import { oneLine, StorageError, WordPressError } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import type { Storage } from '../storage/port.js';
import { createTempDir, JsonLinesGzFile, putFile } from '../storage/stream.js';
import type { WordPressClient } from '../wordpress/client.js';
import { batchCount, batchIds, batchPages, type ExtractPlan, loadPlan } from './extract-plan.js';
import { keys } from './keys.js';
import { redactProtected } from './redact.js';

/** What one read batch returns (the state machine collects these for the assembly). */
export interface BatchResult {
  batch: number;
  /** Items read and stored in the batch's part file. */
  items: number;
  /** Listed ids the site did not return, even when asked a second time (the assembly lists again). */
  missing: number[];
  /** A batch of pages: the X-WP-Total values its pages came with (one, unless the type changed). */
  totals?: number[];
  /** A batch of pages: a page was past the end, or gave an id out of order (the type changed). */
  shifted?: boolean;
  requests: number;
  retries: number;
  bytes: number;
  durationMs: number;
}

/** `include=` requests started ahead of the one being written (a few times the client's concurrency). */
const READ_AHEAD = 8;

/**
 * The results of `read` over `inputs`, in order, with at most READ_AHEAD requests started beyond the one
 * being consumed (the client's limiter keeps `concurrency` in flight): the part file is written in order,
 * and memory holds a few answers.
 */
async function* readAhead<T, R>(inputs: readonly T[], read: (input: T) => Promise<R>): AsyncGenerator<R> {
  const reads: Promise<R>[] = [];
  const start = (index: number) => {
    if (index >= inputs.length) return;
    const started = read(inputs[index] as T);
    started.catch(() => {}); // awaited below, in order
    reads[index] = started;
  };
  for (let index = 0; index < READ_AHEAD; index++) start(index);
  for (let index = 0; index < inputs.length; index++) {
    const result = await (reads[index] as Promise<R>);
    delete reads[index];
    start(index + READ_AHEAD);
    yield result;
  }
}

/** More missing ids than this in one batch: the type is changing under the read; better to fail now. */
export const MAX_MISSING_PER_BATCH = 100;

export interface ReadDeps {
  client: WordPressClient;
  storage: Storage;
  log: Log;
  /** Items stored so far in this batch (progress). */
  onItems?: (count: number) => void;
}

/** `stores batch 2 of 5 (ids 1200–2400)` or `(pages 101–200)`: how errors and logs name a batch. */
export function batchLabel(plan: ExtractPlan, batch: number): string {
  const span = plan.pages ? batchPages(plan, batch) : batchIds(plan, batch);
  return `${plan.type} batch ${batch + 1} of ${batchCount(plan)} (${plan.pages ? 'pages' : 'ids'} ${span[0] ?? '-'}–${span.at(-1) ?? '-'})`;
}

/**
 * Reads one batch of a plan — of pages (a full read by pages, readPageBatch) or of ids — and stores it.
 * A batch of ids is read with every field (`include=` requests of `perPage` ids, in order, through
 * the client's limiter) into `raw/<type>/<runId>.part-<n>.jsonl.gz`, protected items redacted. Ids the site
 * did not return are asked once more; those still missing are returned, never dropped silently. Any
 * failure is a WordPressError naming the batch.
 */
export async function readBatch(
  type: ResolvedContentType,
  runId: string,
  batch: number,
  deps: ReadDeps,
  options: { perPage: number; plan?: ExtractPlan },
): Promise<BatchResult> {
  const started = performance.now();
  const plan = options.plan ?? (await loadPlan(deps.storage, type.name, runId));
  const label = batchLabel(plan, batch);
  if (plan.pages) {
    return namingBatch(label, () => readPageBatch(type, plan, batch, deps, { label, started }));
  }
  const ids = batchIds(plan, batch);
  if (ids.length === 0) throw new WordPressError(`${label}: the plan has no such batch`, '');
  return namingBatch(label, () =>
    readIdBatch(type, plan, batch, ids, deps, { label, started, perPage: options.perPage }),
  );
}

/** Any failure of a batch as a WordPressError that names it (storage errors stay: the state machine retries them). */
async function namingBatch(label: string, read: () => Promise<BatchResult>): Promise<BatchResult> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof StorageError) throw error; // transient: the state machine retries it
    if (error instanceof WordPressError && error.message.startsWith(label)) throw error;
    const url = error instanceof WordPressError ? error.url : '';
    const status = error instanceof WordPressError ? error.status : undefined;
    throw new WordPressError(`${label}: ${oneLine(error)}`, url, status, { cause: error });
  }
}

/**
 * A batch of a full read by pages: its pages with every field, `READ_AHEAD` requested ahead of the one being
 * written, in page order, into the part file (ids ascending; an id that is not — the pages shifted under
 * the read — is left out and the batch marked `shifted`, as is a page past the end). The assembly judges
 * the batches' X-WP-Total values and counts together.
 */
async function readPageBatch(
  type: ResolvedContentType,
  plan: ExtractPlan,
  batch: number,
  deps: ReadDeps,
  context: { label: string; started: number },
): Promise<BatchResult> {
  const pages = batchPages(plan, batch);
  if (pages.length === 0) throw new WordPressError(`${context.label}: the plan has no such batch`, '');
  const temp = await createTempDir('wpkb-read-');
  try {
    const part = new JsonLinesGzFile(temp.file('part.jsonl.gz'));
    const stats = { requests: 0, retries: 0, bytes: 0 };
    const totals = new Set<number>();
    let shifted = false;
    let last = -1;
    for await (const result of readAhead(pages, (page) =>
      deps.client.fetchPage(type, page, plan.pages?.perPage),
    )) {
      stats.requests += result.requests;
      stats.retries += result.retries;
      stats.bytes += result.bytes;
      if (result.total !== undefined) totals.add(result.total);
      if (result.pastEnd) shifted = true;
      for (const item of result.items) {
        if (item.id <= last) {
          shifted = true;
          continue;
        }
        last = item.id;
        await part.write(redactProtected(item));
      }
      deps.onItems?.(result.items.length);
    }
    await part.close();
    await putFile(deps.storage, keys.part(type.name, plan.runId, batch), part.file);
    const result: BatchResult = {
      batch,
      items: part.count,
      missing: [],
      totals: [...totals].sort((a, b) => a - b),
      ...(shifted ? { shifted } : {}),
      ...stats,
      durationMs: Math.round(performance.now() - context.started),
    };
    deps.log.info('extract batch read', { type: type.name, ...result, pages: pages.length });
    return result;
  } finally {
    await temp.dispose();
  }
}

/** A batch of ids (`include=` requests); see readBatch. */
async function readIdBatch(
  type: ResolvedContentType,
  plan: ExtractPlan,
  batch: number,
  ids: number[],
  deps: ReadDeps,
  context: { label: string; started: number; perPage: number },
): Promise<BatchResult> {
  const { label, started, perPage } = context;
  const temp = await createTempDir('wpkb-read-');
  try {
    const part = new JsonLinesGzFile(temp.file('part.jsonl.gz'));
    const stats = { requests: 0, retries: 0, bytes: 0 };
    const missing: number[] = [];
    const chunks: number[][] = [];
    for (let at = 0; at < ids.length; at += perPage) chunks.push(ids.slice(at, at + perPage));
    for await (const result of readAhead(chunks, (chunk) => deps.client.fetchByIds(type, chunk))) {
      stats.requests += result.requests;
      stats.retries += result.retries;
      stats.bytes += result.bytes;
      let items = result.items;
      if (result.missing.length > 0) {
        // Asked again on its own: a transient omission is not a change.
        const again = await deps.client.fetchByIds(type, result.missing);
        stats.requests += again.requests;
        stats.retries += again.retries;
        stats.bytes += again.bytes;
        missing.push(...again.missing);
        items = [...items, ...again.items].sort((a, b) => a.id - b.id);
      }
      for (const item of items) await part.write(redactProtected(item));
      deps.onItems?.(items.length);
    }
    await part.close();
    if (missing.length > MAX_MISSING_PER_BATCH) {
      throw new WordPressError(
        `${label}: ${missing.length} listed items were not returned by include= (first: ${missing.slice(0, 5).join(', ')}); the type changed while it was read — not passing on a possibly incomplete type`,
        '',
      );
    }
    await putFile(deps.storage, keys.part(type.name, plan.runId, batch), part.file);
    const result: BatchResult = {
      batch,
      items: part.count,
      missing,
      ...stats,
      durationMs: Math.round(performance.now() - started),
    };
    deps.log.info('extract batch read', { type: type.name, ...result, missing: missing.length });
    return result;
  } finally {
    await temp.dispose();
  }
}
