import { z } from 'zod';
import type { Clock } from '../shared/clock.js';
import { oneLine, StorageError, WpkbError } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import { md5Hex } from '../storage/codec.js';
import type { Storage } from '../storage/port.js';

/**
 * What the action group reads from `catalog/<type>.json` (written by transform, see
 * functions/core/documents/catalog.ts). Parsed leniently: fields added later (taxonomies…) pass through,
 * so a newer catalog never breaks an older handler.
 */
const entrySchema = z.looseObject({
  source_id: z.string().min(1),
  content_type: z.string(),
  title: z.string(),
  url: z.string().default(''),
  modified_at: z.string().default(''),
  date_text: z.string().optional(),
  start_date: z.number().int().optional(),
  end_date: z.number().int().optional(),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  fields: z.array(z.object({ label: z.string(), value: z.string() })).default([]),
  summary: z.string().default(''),
  /** Taxonomy terms per taxonomy (`{category: ['Moda']}`), when the catalog has them. */
  taxonomies: z.unknown().optional(),
});

const catalogSchema = z.looseObject({
  content_type: z.string(),
  items: z.array(entrySchema),
});

export type CatalogItem = z.infer<typeof entrySchema>;

/** The catalog could not be read or is not a catalog: the action answers 500/503, never throws. */
export class CatalogError extends WpkbError {
  override readonly name = 'CatalogError';
  constructor(
    message: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const catalogKey = (type: string) => `catalog/${type}.json`;

/** Every taxonomy term of an item, whatever shape `taxonomies` has (strings anywhere inside it). */
export function termsOf(item: CatalogItem): string[] {
  const out: string[] = [];
  const walk = (value: unknown, depth: number): void => {
    if (depth > 4) return;
    if (typeof value === 'string') {
      if (value.trim()) out.push(value.trim());
    } else if (Array.isArray(value)) for (const v of value) walk(v, depth + 1);
    else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      // A term object ({name, slug, id}) contributes its name only.
      if (typeof o.name === 'string') walk(o.name, depth + 1);
      else for (const v of Object.values(o)) walk(v, depth + 1);
    }
  };
  walk(item.taxonomies, 0);
  return [...new Set(out)];
}

export function parseCatalog(bytes: Buffer, key: string): CatalogItem[] {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw new CatalogError(`${key}: not valid JSON`, key, { cause });
  }
  const parsed = catalogSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CatalogError(
      `${key}: not a catalog (${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'})`,
      key,
      { cause: parsed.error },
    );
  }
  return parsed.data.items;
}

export interface LoadedCatalogs {
  /** Items per requested type that has a catalog. */
  items: Map<string, CatalogItem[]>;
  /** Requested types whose `catalog/<type>.json` does not exist (yet). */
  missing: string[];
}

export interface CatalogCache {
  load(types: readonly string[]): Promise<LoadedCatalogs>;
}

export interface CatalogCacheOptions {
  storage: Storage;
  clock: Clock;
  log: Log;
  /**
   * How long a checked catalog is trusted before the store is asked again whether it changed
   * (one listing of `catalog/`; a changed object, by MD5/ETag, is read again). 0: every call.
   */
  checkIntervalMs: number;
}

interface Cached {
  md5: string;
  items: CatalogItem[];
}

/**
 * Catalogs cached for the life of a warm container. At most once per `checkIntervalMs`, one listing
 * of `catalog/` says which objects changed; only those are read and parsed again. A catalog that
 * disappeared is forgotten. When a check fails after a successful one, the catalogs already loaded
 * are served (and the check retried on the next call); other read failures are CatalogErrors.
 */
export function createCatalogCache(options: CatalogCacheOptions): CatalogCache {
  const { storage, clock, log, checkIntervalMs } = options;
  const cache = new Map<string, Cached>();
  let listed: Map<string, string> | undefined;
  let checkedAt = Number.NEGATIVE_INFINITY;

  async function listing(): Promise<Map<string, string>> {
    const now = clock.now().getTime();
    if (listed && now - checkedAt < checkIntervalMs) return listed;
    try {
      const objects = await storage.list('catalog/');
      listed = new Map(objects.map((o) => [o.key, o.md5]));
      checkedAt = now;
      return listed;
    } catch (cause) {
      // A passing store failure should not take the directory down: serve what was loaded, retry next call.
      if (listed) {
        log.warn('catalog check failed; serving the catalogs already loaded', { error: oneLine(cause) });
        return listed;
      }
      const key = cause instanceof StorageError ? cause.key : 'catalog/';
      throw new CatalogError(`cannot list catalog/ in ${storage.location}`, key, { cause });
    }
  }

  return {
    async load(types) {
      const objects = await listing();
      const items = new Map<string, CatalogItem[]>();
      const missing: string[] = [];
      for (const type of types) {
        const key = catalogKey(type);
        const md5 = objects.get(key);
        if (md5 === undefined) {
          cache.delete(key);
          missing.push(type);
          continue;
        }
        const hit = cache.get(key);
        if (hit && hit.md5 === md5) {
          items.set(type, hit.items);
          continue;
        }
        let bytes: Buffer | undefined;
        try {
          bytes = await storage.get(key);
        } catch (cause) {
          throw new CatalogError(`cannot read ${key} in ${storage.location}`, key, { cause });
        }
        if (bytes === undefined) {
          cache.delete(key);
          missing.push(type);
          continue;
        }
        const parsed = parseCatalog(bytes, key);
        // The bytes' own hash: if the object changed between list and get, the next check re-reads it.
        cache.set(key, { md5: md5Hex(bytes), items: parsed });
        log.info('catalog loaded', { key, items: parsed.length });
        items.set(type, parsed);
      }
      return { items, missing };
    },
  };
}
