import type { InstantUpdatesReport } from '../pipeline/report.js';
import { type TransformOptions, type TransformResult, transform } from '../pipeline/transform.js';
import { silentLog } from '../shared/logger.js';
import { withDataLock } from '../storage/data-lock.js';
import { readInstantLedger, summariseLedger } from './ledger.js';

/** How long the nightly transform holds the lock at most, and waits for an instant update to finish. */
export interface NightlyLockSettings {
  /** The lock expires after this long: more than the transform can take (its Lambda timeout). */
  ttlMs: number;
  /** Wait this long for a holder (an instant update) before failing. */
  waitMs: number;
  pollMs?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * In the cloud the lock outlives any Lambda (15 min at most), so a transform that is still running
 * never loses it; locally a crashed `npm start` blocks `wpkb serve` for 10 minutes at most. Both wait
 * up to 3 minutes for an instant update (whose worker holds the lock for 2 at most) to finish.
 */
export const CLOUD_NIGHTLY_LOCK: NightlyLockSettings = { ttlMs: 16 * 60_000, waitMs: 3 * 60_000 };
export const LOCAL_NIGHTLY_LOCK: NightlyLockSettings = { ttlMs: 10 * 60_000, waitMs: 3 * 60_000 };

export interface NightlyTransformOptions extends Omit<TransformOptions, 'preserve'> {
  runId: string;
  /**
   * When the run started, before its extract read WordPress: an instant update applied after this
   * re-read its item later than the run did, so the run keeps what the update wrote.
   */
  runStartedAt: Date;
  lock: NightlyLockSettings;
}

export interface NightlyTransformResult {
  result: TransformResult;
  instantUpdates: InstantUpdatesReport;
}

/**
 * The nightly transform as it runs beside instant updates: under the data lock (so no worker writes
 * while it plans and writes), leaving alone the documents instant updates re-read after the run's
 * extract, and consuming the instant-update ledger into the run report. It still reconciles everything
 * else: any item an instant update missed or got wrong is rewritten (or deleted) from the run's read.
 */
export async function nightlyTransform(options: NightlyTransformOptions): Promise<NightlyTransformResult> {
  const { runId, runStartedAt, lock, ...transformOptions } = options;
  const { storage } = transformOptions;
  const log = transformOptions.log;
  return withDataLock(
    storage,
    { owner: `nightly:${runId}`, purpose: 'transform', ...lock, ...(log ? { log } : {}) },
    async () => {
      const ledger = await readInstantLedger(storage, log ?? silentLog);
      const preserve = new Set(
        ledger
          .filter(
            ({ record }) => record.action !== 'unchanged' && Date.parse(record.at) >= runStartedAt.getTime(),
          )
          .flatMap(({ record }) => record.documents),
      );
      if (preserve.size) {
        log?.info('instant updates after this run started: their documents are kept', {
          documents: [...preserve].slice(0, 20).join(', '),
          count: preserve.size,
        });
      }
      const result = await transform({ ...transformOptions, preserve });
      if (ledger.length) await storage.delete(ledger.map((entry) => entry.key));
      return {
        result,
        instantUpdates: summariseLedger(
          ledger.map((entry) => entry.record),
          preserve.size,
        ),
      };
    },
  );
}
