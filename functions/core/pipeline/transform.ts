import { createHash } from 'node:crypto';
import {
  type Catalog,
  type CatalogEntry,
  catalogWriter,
  exportWriter,
  type PieceWriter,
} from '../documents/catalog.js';
import { buildDocument, documentMetadataSidecar, type KbDocument } from '../documents/document.js';
import {
  type BoilerplateBlocks,
  BoilerplateCounter,
  type BoilerplateCounts,
  BoilerplateRemover,
} from '../normalize/boilerplate.js';
import { isProtectedItem, normaliseItem } from '../normalize/item.js';
import { indexTerms } from '../normalize/terms.js';
import type { ResolvedContentType, WpkbConfig } from '../shared/config/schema.js';
import { ItemError, StorageError, WpkbError } from '../shared/errors.js';
import { type Log, silentLog } from '../shared/logger.js';
import type { NormalisedItem, TermsByTaxonomy, WpItem } from '../shared/types.js';
import { getJson, md5Hex } from '../storage/codec.js';
import type { Storage } from '../storage/port.js';
import { createTempDir, JsonLinesGzFile, putFile, type TempDir, TextFile } from '../storage/stream.js';
import { EnrichmentTracker } from './enrichment-warnings.js';
import { PIPELINE_VERSION } from './extract-state.js';
import { keys } from './keys.js';
import { checkDeletionGuard, planDocuments, type TypeCounts, type TypePlan } from './plan.js';

export interface TransformInput {
  type: ResolvedContentType;
  /**
   * The type's items, sorted by id (as extract stores them): read once, one at a time. An array is
   * sorted here; any other iterable must come sorted (a run fails naming the item that is not).
   */
  items: Iterable<WpItem> | AsyncIterable<WpItem>;
  /** Terms of the type's taxonomies, as extract stored them; item term ids resolve to their names. */
  terms?: TermsByTaxonomy;
  /** MD5 of those terms as stored ('' or absent without taxonomies). */
  termsMd5?: string;
  /**
   * The previous complete run's memory of this type, given when the items are exactly that run's (extract
   * read nothing and nothing went): if the inputs and the stored documents are as that run left them too,
   * the type is not transformed again.
   */
  previous?: TypeMemory;
}

/**
 * What a run remembers of a type's transform (kept in `state/<type>.json`): enough to tell, next run,
 * that the same items with the same settings and terms would give exactly the documents already stored.
 */
export interface TypeMemory {
  /** Digest of what documents depend on besides the items: settings, resolved type, terms, version. */
  inputs: string;
  /** Order-free digest of the type's `kb/` objects (key and MD5 of each) after the run. */
  kb: string;
  catalogMd5: string;
  exportMd5: string;
  fetched: number;
  documents: number;
  skipped: number;
  boilerplate: BoilerplateCounts;
  /**
   * The type's boilerplate blocks (hashed paragraph keys, sorted): what an instant update of one item
   * leaves out until the next run finds them again (functions/core/instant/item.ts).
   */
  boilerplateBlocks: string[];
  warnings: string[];
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
  /** Items of a type normalised (first pass) or written out (second pass), for progress. */
  onItems?: (event: { type: string; pass: 1 | 2; items: number; total?: number }) => void;
}

export interface TransformResult {
  types: Record<string, TypeCounts>;
  /** Per WordPress type: boilerplate paragraphs left out of its documents. */
  boilerplate: Record<string, BoilerplateCounts>;
  /** Documents written or deleted under `kb/`: 0 means nothing to ingest. */
  changes: number;
  objectsWritten: number;
  objectsDeleted: number;
  /** Documents (`.csv` keys under `kb/`) written because they are new or changed, sorted. */
  written: string[];
  /** Documents (`.csv` keys under `kb/`) deleted because their item is gone, sorted. */
  deleted: string[];
  /** Optional enrichment the items lack (see core/pipeline/enrichment-warnings.ts), one line each. */
  warnings: string[];
  /** Per WordPress type: what the next run compares with (written into the type's state). */
  memories: Record<string, TypeMemory>;
  /** Types not transformed again: same items, settings, terms and stored documents as the previous run. */
  unchangedTypes: string[];
}

/** Store writes in flight at once (S3 handles far more; this keeps memory and sockets modest). */
export const WRITE_CONCURRENCY = 16;
/** Digest of what a type's documents depend on besides its items. */
function inputsDigest(input: TransformInput, config: WpkbConfig): string {
  const { type } = input;
  return createHash('sha256')
    .update(
      JSON.stringify({
        version: PIPELINE_VERSION,
        type,
        fieldLabels: config.fieldLabels,
        boilerplate: config.boilerplate,
        terms: input.termsMd5 ?? '',
      }),
    )
    .digest('hex');
}

/** An order-free digest of objects (XOR of the MD5 of each `key NUL md5`). */
class ObjectsDigest {
  private readonly value = Buffer.alloc(16);
  add(key: string, md5: string): void {
    const one = createHash('md5').update(`${key}\0${md5}`).digest();
    for (let i = 0; i < 16; i++) this.value[i] = (this.value[i] as number) ^ (one[i] as number);
  }
  hex(): string {
    return this.value.toString('hex');
  }
}

function digestOf(existing: ReadonlyMap<string, string>, prefix: string): string {
  const digest = new ObjectsDigest();
  for (const [key, md5] of existing) if (key.startsWith(prefix)) digest.add(key, md5);
  return digest.hex();
}

/** Progress is reported every this many items. */
const PROGRESS_EVERY = 250;

/** Writes run `limit` at a time; `add` waits while that many are in flight; the first failure wins. */
class BoundedWrites {
  private readonly running = new Set<Promise<void>>();
  private failure: unknown;
  count = 0;
  constructor(private readonly limit: number) {}

  async add(write: () => Promise<void>): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    while (this.running.size >= this.limit) await Promise.race(this.running);
    if (this.failure !== undefined) throw this.failure;
    this.count++;
    const running: Promise<void> = write()
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => this.running.delete(running));
    this.running.add(running);
  }

  async drain(): Promise<void> {
    await Promise.all(this.running);
    if (this.failure !== undefined) throw this.failure;
  }
}

/** What the first pass learnt of a type; the second pass writes from it. */
interface FirstPass {
  input: TransformInput;
  fetched: number;
  skipped: number;
  /** The normalised items, in id order, in a temp file. */
  spool: JsonLinesGzFile;
  /** Items that make a document. */
  documents: number;
  boilerplate: BoilerplateBlocks;
  /** Documents of the type in the store before the run; those that stay. */
  existingDocuments: number;
  present: number;
  /** Items whose document the run preserves (TransformOptions.preserve). */
  preserved: number;
  /** Optional enrichment no item of the type carries (enrichment-warnings.ts). */
  warnings: string[];
}

/** How the transform normalises one item of a type: with the type's labels and the run's terms. */
export type ItemNormaliser = (
  raw: WpItem,
  onUnknownTerm?: (taxonomy: string, id: unknown) => void,
) => NormalisedItem;

/**
 * The normaliser of a type's items (labels, terms), failing with an ItemError naming the item: the
 * nightly run's first pass and an instant update of one item (functions/core/instant/item.ts) share it.
 */
export function itemNormaliser(
  type: ResolvedContentType,
  config: WpkbConfig,
  terms: TermsByTaxonomy | undefined,
): ItemNormaliser {
  const fieldLabels = { ...config.fieldLabels, ...type.fieldLabels };
  const indexed = indexTerms(terms ?? {});
  return (raw, onUnknownTerm) => {
    try {
      return normaliseItem(raw, type, {
        fieldLabels,
        terms: indexed,
        ...(onUnknownTerm ? { onUnknownTerm } : {}),
      });
    } catch (cause) {
      if (cause instanceof WpkbError) throw cause;
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new ItemError(
        `${type.name} ${raw.id}: cannot normalise item: ${detail}`,
        type.name,
        String(raw.id),
        {
          cause,
        },
      );
    }
  };
}

/** The boilerplate settings of a type: the configuration's, with the type's own on top. */
export const boilerplateSettings = (type: ResolvedContentType, config: WpkbConfig) => ({
  ...config.boilerplate,
  ...type.boilerplate,
});

/** The items of an input in id order, one at a time; an unsorted iterable fails naming the item. */
async function* sortedItems(input: TransformInput): AsyncGenerator<WpItem> {
  const items = Array.isArray(input.items)
    ? [...(input.items as WpItem[])].sort((a, b) => a.id - b.id)
    : input.items;
  let last = Number.NEGATIVE_INFINITY;
  for await (const item of items) {
    if (!(item.id > last)) {
      throw new StorageError(
        `${input.type.name} ${item.id}: items must come sorted by id without repeats (${item.id} after ${last})`,
        keys.kbPrefix(input.type.name),
      );
    }
    last = item.id;
    yield item;
  }
}

/**
 * First pass over one type, one item at a time: normalise (an item that cannot be normalised fails the run
 * here, before any write), count the body paragraphs for boilerplate, check the sidecar's size, compare the
 * document keys with the store's listing (for the deletion guard), and spool the normalised item.
 */
async function firstPass(
  input: TransformInput,
  config: WpkbConfig,
  existing: ReadonlyMap<string, string>,
  temp: TempDir,
  options: Pick<TransformOptions, 'onItems'> & { log: Log; preserve: ReadonlySet<string> },
): Promise<FirstPass> {
  const { type } = input;
  const { log } = options;
  const normalise = itemNormaliser(type, config, input.terms);
  const counter = new BoilerplateCounter(boilerplateSettings(type, config));
  const enrichment = new EnrichmentTracker(type);
  const spool = new JsonLinesGzFile(temp.file(`${type.name}.normalised.jsonl.gz`), 1);
  // Term ids without a stored term (deleted between the reads, or never there): skipped, said once per taxonomy.
  const unknown = new Map<string, { ids: Set<string>; items: Set<number>; count: number }>();
  let fetched = 0;
  let skipped = 0;
  let present = 0;
  let preserved = 0;
  for await (const raw of sortedItems(input)) {
    fetched++;
    enrichment.add(raw);
    if (fetched % PROGRESS_EVERY === 0) options.onItems?.({ type: type.name, pass: 1, items: fetched });
    if (isProtectedItem(raw)) {
      skipped++;
      continue;
    }
    const onUnknownTerm = (taxonomy: string, id: unknown) => {
      const seen = unknown.get(taxonomy) ?? { ids: new Set<string>(), items: new Set<number>(), count: 0 };
      if (seen.ids.size < 20) seen.ids.add(JSON.stringify(id));
      if (seen.items.size < 20) seen.items.add(raw.id);
      seen.count++;
      unknown.set(taxonomy, seen);
    };
    const item = normalise(raw, onUnknownTerm);
    counter.add(item);
    documentMetadataSidecar(item); // throws (naming the item) when the sidecar is too large
    const key = `${keys.kbPrefix(type.name)}${item.sourceId}.csv`;
    if (existing.has(key)) present++;
    if (options.preserve.has(key)) preserved++;
    await spool.write(item);
  }
  await spool.close();
  options.onItems?.({ type: type.name, pass: 1, items: fetched });
  for (const [taxonomy, seen] of unknown) {
    log.warn('unknown term ids skipped (deleted terms?)', {
      type: type.name,
      taxonomy,
      termIds: [...seen.ids].join(', '),
      items: [...seen.items].join(', '),
      itemCount: seen.count,
    });
  }
  let existingDocuments = 0;
  const prefix = keys.kbPrefix(type.name);
  for (const key of existing.keys()) if (key.startsWith(prefix) && key.endsWith('.csv')) existingDocuments++;
  return {
    input,
    fetched,
    skipped,
    spool,
    documents: spool.count,
    boilerplate: counter.blocks(),
    existingDocuments,
    present,
    preserved,
    warnings: enrichment.warnings(),
  };
}

/** The type's deletion guard, judged over the whole type from the first pass. */
function guard(pass: FirstPass, config: WpkbConfig, force: boolean, log: Log): void {
  const deleted = pass.existingDocuments - pass.present;
  const name = pass.input.type.name;
  if (force) {
    if (deleted) log.warn('deletion guard skipped (--force)', { type: name, deleted });
    return;
  }
  checkDeletionGuard(
    {
      contentType: name,
      existingDocuments: pass.existingDocuments,
      deleted,
      after: pass.documents - pass.preserved,
    },
    config.deletionGuard,
  );
}

interface SecondPass {
  counts: Omit<TypeCounts, 'fetched' | 'skipped'>;
  /** Digest of the type's kb/ objects after the run. */
  kb: string;
  boilerplate: BoilerplateCounts;
  deletes: string[];
  /** Documents (`.csv` keys) written: new, or the document or its sidecar changed. */
  written: string[];
  catalog: { file: string; md5: string };
  export: { file: string; md5: string };
}

/** The documents of a type the run preserves, and their entries in the stored catalog (sorted by id). */
interface Preserved {
  keys: ReadonlySet<string>;
  entries: CatalogEntry[];
}

const compareIds = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** `kb/stores/12.csv.metadata.json` → `kb/stores/12.csv`; a document key stays as it is. */
const documentKeyOf = (key: string): string => key.replace(/\.metadata\.json$/, '');

/** The preserved documents of a type and, for those, the entries the stored catalog holds. */
async function preservedOf(
  storage: Storage,
  name: string,
  preserve: ReadonlySet<string>,
): Promise<Preserved> {
  const prefix = keys.kbPrefix(name);
  const own = new Set([...preserve].filter((key) => key.startsWith(prefix) && key.endsWith('.csv')));
  if (own.size === 0) return { keys: own, entries: [] };
  const stored = await getJson<Catalog>(storage, keys.catalog(name));
  const entries = (stored?.items ?? [])
    .filter((entry) => own.has(`${prefix}${entry.source_id}.csv`))
    .sort((a, b) => compareIds(a.source_id, b.source_id));
  return { keys: own, entries };
}

/**
 * Second pass over one type, one item at a time from the spool: leave out boilerplate, build the document,
 * compare both files' MD5 with the listing and write what differs (a bounded number at once), and write
 * the catalog and export entries to temp files. Returns the keys of documents whose item is gone.
 * Preserved documents are neither written nor deleted; their catalog entries are the stored ones.
 */
async function secondPass(
  pass: FirstPass,
  existing: ReadonlyMap<string, string>,
  preserved: Preserved,
  writes: BoundedWrites,
  storage: Storage,
  temp: TempDir,
  onItems: TransformOptions['onItems'],
): Promise<SecondPass> {
  const name = pass.input.type.name;
  const prefix = keys.kbPrefix(name);
  const remover = new BoilerplateRemover(pass.boilerplate);
  const counts = { new: 0, changed: 0, unchanged: 0, deleted: 0 };
  const wanted = new Set<string>();
  const digest = new ObjectsDigest();
  const pieces = async (writer: PieceWriter, file: TextFile, item?: NormalisedItem) =>
    file.write(item ? writer.item(item) : writer.head());
  const catalogOut = new TextFile(temp.file(`${name}.catalog.json`));
  const exportOut = new TextFile(temp.file(`${name}.export.csv`));
  const catalog = catalogWriter(name, pass.documents - pass.preserved + preserved.entries.length);
  const rows = exportWriter();
  await pieces(catalog, catalogOut);
  await pieces(rows, exportOut);
  const kept = [...preserved.entries];
  // Stored entries of preserved documents, in id order among the run's items.
  const keptBefore = async (id?: string) => {
    while (kept[0] && (id === undefined || compareIds(kept[0].source_id, id) <= 0)) {
      await catalogOut.write(catalog.entry(kept.shift() as CatalogEntry));
    }
  };
  const written: string[] = [];
  let done = 0;
  for await (const normalised of pass.spool.read<NormalisedItem>()) {
    const item = remover.apply(normalised);
    await keptBefore(item.sourceId);
    if (preserved.keys.has(`${prefix}${item.sourceId}.csv`)) {
      await pieces(rows, exportOut, item);
      done++;
      continue;
    }
    const doc = buildDocument(item);
    wanted.add(doc.key);
    const csvMd5 = md5Hex(doc.csv);
    const sidecarMd5 = md5Hex(doc.sidecar);
    digest.add(doc.key, csvMd5);
    digest.add(doc.sidecarKey, sidecarMd5);
    const csvSame = existing.get(doc.key) === csvMd5;
    const sidecarSame = existing.get(doc.sidecarKey) === sidecarMd5;
    if (!existing.has(doc.key)) counts.new++;
    else if (csvSame && sidecarSame) counts.unchanged++;
    else counts.changed++;
    // Documents are many, small, and compared again next run: no temp file and fsync each (atomic: false).
    if (!csvSame) await writes.add(() => storage.put(doc.key, doc.csv, { atomic: false }));
    if (!sidecarSame) await writes.add(() => storage.put(doc.sidecarKey, doc.sidecar, { atomic: false }));
    if (!csvSame || !sidecarSame) written.push(doc.key);
    await pieces(catalog, catalogOut, item);
    await pieces(rows, exportOut, item);
    if (++done % PROGRESS_EVERY === 0) onItems?.({ type: name, pass: 2, items: done, total: pass.documents });
  }
  onItems?.({ type: name, pass: 2, items: done, total: pass.documents });
  await keptBefore();
  await catalogOut.write(catalog.tail());
  await exportOut.write(rows.tail());
  const deletes: string[] = [];
  for (const key of existing.keys()) {
    if (!key.startsWith(prefix)) continue;
    const csv = key.endsWith('.csv.metadata.json') ? key.slice(0, -'.metadata.json'.length) : key;
    if (wanted.has(csv)) continue;
    deletes.push(key);
    if (key.endsWith('.csv')) counts.deleted++;
  }
  return {
    counts,
    kb: digest.hex(),
    boilerplate: remover.counts(),
    deletes: deletes.sort(),
    written,
    catalog: { file: catalogOut.file, md5: await catalogOut.close() },
    export: { file: exportOut.file, md5: await exportOut.close() },
  };
}

/**
 * Normalise → build documents → diff against the store → guard → write/delete → catalog and exports,
 * streaming: each type is read once, one item at a time, and its normalised items spooled to a temp file;
 * boilerplate is judged over the whole type between the two passes. Memory: the store's listing of `kb/`
 * (keys and MD5s), one paragraph count per distinct paragraph, and the writes in flight — not the items.
 * Everything that can fail on bad input (normalising, a sidecar too large, the deletion guard of every
 * type) fails in the first pass, before the first write, so a failed run leaves `kb/` as it was.
 */
export async function transform(options: TransformOptions): Promise<TransformResult> {
  const { config, storage, force = false } = options;
  const log = options.log ?? silentLog;
  const temp = await createTempDir('wpkb-transform-');
  try {
    const preserve = options.preserve ?? new Set<string>();
    const listed = new Map((await storage.list('kb/')).map((o) => [o.key, o.md5]));
    // Preserved documents are neither written nor deleted: hidden from the diff on both sides.
    const existing = preserve.size
      ? new Map([...listed].filter(([key]) => !preserve.has(documentKeyOf(key))))
      : listed;
    const stored = async () =>
      new Map(
        [...(await storage.list('catalog/')), ...(await storage.list('exports/'))].map((o) => [o.key, o.md5]),
      );
    const before = await stored();
    // A type whose items, settings, terms and stored objects are all as the previous run left them would
    // give the same bytes again: it is not read, normalised or written (a quiet night costs a listing).
    const memories: Record<string, TypeMemory> = {};
    const unchangedTypes: string[] = [];
    const work: TransformInput[] = [];
    for (const input of options.inputs) {
      const name = input.type.name;
      const previous = input.previous;
      const inputs = inputsDigest(input, config);
      if (
        previous &&
        previous.inputs === inputs &&
        Array.isArray(previous.boilerplateBlocks) &&
        previous.kb === digestOf(listed, keys.kbPrefix(name)) &&
        before.get(keys.catalog(name)) === previous.catalogMd5 &&
        before.get(keys.export(name)) === previous.exportMd5
      ) {
        memories[name] = previous;
        unchangedTypes.push(name);
        log.info('unchanged since the previous run: not transformed again', { type: name });
      } else work.push(input);
    }

    const firsts: FirstPass[] = [];
    for (const input of work) {
      firsts.push(
        await firstPass(input, config, existing, temp, { log, onItems: options.onItems, preserve }),
      );
    }
    for (const pass of firsts) guard(pass, config, force, log);
    const extras: TypePlan[] = [];
    for (const extra of options.extra ?? []) {
      const plan = planDocuments(
        extra.contentType,
        keys.kbPrefix(extra.contentType),
        extra.documents,
        existing,
      );
      if (extra.documents.length || plan.existingDocuments || plan.deletes.length) extras.push(plan);
    }

    const writes = new BoundedWrites(WRITE_CONCURRENCY);
    const seconds: SecondPass[] = [];
    for (const pass of firsts) {
      const preserved = await preservedOf(storage, pass.input.type.name, preserve);
      const second = await secondPass(pass, existing, preserved, writes, storage, temp, options.onItems);
      seconds.push(second);
      if (second.boilerplate.blocks)
        log.info('boilerplate left out', { type: pass.input.type.name, ...second.boilerplate });
    }
    for (const plan of extras) {
      for (const write of plan.writes) await writes.add(() => storage.put(write.key, write.body));
    }
    await writes.drain();
    const deletes = [...seconds.flatMap((s) => s.deletes), ...extras.flatMap((p) => p.deletes)];
    if (deletes.length) await storage.delete(deletes);

    const after = await stored();
    for (const [index, pass] of firsts.entries()) {
      const name = pass.input.type.name;
      const second = seconds[index] as SecondPass;
      // Written (streamed, atomically) only when the bytes changed.
      if (after.get(keys.catalog(name)) !== second.catalog.md5)
        await putFile(storage, keys.catalog(name), second.catalog.file, { contentType: 'application/json' });
      if (after.get(keys.export(name)) !== second.export.md5)
        await putFile(storage, keys.export(name), second.export.file);
      memories[name] = {
        inputs: inputsDigest(pass.input, config),
        kb: second.kb,
        catalogMd5: second.catalog.md5,
        exportMd5: second.export.md5,
        fetched: pass.fetched,
        documents: pass.documents,
        skipped: pass.skipped,
        boilerplate: second.boilerplate,
        boilerplateBlocks: [...pass.boilerplate.blocks.keys()].sort(),
        warnings: pass.warnings,
      };
    }

    const types: Record<string, TypeCounts> = {};
    let changes = 0;
    const count = (name: string, counts: TypeCounts) => {
      types[name] = counts;
      changes += counts.new + counts.changed + counts.deleted;
      log.info('transformed', { type: name, ...counts });
    };
    const boilerplate: Record<string, BoilerplateCounts> = {};
    const warnings: string[] = [];
    for (const input of options.inputs) {
      const name = input.type.name;
      const index = firsts.findIndex((pass) => pass.input === input);
      const pass = firsts[index];
      const second = seconds[index];
      if (pass && second) {
        count(name, { fetched: pass.fetched, skipped: pass.skipped, ...second.counts });
        boilerplate[name] = second.boilerplate;
        warnings.push(...pass.warnings);
        continue;
      }
      const memory = memories[name] as TypeMemory;
      count(name, {
        fetched: memory.fetched,
        skipped: memory.skipped,
        new: 0,
        changed: 0,
        unchanged: memory.documents,
        deleted: 0,
      });
      boilerplate[name] = memory.boilerplate;
      warnings.push(...memory.warnings);
    }
    for (const warning of warnings) log.warn(`warning: ${warning}`);
    for (const plan of extras) {
      count(plan.contentType, {
        fetched: plan.counts.new + plan.counts.changed + plan.counts.unchanged,
        skipped: 0,
        ...plan.counts,
      });
    }
    const documents = (list: readonly string[]) =>
      [...new Set(list.map(documentKeyOf))].filter((key) => key.endsWith('.csv')).sort();
    return {
      types,
      boilerplate,
      changes,
      objectsWritten: writes.count,
      objectsDeleted: deletes.length,
      written: documents([
        ...seconds.flatMap((second) => second.written),
        ...extras.flatMap((plan) => plan.writes.map((write) => write.key)),
      ]),
      deleted: documents(deletes),
      warnings,
      memories,
      unchangedTypes,
    };
  } finally {
    await temp.dispose();
  }
}
