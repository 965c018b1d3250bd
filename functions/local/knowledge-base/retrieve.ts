import type { RetrievalFilter } from '../../core/retrieval/filter.js';
import { WpkbError } from '../../core/shared/errors.js';
import type { Embedder } from './embedder.js';
import { indexFileOf, LocalIndexMissingError, type Manifest, readIndexFile } from './index-file.js';
import type { MetadataValue } from './reader.js';
import { openIndexStore, type SearchMode } from './store.js';

/** One retrieved chunk, as `wpkb ask --json` prints it (plus the metadata and the file). */
export interface Passage {
  source_id: string;
  content_type: string;
  title: string;
  url: string;
  score: number;
  text: string;
  /** The `kb/` file the chunk comes from. */
  key: string;
  metadata: Record<string, MetadataValue>;
}

export interface RetrievalTuning {
  mode: SearchMode;
  textWeight: number;
  vectorWeight: number;
  tolerance: number;
  similarity: number;
}

/**
 * Defaults (the configuration's `localKb` has the same): equal weights, exact terms. On the demo
 * question set with the offline embedder, weights from 0.5/0.5 to 0.2/0.8 score alike and full text
 * alone or 0.7+ for text score lower; a typo tolerance of 1 lowered recall@1 (docs/local-kb.md).
 */
export const DEFAULT_TUNING: RetrievalTuning = {
  mode: 'hybrid',
  textWeight: 0.5,
  vectorWeight: 0.5,
  tolerance: 0,
  similarity: 0.1,
};

export interface RetrieveOptions {
  k?: number;
  filter?: RetrievalFilter;
  tuning?: Partial<RetrievalTuning>;
}

export interface LocalKb {
  readonly manifest: Manifest;
  readonly chunks: number;
  retrieve(query: string, options?: RetrieveOptions): Promise<Passage[]>;
}

const str = (value: MetadataValue | undefined): string =>
  value === undefined ? '' : Array.isArray(value) ? value.join(', ') : String(value);

/** The source id of a chunk: its `source_id` metadata, else the file name without extension. */
function sourceIdOf(key: string, metadata: Record<string, MetadataValue>): string {
  if (metadata.source_id !== undefined) return str(metadata.source_id);
  const name = key.split('/').pop() ?? key;
  return name.replace(/\.[^.]+$/, '');
}

/** `kb/<type>/…` → type, when the metadata has no `content_type`. */
function contentTypeOf(key: string, metadata: Record<string, MetadataValue>): string {
  if (metadata.content_type !== undefined) return str(metadata.content_type);
  const parts = key.split('/');
  return parts.length > 2 ? (parts[1] ?? '') : '';
}

/**
 * Opens the index `npm start` built in `dataDir` for queries. The embedder must be the one the index
 * was built with (same id); a missing index throws LocalIndexMissingError.
 */
export async function openLocalKb(dataDir: string, embedder: Embedder): Promise<LocalKb> {
  const index = await readIndexFile(dataDir);
  if (!index)
    throw new LocalIndexMissingError(`no local index at ${indexFileOf(dataDir)}: run npm start first`);
  const { manifest } = index;
  if (manifest.embedder.id !== embedder.id)
    throw new WpkbError(
      `the local index was built with embedder ${manifest.embedder.id}, the configuration says ${embedder.id}: run npm start`,
    );
  const store = openIndexStore(manifest.embedder.dimensions, manifest.fields, index.orama);
  return {
    manifest,
    chunks: store.count(),
    async retrieve(query, options = {}) {
      const tuning = { ...DEFAULT_TUNING, ...options.tuning };
      const k = options.k ?? 5;
      const [vector] = tuning.mode === 'fulltext' ? [[]] : await embedder.embed([query], 'query');
      const hits = store.search({
        term: query,
        vector: vector ?? [],
        k,
        ...tuning,
        ...(options.filter ? { filter: options.filter } : {}),
      });
      return hits.map(({ doc, score }) => ({
        source_id: sourceIdOf(doc.key, doc.attrs),
        content_type: contentTypeOf(doc.key, doc.attrs),
        title: str(doc.attrs.title) || (doc.text.split('\n')[0] ?? ''),
        url: str(doc.attrs.url),
        score: Math.round(score * 1e4) / 1e4,
        text: doc.text,
        key: doc.key,
        metadata: doc.attrs,
      }));
    },
  };
}
