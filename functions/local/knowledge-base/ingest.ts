import { isDeepStrictEqual } from 'node:util';
import pLimit from 'p-limit';
import type { ChunkingConfig } from '../../core/shared/config/cloud-schema.js';
import { oneLine } from '../../core/shared/errors.js';
import { type Log, silentLog } from '../../core/shared/logger.js';
import type { Storage, StoredObject } from '../../core/storage/port.js';
import { chunkText } from './chunker.js';
import type { Embedder } from './embedder.js';
import {
  INDEX_FORMAT,
  type IndexFile,
  type Manifest,
  type ManifestFile,
  readIndexFile,
  readManifestFile,
  writeIndexFile,
} from './index-file.js';
import {
  isReadable,
  isSidecarKey,
  KbFileError,
  type KbRecord,
  readKbObject,
  sidecarKeyOf,
} from './reader.js';
import { type ChunkDoc, extendFields, type Fields, openIndexStore } from './store.js';
import { TOKENIZER_ID } from './text.js';

/** The data source's inclusion prefix. */
export const KB_PREFIX = 'kb/';

/** What one ingestion did (the run report's `localIndex` section). */
export interface LocalIndexStats {
  /** kb/ files (re)indexed: new or changed, or all of them when the index was rebuilt. */
  filesIndexed: number;
  /** Files gone from kb/ whose chunks were removed. */
  filesRemoved: number;
  chunksAdded: number;
  chunksRemoved: number;
  durationMs: number;
  /** Files the local index cannot read (named in warnings); not retried until they change. */
  filesSkipped: number;
  /** Chunks in the index after the run. */
  chunks: number;
  /** Set when the whole index was built anew, and why. */
  rebuilt?: string;
}

export interface IngestOptions {
  storage: Storage;
  /** Where `local-index/` lives: the data directory. */
  dataDir: string;
  chunking: ChunkingConfig;
  embedder: Embedder;
  log?: Log;
  /** Texts per embed() call. */
  embedBatch?: number;
  /**
   * Only these `kb/` documents (an instant update): each is re-indexed when its bytes changed, or loses
   * its chunks when it is gone; the rest of the index is left alone, without listing `kb/`. When the
   * index cannot be extended (none yet, another embedder or chunking, new metadata fields), the whole
   * prefix is ingested instead, as without `only`.
   */
  only?: readonly string[];
  /** Files read and chunked so far, of those to index (progress). */
  onFiles?: (done: number, total: number) => void;
}

const READ_CONCURRENCY = 16;

interface Source {
  key: string;
  md5: string;
  sidecarMd5?: string;
}

const sameSource = (entry: ManifestFile | undefined, source: Source): boolean =>
  entry !== undefined && entry.md5 === source.md5 && entry.sidecarMd5 === source.sidecarMd5;

/** Why an existing index cannot be extended, or undefined when it can. */
function incompatibility(
  manifest: Manifest,
  embedder: Embedder,
  chunking: ChunkingConfig,
): string | undefined {
  if (manifest.embedder.id !== embedder.id || manifest.embedder.dimensions !== embedder.dimensions)
    return `embedder changed (${manifest.embedder.id} → ${embedder.id})`;
  if (manifest.tokenizer !== TOKENIZER_ID)
    return `full-text tokenizer changed (${manifest.tokenizer ?? 'unnamed'} → ${TOKENIZER_ID})`;
  if (!isDeepStrictEqual(manifest.chunking, chunking)) return 'chunking changed';
  return undefined;
}

/**
 * The local "sync": brings `<dataDir>/local-index/` in line with the store's `kb/` prefix, like a
 * Bedrock ingestion job — only new or changed files (content or sidecar MD5) are read, chunked and
 * embedded; files that are gone lose their chunks; an unchanged prefix writes nothing at all.
 * A file the index cannot read is skipped with a warning naming it (Bedrock fails that document and
 * goes on). Embedding failures (Titan) fail the ingestion, and the index stays as it was.
 */
export async function ingestLocalKb(options: IngestOptions): Promise<LocalIndexStats> {
  const started = performance.now();
  const { storage, embedder, chunking } = options;
  const log = options.log ?? silentLog;

  const only = options.only ? new Set(options.only) : undefined;
  const listed = only ? await objectsOf(storage, [...only]) : await storage.list(KB_PREFIX);
  const md5Of = new Map(listed.map((o) => [o.key, o.md5]));
  const sources: Source[] = listed
    .filter((o) => !isSidecarKey(o.key))
    .map((o) => {
      const sidecarMd5 = md5Of.get(sidecarKeyOf(o.key));
      return { key: o.key, md5: o.md5, ...(sidecarMd5 ? { sidecarMd5 } : {}) };
    });

  // The manifest alone (a small file) tells whether anything changed; the index itself is read only then.
  const manifestOnly = await readManifestFile(options.dataDir);
  if (manifestOnly && !incompatibility(manifestOnly, embedder, chunking)) {
    const files = manifestOnly.files;
    const present = new Set(sources.map((s) => s.key));
    if (
      sources.every((s) => sameSource(files[s.key], s)) &&
      Object.keys(files).every((key) => present.has(key) || (only && !only.has(key)))
    ) {
      const chunks = Object.values(files).reduce((n, f) => n + f.chunks.length, 0);
      const filesSkipped = Object.values(files).filter((f) => f.skipped).length;
      return zeroStats({ chunks, filesSkipped, durationMs: performance.now() - started });
    }
  }

  const existing = await readIndexFile(options.dataDir);
  if (only && (!existing || incompatibility(existing.manifest, embedder, chunking))) {
    return ingestLocalKb({ ...options, only: undefined });
  }
  const oldChunks = Object.values(existing?.manifest.files ?? {}).reduce((n, f) => n + f.chunks.length, 0);
  let rebuilt = existing ? incompatibility(existing.manifest, embedder, chunking) : 'no index yet';
  const previous: Record<string, ManifestFile> = rebuilt ? {} : { ...existing?.manifest.files };
  const fields: Fields = rebuilt ? {} : { ...existing?.manifest.fields };

  const present = new Set(sources.map((s) => s.key));
  let toRead = sources.filter((s) => !sameSource(previous[s.key], s));
  const gone = Object.keys(previous).filter((key) => !present.has(key) && (!only || only.has(key)));
  if (!toRead.length && !gone.length && !rebuilt) {
    const chunks = Object.values(previous).reduce((n, f) => n + f.chunks.length, 0);
    const filesSkipped = Object.values(previous).filter((f) => f.skipped).length;
    return zeroStats({ chunks, filesSkipped, durationMs: performance.now() - started });
  }

  let read = await readSources(storage, toRead, chunking, log, options.onFiles);
  let grown = false;
  for (const r of read) for (const rec of r.records) grown = extendFields(fields, rec.metadata) || grown;
  if (grown && !rebuilt) {
    // Orama's schema is fixed at creation: new filterable metadata means a new index.
    if (only) return ingestLocalKb({ ...options, only: undefined });
    rebuilt = 'new metadata fields';
    for (const key of Object.keys(previous)) delete previous[key];
    const again = sources.filter((s) => !toRead.includes(s));
    read = [...read, ...(await readSources(storage, again, chunking, log, options.onFiles))];
    for (const r of read) for (const rec of r.records) extendFields(fields, rec.metadata);
    toRead = sources;
  }

  const docs = await embedChunks(read, embedder, options.embedBatch ?? 64);
  const store = openIndexStore(embedder.dimensions, fields, rebuilt ? undefined : existing?.orama);

  const files: Record<string, ManifestFile> = { ...previous };
  const removedIds: string[] = [];
  for (const key of gone) {
    removedIds.push(...(files[key]?.chunks ?? []));
    delete files[key];
  }
  for (const source of toRead) removedIds.push(...(files[source.key]?.chunks ?? []));
  const chunksRemoved = await store.remove(removedIds);
  await store.insert(docs);

  for (const r of read) {
    files[r.source.key] = {
      md5: r.source.md5,
      ...(r.source.sidecarMd5 ? { sidecarMd5: r.source.sidecarMd5 } : {}),
      chunks: r.chunkIds,
      ...(r.skipped ? { skipped: r.skipped } : {}),
    };
  }
  const manifest: Manifest = {
    format: INDEX_FORMAT,
    embedder: { id: embedder.id, dimensions: embedder.dimensions },
    tokenizer: TOKENIZER_ID,
    chunking,
    fields: { ...store.fields },
    files: Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
  const index: IndexFile = { manifest, orama: store.save() };
  await writeIndexFile(options.dataDir, index);

  const stats: LocalIndexStats = {
    filesIndexed: read.filter((r) => !r.skipped).length,
    filesRemoved: gone.length,
    chunksAdded: docs.length,
    chunksRemoved: rebuilt ? oldChunks : chunksRemoved,
    durationMs: Math.round(performance.now() - started),
    filesSkipped: Object.values(files).filter((f) => f.skipped).length,
    chunks: store.count(),
    ...(rebuilt ? { rebuilt } : {}),
  };
  log.info('local index updated', { ...stats });
  return stats;
}

/** The documents (and their sidecars) that exist, as a listing would show them. */
async function objectsOf(storage: Storage, keys: readonly string[]): Promise<StoredObject[]> {
  const wanted = [...new Set(keys.flatMap((key) => [key, sidecarKeyOf(key)]))];
  const found = await Promise.all(
    wanted.map(async (key) => {
      const object = await storage.getTagged(key);
      return object ? { key, md5: object.etag, size: object.body.length } : undefined;
    }),
  );
  return found.filter((o) => o !== undefined);
}

function zeroStats(rest: Pick<LocalIndexStats, 'chunks' | 'filesSkipped' | 'durationMs'>): LocalIndexStats {
  return {
    filesIndexed: 0,
    filesRemoved: 0,
    chunksAdded: 0,
    chunksRemoved: 0,
    ...rest,
    durationMs: Math.round(rest.durationMs),
  };
}

interface ReadSource {
  source: Source;
  records: KbRecord[];
  /** Chunk texts per record, in order. */
  chunks: { record: KbRecord; id: string; text: string }[];
  chunkIds: string[];
  skipped?: string;
}

async function readSources(
  storage: Storage,
  sources: readonly Source[],
  chunking: ChunkingConfig,
  log: Log,
  onFiles?: (done: number, total: number) => void,
): Promise<ReadSource[]> {
  const limit = pLimit(READ_CONCURRENCY);
  let done = 0;
  return Promise.all(
    sources.map((source) =>
      limit(async (): Promise<ReadSource> => {
        onFiles?.(++done, sources.length);
        const skip = (reason: string): ReadSource => {
          log.warn('local index: file skipped', { key: source.key, reason });
          return { source, records: [], chunks: [], chunkIds: [], skipped: reason };
        };
        if (!isReadable(source.key)) return skip('not a format the local index reads (.csv, .txt, .md)');
        try {
          const [body, sidecar] = await Promise.all([
            storage.get(source.key),
            source.sidecarMd5 ? storage.get(sidecarKeyOf(source.key)) : Promise.resolve(undefined),
          ]);
          if (!body) return skip('vanished while reading');
          const records = readKbObject(source.key, body, sidecar);
          const chunks = records.flatMap((record) =>
            chunkText(record.text, chunking).map((text, n) => ({
              record,
              id: `${record.recordId}:${n}`,
              text,
            })),
          );
          return { source, records, chunks, chunkIds: chunks.map((c) => c.id) };
        } catch (error) {
          if (error instanceof KbFileError) return skip(oneLine(error));
          throw error;
        }
      }),
    ),
  );
}

async function embedChunks(
  read: readonly ReadSource[],
  embedder: Embedder,
  batch: number,
): Promise<ChunkDoc[]> {
  const pending = read.flatMap((r) => r.chunks.map((c) => ({ ...c, key: r.source.key })));
  const docs: ChunkDoc[] = [];
  for (let i = 0; i < pending.length; i += batch) {
    const slice = pending.slice(i, i + batch);
    const vectors = await embedder.embed(
      slice.map((c) => c.text),
      'document',
    );
    slice.forEach((c, n) => {
      const embedding = vectors[n];
      if (!embedding)
        throw new Error(`embedder returned ${vectors.length} vectors for ${slice.length} texts`);
      docs.push({ id: c.id, key: c.key, text: c.text, attrs: c.record.metadata, embedding });
    });
  }
  return docs;
}
