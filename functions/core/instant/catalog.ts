import { type Catalog, type CatalogEntry, catalogJson } from '../documents/catalog.js';
import { keys } from '../pipeline/keys.js';
import { ConditionFailedError, StorageError } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import type { Storage } from '../storage/port.js';

export interface CatalogUpdateOptions {
  log: Log;
  /** Read-modify-write rounds before giving up (each lost race costs one). */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

function parseCatalog(body: Buffer, key: string, location: string): Catalog {
  try {
    const value = JSON.parse(body.toString('utf8')) as Catalog;
    if (!Array.isArray(value?.items)) throw new Error('no "items" array');
    return value;
  } catch (cause) {
    throw new StorageError(`Invalid catalog ${key} (${location}): ${(cause as Error).message}`, key, {
      cause,
    });
  }
}

/**
 * Puts one item's entry into `catalog/<type>.json` (or removes it when `entry` is undefined) as a
 * read-modify-write guarded by the catalog's ETag (`If-Match`; `If-None-Match: *` when there is no
 * catalog yet): a concurrent writer — another item of the same type, or the nightly transform — makes
 * the write fail, and the update is re-applied to what that writer left. Same bytes as the nightly
 * transform for the same entries (catalogJson). Returns true when the catalog changed.
 */
export async function updateCatalogEntry(
  storage: Storage,
  contentType: string,
  sourceId: string,
  entry: CatalogEntry | undefined,
  options: CatalogUpdateOptions,
): Promise<boolean> {
  const key = keys.catalog(contentType);
  const maxAttempts = options.maxAttempts ?? 8;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    const current = await storage.getTagged(key);
    const catalog = current ? parseCatalog(current.body, key, storage.location) : undefined;
    const others = (catalog?.items ?? []).filter((item) => item.source_id !== sourceId);
    if (!current && entry === undefined) return false;
    const body = catalogJson(contentType, entry ? [...others, entry] : others);
    if (current?.body.equals(Buffer.from(body, 'utf8'))) return false;
    try {
      await storage.putIf(key, body, current ? { ifMatch: current.etag } : { ifNoneMatch: '*' });
      return true;
    } catch (error) {
      if (!(error instanceof ConditionFailedError) || attempt >= maxAttempts) throw error;
      options.log.debug('catalog changed under the update: re-reading', { key, attempt });
      await sleep(Math.round(random() * 50 * attempt));
    }
  }
}
