import { applyHints, type UpdateOutcome, type UpdateResult } from '../../core/instant/apply.js';
import type { InstantDeps } from '../../core/instant/item.js';
import type { ChunkingConfig } from '../../core/shared/config/cloud-schema.js';
import { oneLine } from '../../core/shared/errors.js';
import { tryAcquireDataLock } from '../../core/storage/data-lock.js';
import type { Hint } from '../../core/webhook/hint.js';
import type { Embedder } from '../knowledge-base/embedder.js';
import { ingestLocalKb, type LocalIndexStats } from '../knowledge-base/ingest.js';

/** One hint waiting in the local queue. */
interface Pending {
  hint: Hint;
  /** performance.now() when the request arrived: the update line says how long it took from there. */
  receivedAt: number;
  attempt: number;
}

export interface LocalUpdaterOptions extends Omit<InstantDeps, 'sleep'> {
  /** The data directory (its local index is updated with the documents the hints changed). */
  dataDir: string;
  chunking: ChunkingConfig;
  embedder: Embedder;
  /** One line per update (what changed, how long) and per failure. */
  print: (line: string) => void;
  /** Who the data lock names: `serve:<pid>`. */
  owner: string;
  /** Attempts per hint when WordPress (or the store) fails, with doubling waits from `retryBaseMs`. */
  maxAttempts?: number;
  retryBaseMs?: number;
  /** How often to try again while another writer (`npm start`) holds the data lock. */
  lockRetryMs?: number;
  /** The lock's time to live: more than one batch can take. */
  lockTtlMs?: number;
  /** Told each time a batch has been applied (tests and the benchmark wait on it). */
  onApplied?: (outcomes: readonly UpdateOutcome[]) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface LocalUpdater {
  /** Queues an accepted hint; it is applied with whatever else is waiting. */
  enqueue(hint: Hint): void;
  /** Resolves once nothing is queued or running. */
  idle(): Promise<void>;
  /** Stops taking hints and waits for the batch in progress. */
  close(): Promise<void>;
}

const describeTarget = (o: Pick<UpdateOutcome, 'type' | 'id' | 'event'>) =>
  o.event === 'type' ? `${o.type} (all items)` : `${o.type}/${o.id}`;

function updateLine(outcome: UpdateOutcome, index: LocalIndexStats | undefined, ms: number): string {
  const what =
    outcome.action === 'written'
      ? `written ${outcome.written.length === 1 ? outcome.written[0] : `${outcome.written.length} documents`}${outcome.deleted.length ? `, deleted ${outcome.deleted.length}` : ''}`
      : outcome.action === 'deleted'
        ? `deleted ${outcome.deleted.length === 1 ? outcome.deleted[0] : `${outcome.deleted.length} documents`} (${outcome.reason})`
        : `unchanged (${outcome.reason}: nothing to write)`;
  const catalog = outcome.catalogChanged ? ', catalog updated' : '';
  const chunks =
    index && (index.chunksAdded || index.chunksRemoved)
      ? `, index +${index.chunksAdded}/−${index.chunksRemoved} chunks`
      : '';
  return `update ${describeTarget(outcome)} (${outcome.event}): ${what}${catalog}${chunks} in ${ms} ms`;
}

/**
 * Instant updates for `wpkb serve`: the hints the webhook route accepted are applied to the data
 * directory with the cloud worker's core (apply.ts: re-read, same transform, catalog read-modify-write,
 * ledger), then the local index is updated for exactly the documents that changed (ingestLocalKb with
 * `only`). Hints that arrive while a batch runs wait and go together in the next one (coalesced per
 * item). The data lock is shared with `npm start`: while a run holds it, hints wait and are tried again.
 * A hint whose WordPress read fails is retried with backoff, then reported on one error line; the
 * next `npm start` reconciles the item.
 */
export function createLocalUpdater(options: LocalUpdaterOptions): LocalUpdater {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxAttempts = options.maxAttempts ?? 3;
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const lockRetryMs = options.lockRetryMs ?? 1000;
  const lockTtlMs = options.lockTtlMs ?? 5 * 60_000;
  let queue: Pending[] = [];
  let running: Promise<void> | undefined;
  let closed = false;
  let waitingFor: string | undefined;
  const waiters: (() => void)[] = [];

  const deps: InstantDeps = {
    config: options.config,
    storage: options.storage,
    client: options.client,
    log: options.log,
    now: options.now,
    sleep,
  };

  async function batch(items: Pending[]): Promise<Pending[]> {
    const lock = await tryAcquireDataLock(options.storage, {
      owner: options.owner,
      purpose: 'instant update',
      ttlMs: lockTtlMs,
      now: options.now,
      log: options.log,
    });
    if (!lock.acquired) {
      const holder = lock.holder
        ? `${lock.holder.owner} (${lock.holder.purpose}) until ${lock.holder.expiresAt}`
        : 'another writer';
      if (waitingFor !== holder) options.print(`waiting: the data directory is locked by ${holder}`);
      waitingFor = holder;
      await sleep(lockRetryMs);
      return items;
    }
    waitingFor = undefined;
    let results: UpdateResult<Pending>[];
    let index: LocalIndexStats | undefined;
    try {
      results = await applyHints(
        items.map((item) => ({ hint: item.hint, ref: item })),
        deps,
      );
      const changed = results.flatMap((r) => (r.ok ? [...r.outcome.written, ...r.outcome.deleted] : []));
      if (changed.length) {
        index = await ingestLocalKb({
          storage: options.storage,
          dataDir: options.dataDir,
          chunking: options.chunking,
          embedder: options.embedder,
          log: options.log,
          only: changed,
        });
      }
    } finally {
      await lock.lock.release().catch(() => false);
    }
    const retry: Pending[] = [];
    const applied: UpdateOutcome[] = [];
    const now = performance.now();
    const single = results.filter((r) => r.ok).length === 1;
    for (const result of results) {
      const first = Math.min(...result.refs.map((r) => r.receivedAt));
      if (result.ok) {
        applied.push(result.outcome);
        // The index was updated once for the whole batch: its counts go on the line of a lone update.
        options.print(updateLine(result.outcome, single ? index : undefined, Math.round(now - first)));
        continue;
      }
      const attempt = Math.max(...result.refs.map((r) => r.attempt));
      if (attempt < maxAttempts) {
        options.print(
          `retrying update ${result.target} (attempt ${attempt + 1} of ${maxAttempts}): ${oneLine(result.error)}`,
        );
        retry.push(...result.refs.map((r) => ({ ...r, attempt: attempt + 1 })));
      } else {
        options.print(
          `error: update ${result.target} failed after ${attempt} attempts: ${oneLine(result.error)} (the next npm start reconciles it)`,
        );
      }
    }
    if (!single && index && (index.chunksAdded || index.chunksRemoved)) {
      options.print(
        `local index: +${index.chunksAdded}/−${index.chunksRemoved} chunks for ${index.filesIndexed + index.filesRemoved} documents (${applied.length} updates) in ${index.durationMs} ms`,
      );
    }
    options.onApplied?.(applied);
    if (retry.length) {
      const attempt = Math.max(...retry.map((r) => r.attempt));
      await sleep(retryBaseMs * 2 ** (attempt - 2));
    }
    return retry;
  }

  function drain(): void {
    if (running || queue.length === 0) return;
    running = (async () => {
      while (queue.length) {
        const items = queue;
        queue = [];
        let again: Pending[];
        try {
          again = await batch(items);
        } catch (error) {
          // The store or the local index failed (not one item): report once, keep the hints for a retry.
          options.print(`error: instant updates failed: ${oneLine(error)}`);
          again = items.filter((i) => i.attempt < maxAttempts).map((i) => ({ ...i, attempt: i.attempt + 1 }));
          await sleep(retryBaseMs);
        }
        queue = [...again, ...queue];
      }
    })().finally(() => {
      running = undefined;
      if (queue.length && !closed) drain();
      else for (const resolve of waiters.splice(0)) resolve();
    });
  }

  return {
    enqueue(hint) {
      if (closed) return;
      queue.push({ hint, receivedAt: performance.now(), attempt: 1 });
      drain();
    },
    idle() {
      if (!running && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      closed = true;
      await running;
    },
  };
}
