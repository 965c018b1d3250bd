import pLimit from 'p-limit';
import {
  buildExport,
  type Catalog,
  type CatalogEntry,
  catalogEntry,
  catalogJson,
} from '../documents/catalog.js';
import { buildDocument, type KbDocument } from '../documents/document.js';
import { type BoilerplateCounts, removeBoilerplate } from '../normalize/boilerplate.js';
import { isProtectedItem, normaliseItem } from '../normalize/item.js';
import { indexTerms } from '../normalize/terms.js';
import { enrichmentWarnings } from '../pipeline/enrichment-warnings.js';
import type { ResolvedContentType, WpkbConfig } from '../shared/config/schema.js';
import { ItemError, WpkbError } from '../shared/errors.js';
import { type Log, silentLog } from '../shared/logger.js';
import type { NormalisedItem, TermsByTaxonomy, WpItem } from '../shared/types.js';
import { getJson, md5Hex } from '../storage/codec.js';
import type { Storage } from '../storage/port.js';
import { keys } from './keys.js';
import { checkDeletionGuard, planDocuments, type TypeCounts, type TypePlan } from './plan.js';

export interface TransformInput {
  type: ResolvedContentType;
  items: readonly WpItem[];
  /** Terms of the type's taxonomies, as extract stored them; item term ids resolve to their names. */
  terms?: TermsByTaxonomy;
}

/** Documents that do not come from WordPress (curated FAQ): planned, never guarded. */
export interface ExtraDocuments {
  contentType: string;
  documents: readonly KbDocument[];
}

export interface TransformOptions {
  config: WpkbConfig;
  storage: Storage;
  inputs: readonly TransformInput[];
  extra?: readonly ExtraDocuments[];
  /** Skip the deletion guard. */
  force?: boolean;
  /**
   * Documents (`kb/<type>/<id>.csv` keys) this run must leave as the store holds them, with their
   * catalog entries: items an instant update re-read from WordPress after this run's extract, so the
   * store is fresher than the run's copy (functions/core/instant/nightly.ts).
   */
  preserve?: ReadonlySet<string>;
  log?: Log;
}

export interface TransformResult {
  types: Record<string, TypeCounts>;
  /** Per WordPress type: boilerplate paragraphs left out of its documents. */
  boilerplate: Record<string, BoilerplateCounts>;
  /** Documents written or deleted under `kb/`: 0 means nothing to ingest. */
  changes: number;
  objectsWritten: number;
  objectsDeleted: number;
  /** Documents (`.csv` keys under `kb/`) written because they are new or changed. */
  written: string[];
  /** Documents (`.csv` keys under `kb/`) deleted because their item is gone. */
  deleted: string[];
  /** Optional enrichment the items lack (see core/pipeline/enrichment-warnings.ts), one line each. */
  warnings: string[];
}

/** Store writes in flight at once (S3 handles far more; this keeps memory and sockets modest). */
const WRITE_CONCURRENCY = 16;

/**
 * The items of one type as documents will show them: protected items left out (counted as skipped),
 * every other item normalised with the type's labels and terms. The nightly transform and an instant
 * update of one item both go through here.
 */
export function normaliseAll(
  input: TransformInput,
  config: WpkbConfig,
  log: Log,
): { items: NormalisedItem[]; skipped: number } {
  const items: NormalisedItem[] = [];
  let skipped = 0;
  const fieldLabels = { ...config.fieldLabels, ...input.type.fieldLabels };
  const terms = indexTerms(input.terms ?? {});
  // Term ids without a stored term (deleted between the reads, or never there): skipped, said once per taxonomy.
  const unknown = new Map<string, { ids: Set<string>; items: Set<number> }>();
  for (const raw of input.items) {
    if (isProtectedItem(raw)) {
      skipped++;
      continue;
    }
    const onUnknownTerm = (taxonomy: string, id: unknown) => {
      const seen = unknown.get(taxonomy) ?? { ids: new Set<string>(), items: new Set<number>() };
      seen.ids.add(JSON.stringify(id));
      seen.items.add(raw.id);
      unknown.set(taxonomy, seen);
    };
    try {
      items.push(normaliseItem(raw, input.type, { fieldLabels, terms, onUnknownTerm }));
    } catch (cause) {
      if (cause instanceof WpkbError) throw cause;
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new ItemError(
        `${input.type.name} ${raw.id}: cannot normalise item: ${detail}`,
        input.type.name,
        String(raw.id),
        {
          cause,
        },
      );
    }
  }
  for (const [taxonomy, seen] of unknown) {
    log.warn('unknown term ids skipped (deleted terms?)', {
      type: input.type.name,
      taxonomy,
      termIds: [...seen.ids].slice(0, 20).join(', '),
      items: [...seen.items].slice(0, 20).join(', '),
      itemCount: seen.items.size,
    });
  }
  return { items, skipped };
}

/** Writes `body` at `key` unless the store already holds exactly these bytes. */
async function putIfChanged(storage: Storage, key: string, body: string, known: ReadonlyMap<string, string>) {
  if (known.get(key) === md5Hex(body)) return false;
  await storage.put(key, body);
  return true;
}

async function listMd5(storage: Storage, prefix: string): Promise<Map<string, string>> {
  return new Map((await storage.list(prefix)).map((o) => [o.key, o.md5]));
}

/**
 * Normalise → build documents → diff against the store → guard → write/delete → catalog and
 * exports. Everything that can fail on bad input fails before the first write, so a failed run
 * leaves `kb/` as it was.
 */
export async function transform(options: TransformOptions): Promise<TransformResult> {
  const { config, storage, force = false } = options;
  const log = options.log ?? silentLog;

  const built = options.inputs.map((input) => {
    const normalised = normaliseAll(input, options.config, log);
    const { items, counts, blocks } = removeBoilerplate(normalised.items, {
      ...config.boilerplate,
      ...input.type.boilerplate,
    });
    if (counts.blocks) log.info('boilerplate left out', { type: input.type.name, ...counts });
    const documents = items.map(buildDocument);
    return { input, items, skipped: normalised.skipped, boilerplate: counts, blocks, documents };
  });
  const warnings = options.inputs.flatMap((input) => enrichmentWarnings(input.type, input.items));
  for (const warning of warnings) log.warn(`warning: ${warning}`);

  const preserve = options.preserve ?? new Set<string>();
  const listed = await listMd5(storage, 'kb/');
  // Preserved documents are neither written nor deleted: hidden from the plan on both sides.
  const existing = new Map([...listed].filter(([key]) => !preserve.has(documentKeyOf(key))));
  const plans: TypePlan[] = built.map((b) =>
    planDocuments(
      b.input.type.name,
      keys.kbPrefix(b.input.type.name),
      b.documents.filter((doc) => !preserve.has(doc.key)),
      existing,
    ),
  );
  for (const plan of plans) {
    if (force) {
      if (plan.counts.deleted)
        log.warn('deletion guard skipped (--force)', {
          type: plan.contentType,
          deleted: plan.counts.deleted,
        });
      continue;
    }
    checkDeletionGuard(plan, config.deletionGuard);
  }
  for (const extra of options.extra ?? []) {
    const plan = planDocuments(
      extra.contentType,
      keys.kbPrefix(extra.contentType),
      extra.documents,
      existing,
    );
    if (extra.documents.length || plan.existingDocuments || plan.deletes.length) plans.push(plan);
  }

  const limit = pLimit(WRITE_CONCURRENCY);
  const writes = plans.flatMap((p) => p.writes);
  await Promise.all(writes.map((w) => limit(() => storage.put(w.key, w.body))));
  const deletes = plans.flatMap((p) => p.deletes);
  if (deletes.length) await storage.delete(deletes);

  const catalogs = await listMd5(storage, 'catalog/');
  const exports = await listMd5(storage, 'exports/');
  const states = await listMd5(storage, BOILERPLATE_PREFIX);
  for (const b of built) {
    const name = b.input.type.name;
    const entries = await catalogEntries(storage, name, b.items, preserve);
    await putIfChanged(storage, keys.catalog(name), catalogJson(name, entries), catalogs);
    await putIfChanged(storage, keys.export(name), buildExport(b.items), exports);
    await putIfChanged(storage, keys.boilerplate(name), boilerplateState(name, b.blocks), states);
  }

  const types: Record<string, TypeCounts> = {};
  let changes = 0;
  for (const plan of plans) {
    const source = built.find((b) => b.input.type.name === plan.contentType);
    types[plan.contentType] = {
      fetched: source
        ? source.input.items.length
        : plan.counts.new + plan.counts.changed + plan.counts.unchanged,
      skipped: source?.skipped ?? 0,
      ...plan.counts,
    };
    changes += plan.counts.new + plan.counts.changed + plan.counts.deleted;
    log.info('transformed', { type: plan.contentType, ...types[plan.contentType] });
  }
  const documents = (list: readonly string[]) =>
    [...new Set(list.map(documentKeyOf))].filter((key) => key.endsWith('.csv')).sort();
  const boilerplate = Object.fromEntries(built.map((b) => [b.input.type.name, b.boilerplate]));
  return {
    types,
    boilerplate,
    changes,
    objectsWritten: writes.length,
    objectsDeleted: deletes.length,
    written: documents(writes.map((w) => w.key)),
    deleted: documents(deletes),
    warnings,
  };
}

const BOILERPLATE_PREFIX = 'state/boilerplate/';

/**
 * `state/boilerplate/<type>.json`: the type's boilerplate block keys as this transform found them, so an
 * instant update of one item leaves out the same paragraphs (functions/core/instant/item.ts).
 * Deterministic bytes: rewritten only when the set changes.
 */
export interface BoilerplateState {
  content_type: string;
  blocks: string[];
}

function boilerplateState(contentType: string, blocks: readonly string[]): string {
  const state: BoilerplateState = { content_type: contentType, blocks: [...blocks] };
  return `${JSON.stringify(state, null, 2)}\n`;
}

/** `kb/stores/12.csv.metadata.json` → `kb/stores/12.csv`; a document key stays as it is. */
const documentKeyOf = (key: string): string => key.replace(/\.metadata\.json$/, '');

/**
 * The type's catalog entries: the run's items, except preserved ones, whose entries (or absence) are
 * kept as the stored catalog has them.
 */
async function catalogEntries(
  storage: Storage,
  contentType: string,
  items: readonly NormalisedItem[],
  preserve: ReadonlySet<string>,
): Promise<CatalogEntry[]> {
  const prefix = keys.kbPrefix(contentType);
  const preservedIds = new Set(
    [...preserve]
      .filter((key) => key.startsWith(prefix) && key.endsWith('.csv'))
      .map((key) => key.slice(prefix.length, -'.csv'.length)),
  );
  const fresh = items.filter((item) => !preservedIds.has(item.sourceId)).map(catalogEntry);
  if (preservedIds.size === 0) return fresh;
  const stored = await getJson<Catalog>(storage, keys.catalog(contentType));
  const kept = (stored?.items ?? []).filter((entry) => preservedIds.has(entry.source_id));
  return [...fresh, ...kept];
}
