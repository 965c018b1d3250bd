import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  acquireDataLock,
  DATA_LOCK_KEY,
  DataLockHeldError,
  tryAcquireDataLock,
  withDataLock,
} from '../../../functions/core/storage/data-lock.js';
import { createMemoryStorage } from '../../../functions/core/storage/memory.js';
import type { Storage } from '../../../functions/core/storage/port.js';
import { createLocalStorage } from '../../../functions/local/storage/directory.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function localStore(): Promise<Storage> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wpkb-lock-'));
  dirs.push(dir);
  return createLocalStorage(dir);
}

/** One attempt to take the lock, as `owner` for `purpose`. */
const take = (storage: Storage, owner: string, purpose: string, ttlMs: number, now?: () => Date) =>
  tryAcquireDataLock(storage, { owner, purpose, ttlMs, ...(now ? { now } : {}) });

/** A clock the test moves. */
function manualClock(start = '2026-03-01T03:00:00Z') {
  let now = Date.parse(start);
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

for (const [name, factory] of [
  ['memory', async () => createMemoryStorage()],
  ['local directory', localStore],
] as const) {
  describe(`data lock (${name})`, () => {
    it('is held by one taker at a time, names its holder, and can be taken again once released', async () => {
      const storage = await factory();
      const clock = manualClock();
      const a = await take(storage, 'nightly:run-1', 'transform', 600_000, clock.now);
      expect(a.acquired).toBe(true);
      const b = await take(storage, 'worker:req-1', 'instant update', 120_000, clock.now);
      expect(b).toEqual({
        acquired: false,
        holder: {
          owner: 'nightly:run-1',
          purpose: 'transform',
          acquiredAt: '2026-03-01T03:00:00.000Z',
          expiresAt: '2026-03-01T03:10:00.000Z',
        },
      });
      if (!a.acquired) throw new Error('unreachable');
      expect(await a.lock.release()).toBe(true);
      expect(await storage.get(DATA_LOCK_KEY)).toBeUndefined();
      const c = await take(storage, 'worker:req-1', 'instant update', 120_000, clock.now);
      expect(c.acquired).toBe(true);
    });

    it('lets exactly one of several racing takers win', async () => {
      const storage = await factory();
      const attempts = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          tryAcquireDataLock(storage, { owner: `worker:${i}`, purpose: 'instant update', ttlMs: 60_000 }),
        ),
      );
      const winners = attempts.filter((a) => a.acquired);
      expect(winners).toHaveLength(1);
      const owner = winners[0]?.acquired ? winners[0].lock.owner : '';
      for (const attempt of attempts) {
        if (!attempt.acquired) expect(attempt.holder?.owner).toBe(owner);
      }
    });

    it('takes over an expired lock; the old holder then cannot release the new one', async () => {
      const storage = await factory();
      const clock = manualClock();
      const old = await take(storage, 'worker:crashed', 'instant update', 60_000, clock.now);
      clock.advance(60_001);
      const next = await take(storage, 'nightly:run-2', 'transform', 600_000, clock.now);
      expect(next.acquired).toBe(true);
      if (!old.acquired || !next.acquired) throw new Error('unreachable');
      expect(await old.lock.release()).toBe(false);
      expect((await storage.get(DATA_LOCK_KEY))?.toString()).toContain('nightly:run-2');
      expect(await next.lock.release()).toBe(true);
    });

    it('takes over a lock object it cannot read', async () => {
      const storage = await factory();
      await storage.put(DATA_LOCK_KEY, 'not json');
      const attempt = await tryAcquireDataLock(storage, { owner: 'a', purpose: 'p', ttlMs: 1000 });
      expect(attempt.acquired).toBe(true);
    });

    it('waits for the holder to release, or gives up naming the holder', async () => {
      const storage = await factory();
      const clock = manualClock();
      const holder = await take(storage, 'nightly:run-3', 'transform', 600_000, clock.now);
      if (!holder.acquired) throw new Error('unreachable');
      let sleeps = 0;
      const sleep = async (ms: number) => {
        sleeps++;
        clock.advance(ms);
        if (sleeps === 3) await holder.lock.release();
      };
      const lock = await acquireDataLock(storage, {
        owner: 'worker:w',
        purpose: 'instant update',
        ttlMs: 60_000,
        waitMs: 30_000,
        pollMs: 1000,
        now: clock.now,
        sleep,
      });
      expect(lock.owner).toBe('worker:w');
      expect(sleeps).toBe(3);

      const error = await acquireDataLock(storage, {
        owner: 'worker:late',
        purpose: 'instant update',
        ttlMs: 60_000,
        waitMs: 5000,
        pollMs: 1000,
        now: clock.now,
        sleep: async (ms) => void clock.advance(ms),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataLockHeldError);
      expect((error as DataLockHeldError).name).toBe('DataLockHeldError');
      expect((error as DataLockHeldError).holder?.owner).toBe('worker:w');
      expect((error as Error).message).toContain('held by worker:w (instant update)');
    });

    it('releases the lock when the task fails', async () => {
      const storage = await factory();
      const failure = await withDataLock(
        storage,
        { owner: 'worker:x', purpose: 'instant update', ttlMs: 60_000, waitMs: 0 },
        async () => {
          expect(await storage.get(DATA_LOCK_KEY)).toBeDefined();
          throw new Error('WordPress down');
        },
      ).catch((e: unknown) => e);
      expect((failure as Error).message).toBe('WordPress down');
      expect(await storage.get(DATA_LOCK_KEY)).toBeUndefined();
    });
  });
}
