import { z } from 'zod';
import { ConditionFailedError, StorageError, WpkbError } from '../shared/errors.js';
import { type Log, silentLog } from '../shared/logger.js';
import type { Storage } from './port.js';

/**
 * The data lock: ONE object, `locks/data.json`, that whoever rewrites shared objects of the store holds
 * — the nightly transform (every `kb/`, `catalog/`, `exports/` object of the run), the instant-update
 * worker (one item's document and catalog entry, then its direct ingestion) and the sync step while it
 * starts an ingestion job. It is taken with a conditional create (`If-None-Match: *`), so of two takers
 * exactly one wins; it names its owner and expires, so a crashed holder cannot block the others for
 * longer than its time to live; it is released with a conditional delete of the version written, so a
 * holder whose lock expired and was taken over never deletes the new holder's lock.
 */
export const DATA_LOCK_KEY = 'locks/data.json';

const recordSchema = z.object({
  owner: z.string().min(1),
  purpose: z.string(),
  acquiredAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type LockRecord = z.infer<typeof recordSchema>;

/** The lock is held by someone else (and has not expired). */
export class DataLockHeldError extends WpkbError {
  override readonly name = 'DataLockHeldError';
  constructor(
    message: string,
    readonly holder: LockRecord | undefined,
  ) {
    super(message);
  }
}

export interface HeldLock {
  readonly owner: string;
  readonly expiresAt: Date;
  /** Deletes the lock if it is still this holder's: false when it expired and was taken over. */
  release(): Promise<boolean>;
}

export type LockAttempt = { acquired: true; lock: HeldLock } | { acquired: false; holder?: LockRecord };

export interface LockOptions {
  /** Who takes it, for people reading the lock and logs: `nightly:<runId>`, `worker:<requestId>`. */
  owner: string;
  /** What it is taken for (`transform`, `instant update`, `start ingestion`). */
  purpose: string;
  /** It expires this long after it is taken: longer than the holder can run (its Lambda timeout). */
  ttlMs: number;
  now?: () => Date;
  log?: Log;
}

function parseRecord(body: Buffer): LockRecord | undefined {
  try {
    const parsed = recordSchema.safeParse(JSON.parse(body.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** One attempt to take the lock; never waits. An expired (or unreadable) lock is taken over. */
export async function tryAcquireDataLock(storage: Storage, options: LockOptions): Promise<LockAttempt> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? silentLog;
  const taken = now();
  const record: LockRecord = {
    owner: options.owner,
    purpose: options.purpose,
    acquiredAt: taken.toISOString(),
    expiresAt: new Date(taken.getTime() + options.ttlMs).toISOString(),
  };
  const body = `${JSON.stringify(record, null, 2)}\n`;
  const held = (etag: string): LockAttempt => ({
    acquired: true,
    lock: {
      owner: record.owner,
      expiresAt: new Date(record.expiresAt),
      release: () => storage.deleteIf(DATA_LOCK_KEY, etag),
    },
  });

  // Two rounds: the holder may release between our failed create and our read.
  for (let round = 0; round < 2; round++) {
    try {
      return held(await storage.putIf(DATA_LOCK_KEY, body, { ifNoneMatch: '*' }));
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
    const current = await readLock(storage);
    if (current === undefined) continue;
    const holder = parseRecord(current.body);
    if (holder && Date.parse(holder.expiresAt) > taken.getTime()) return { acquired: false, holder };
    log.warn('data lock: taking over an expired or unreadable lock', {
      previousOwner: holder?.owner ?? '(unreadable)',
      expiredAt: holder?.expiresAt,
    });
    try {
      return held(await storage.putIf(DATA_LOCK_KEY, body, { ifMatch: current.etag }));
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      // Someone else took it over first: look again.
    }
  }
  const current = await readLock(storage);
  const holder = current && parseRecord(current.body);
  return holder ? { acquired: false, holder } : { acquired: false };
}

/**
 * The lock as stored, undefined when it is not there. A holder may release it between a failed create
 * and this read, and S3 answers a GetObject of a missing key with 403, not 404, to a role without a
 * bucket-wide ListBucket grant (the nightly Lambdas list only their prefixes): a read that fails is
 * taken as "released meanwhile" — the next create tells, and a lock that cannot be read is never taken.
 */
async function readLock(storage: Storage): Promise<{ body: Buffer; etag: string } | undefined> {
  try {
    return await storage.getTagged(DATA_LOCK_KEY);
  } catch (error) {
    if (error instanceof StorageError) return undefined;
    throw error;
  }
}

export interface WaitOptions extends LockOptions {
  /** Give up after waiting this long (0: one attempt). */
  waitMs: number;
  /** Between attempts. */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const describeHolder = (holder: LockRecord | undefined): string =>
  holder ? `${holder.owner} (${holder.purpose}) until ${holder.expiresAt}` : 'another writer';

/** Takes the lock, waiting up to `waitMs` for its holder to release it; DataLockHeldError after that. */
export async function acquireDataLock(storage: Storage, options: WaitOptions): Promise<HeldLock> {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pollMs = options.pollMs ?? 1000;
  const deadline = now().getTime() + options.waitMs;
  let logged = false;
  for (;;) {
    const attempt = await tryAcquireDataLock(storage, options);
    if (attempt.acquired) return attempt.lock;
    if (now().getTime() + pollMs > deadline) {
      throw new DataLockHeldError(
        `data lock ${storage.location}/${DATA_LOCK_KEY} is held by ${describeHolder(attempt.holder)}; ${options.owner} waited ${Math.round(options.waitMs / 1000)} s`,
        attempt.holder,
      );
    }
    if (!logged) {
      options.log?.info('data lock held: waiting', { holder: describeHolder(attempt.holder) });
      logged = true;
    }
    await sleep(pollMs);
  }
}

/** Runs `task` while holding the lock (taken as acquireDataLock does); releases it whatever happens. */
export async function withDataLock<T>(
  storage: Storage,
  options: WaitOptions,
  task: (lock: HeldLock) => Promise<T>,
): Promise<T> {
  const lock = await acquireDataLock(storage, options);
  try {
    return await task(lock);
  } finally {
    const released = await lock.release().catch((error: unknown) => {
      options.log?.warn('data lock: release failed (it expires by itself)', {
        owner: lock.owner,
        error: error instanceof Error ? error.message : String(error),
      });
      return true;
    });
    if (!released) {
      options.log?.warn('data lock: it expired and was taken over before release', { owner: lock.owner });
    }
  }
}
