import { catalogEntry } from '../documents/catalog.js';
import { buildDocument, documentKey, sidecarKeyFor } from '../documents/document.js';
import { BoilerplateRemover } from '../normalize/boilerplate.js';
import { isProtectedItem } from '../normalize/item.js';
import { readExtractState } from '../pipeline/extract-state.js';
import { boilerplateSettings, itemNormaliser } from '../pipeline/transform.js';
import type { ResolvedContentType, WpkbConfig } from '../shared/config/schema.js';
import type { Log } from '../shared/logger.js';
import type { TermsByTaxonomy } from '../shared/types.js';
import { md5Hex } from '../storage/codec.js';
import type { Storage } from '../storage/port.js';
import type { WordPressClient } from '../wordpress/client.js';
import { updateCatalogEntry } from './catalog.js';

export interface InstantDeps {
  config: WpkbConfig;
  storage: Storage;
  client: Pick<WordPressClient, 'resolveTypes' | 'fetchItem' | 'fetchTerms' | 'fetchAll'>;
  log: Log;
  now: () => Date;
  /** For the catalog's read-modify-write retries (tests pass an instant one). */
  sleep?: (ms: number) => Promise<void>;
}

/** What one update did to the store. */
export interface StoreChange {
  action: 'written' | 'deleted' | 'unchanged';
  /** `kb/…csv` keys written (new or changed document or sidecar). */
  written: string[];
  /** `kb/…csv` keys deleted. */
  deleted: string[];
  catalogChanged: boolean;
  /** Why: `published`, `status draft`, `HTTP 404 (rest_post_invalid_id)`, `password-protected`. */
  reason: string;
}

/**
 * One item, re-read from WordPress and written exactly as the nightly run would write it: the same
 * client and visibility rule (published, not password-protected), the same normalisation, boilerplate
 * rule (the type's blocks as the last full transform stored them) and document builder, the same
 * catalog entry. A visible item whose document and sidecar bytes are what the store
 * holds changes nothing (no write, so nothing to ingest); an item that is not visible (hidden, gone,
 * protected) loses its document, sidecar and catalog entry. The caller holds the data lock.
 */
export async function applyItemUpdate(
  type: ResolvedContentType,
  id: number,
  deps: InstantDeps,
  options: { termsRunId: string },
): Promise<StoreChange> {
  const { storage, log } = deps;
  const read = await deps.client.fetchItem(type, id);
  const visible = read.kind === 'item' && !isProtectedItem(read.item);
  if (read.kind !== 'item' || !visible) {
    const reason = read.kind === 'item' ? 'password-protected' : read.reason;
    return removeItem(type, id, reason, deps);
  }

  const termReads = await Promise.all(
    type.taxonomies.map((taxonomy) =>
      deps.client.fetchTerms(taxonomy.restBase, { runId: options.termsRunId }),
    ),
  );
  const terms: TermsByTaxonomy = Object.fromEntries(termReads.map((r) => [r.taxonomy, r.terms]));
  const normalised = itemNormaliser(type, deps.config, terms)(read.item);
  // Boilerplate is a property of the whole type: the blocks the last complete run found (kept in the
  // type's state) are left out here too, so this document has the bytes the next nightly run would give
  // it (unless this very edit moves a block across the threshold; the nightly run then rewrites it).
  const blocks = boilerplateSettings(type, deps.config).enabled
    ? ((await readExtractState(storage, type.name)).state?.transform?.boilerplateBlocks ?? [])
    : [];
  const remover = new BoilerplateRemover({ enabled: true, blocks: new Map(blocks.map((hash) => [hash, 0])) });
  const item = remover.apply(normalised);
  const document = buildDocument(item);

  const [csv, sidecar] = await Promise.all([storage.get(document.key), storage.get(document.sidecarKey)]);
  const csvSame = csv !== undefined && md5Hex(csv) === md5Hex(document.csv);
  const sidecarSame = sidecar !== undefined && md5Hex(sidecar) === md5Hex(document.sidecar);
  // Sidecar first: whoever sees the new document also sees its metadata.
  if (!sidecarSame) await storage.put(document.sidecarKey, document.sidecar);
  if (!csvSame) await storage.put(document.key, document.csv);
  const catalogChanged = await updateCatalogEntry(storage, type.name, item.sourceId, catalogEntry(item), {
    log,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  const changed = !csvSame || !sidecarSame;
  return {
    action: changed ? 'written' : 'unchanged',
    written: changed ? [document.key] : [],
    deleted: [],
    catalogChanged,
    reason: 'published',
  };
}

async function removeItem(
  type: ResolvedContentType,
  id: number,
  reason: string,
  deps: InstantDeps,
): Promise<StoreChange> {
  const key = documentKey(type.name, String(id));
  const sidecarKey = sidecarKeyFor(key);
  const [csv, sidecar] = await Promise.all([deps.storage.get(key), deps.storage.get(sidecarKey)]);
  if (csv !== undefined || sidecar !== undefined) await deps.storage.delete([key, sidecarKey]);
  const catalogChanged = await updateCatalogEntry(deps.storage, type.name, String(id), undefined, {
    log: deps.log,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  const deleted = csv !== undefined;
  return {
    action: deleted ? 'deleted' : 'unchanged',
    written: [],
    deleted: deleted ? [key] : [],
    catalogChanged,
    reason,
  };
}
