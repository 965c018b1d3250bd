import type { Clock } from '../shared/clock.js';

/** A secret read from a store, kept for a while: read again when old, or early when it seems rotated. */
export interface SecretSource {
  /** The cached value, read again once it is older than the cache's lifetime. A failed read is not kept. */
  get(): Promise<string>;
  /**
   * A fresh read for when the value seems rotated (a signature made with it failed to match): `undefined`
   * when the last read is too recent, so forged requests cannot make every request read the store.
   */
  refresh(): Promise<string | undefined>;
}

export interface SecretCacheOptions {
  /** How long a value is used before it is read again. Default 5 minutes. */
  ttlMs?: number;
  /** `refresh()` reads again only if the last read started at least this long ago. Default 1 minute. */
  refreshAfterMs?: number;
}

/** Caches `read` (e.g. Secrets Manager's GetSecretValue): rotation takes effect without a redeploy. */
export function secretCache(
  read: () => Promise<string>,
  clock: Clock,
  { ttlMs = 5 * 60_000, refreshAfterMs = 60_000 }: SecretCacheOptions = {},
): SecretSource {
  let cached: { value: Promise<string>; at: number } | undefined;
  const load = (now: number): Promise<string> => {
    const value = read();
    const entry = { value, at: now };
    cached = entry;
    value.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return value;
  };
  return {
    get() {
      const now = clock.now().getTime();
      return cached && now - cached.at <= ttlMs ? cached.value : load(now);
    },
    async refresh() {
      const now = clock.now().getTime();
      if (cached && now - cached.at < refreshAfterMs) return undefined;
      return load(now);
    },
  };
}
