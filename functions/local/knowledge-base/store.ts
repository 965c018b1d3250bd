import {
  type AnyOrama,
  count,
  create,
  insertMultiple,
  load,
  type RawData,
  removeMultiple,
  save,
  search,
} from '@orama/orama';
import type { RetrievalFilter } from '../../core/retrieval/filter.js';
import { WpkbError } from '../../core/shared/errors.js';
import type { MetadataValue } from './reader.js';
import { createSpanishTokenizer } from './text.js';

/**
 * The index: an Orama database (pure JavaScript, in-process, persisted as one JSON document by its own
 * save/load). One Orama document per chunk:
 *
 * - `text`: full-text indexed (BM25 as Orama implements it) with the Spanish tokenizer of text.ts;
 * - `embedding`: `vector[d]`, cosine similarity;
 * - `meta.<key>`: the chunk's metadata that filters can use, typed from the values seen (string →
 *   `enum`, number → `number`, boolean → `boolean`, string list → `enum[]`);
 * - `attrs` (stored, not indexed): all metadata as read, for display; `key`: the `kb/` file.
 *
 * Orama fixes a schema when the database is created: `fields` is that list, kept in the manifest, and
 * the ingestion rebuilds the index when documents bring a key (or type) the schema lacks. A value
 * whose type differs from its key's field type is kept in `attrs` but cannot be filtered on.
 */

export type FieldType = 'enum' | 'number' | 'boolean' | 'enum[]';
export type Fields = Record<string, FieldType>;

export interface ChunkDoc {
  /** `<recordId>:<n>` */
  id: string;
  key: string;
  text: string;
  attrs: Record<string, MetadataValue>;
  embedding: number[];
}

export interface SearchHit {
  doc: ChunkDoc;
  score: number;
}

export type SearchMode = 'hybrid' | 'fulltext' | 'vector';

export interface SearchRequest {
  term: string;
  vector: number[];
  k: number;
  mode: SearchMode;
  filter?: RetrievalFilter;
  /** Hybrid weights (each > 0): Orama scales full-text and vector scores by their maxima, then weighs them. */
  textWeight: number;
  vectorWeight: number;
  /** Levenshtein distance allowed per query term (typos). */
  tolerance: number;
  /** Vectors less similar than this (cosine) do not count. */
  similarity: number;
}

const FILTERABLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function fieldTypeOf(value: MetadataValue): FieldType {
  if (Array.isArray(value)) return 'enum[]';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'enum';
}

/** Adds the fields `attrs` needs to `fields` (first type seen wins); true when something was added. */
export function extendFields(fields: Fields, attrs: Record<string, MetadataValue>): boolean {
  let added = false;
  for (const [key, value] of Object.entries(attrs)) {
    if (!FILTERABLE_KEY.test(key) || key in fields) continue;
    fields[key] = fieldTypeOf(value);
    added = true;
  }
  return added;
}

function filterable(attrs: Record<string, MetadataValue>, fields: Fields): Record<string, MetadataValue> {
  const meta: Record<string, MetadataValue> = {};
  for (const [key, value] of Object.entries(attrs)) {
    if (fields[key] === fieldTypeOf(value) && !(typeof value === 'number' && !Number.isFinite(value)))
      meta[key] = value;
  }
  return meta;
}

export interface IndexStore {
  readonly fields: Readonly<Fields>;
  readonly dimensions: number;
  count(): number;
  insert(docs: readonly ChunkDoc[]): Promise<void>;
  remove(ids: readonly string[]): Promise<number>;
  search(request: SearchRequest): SearchHit[];
  /** Orama's own serialisation of the database. */
  save(): RawData;
}

function createDb(dimensions: number, fields: Fields): AnyOrama {
  const meta: Record<string, FieldType> = {};
  for (const [key, type] of Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    meta[key] = type;
  const schema = {
    key: 'enum',
    text: 'string',
    embedding: `vector[${dimensions}]`,
    ...(Object.keys(meta).length ? { meta } : {}),
  } as const;
  return create({
    schema,
    components: { tokenizer: createSpanishTokenizer() },
    sort: { enabled: false },
  }) as unknown as AnyOrama;
}

/** A new, empty index, or one restored from what `save()` returned for the same dimensions and fields. */
export function openIndexStore(dimensions: number, fields: Fields, raw?: RawData): IndexStore {
  const ownFields: Fields = { ...fields };
  const db = createDb(dimensions, ownFields);
  if (raw) load(db, raw);
  const stored = (doc: ChunkDoc) => ({ ...doc, meta: filterable(doc.attrs, ownFields) });
  return {
    fields: ownFields,
    dimensions,
    count: () => count(db),
    async insert(docs) {
      if (docs.length) await insertMultiple(db, docs.map(stored), 500);
    },
    async remove(ids) {
      return ids.length ? await removeMultiple(db, [...ids], 500) : 0;
    },
    search(request) {
      const where = request.filter ? toOramaWhere(request.filter, ownFields) : undefined;
      const base = { limit: request.k, ...(where ? { where } : {}) };
      const text = { term: request.term, properties: ['text'], tolerance: request.tolerance };
      const vector = {
        vector: { value: request.vector, property: 'embedding' },
        similarity: request.similarity,
      };
      const params =
        request.mode === 'fulltext'
          ? { ...base, ...text }
          : request.mode === 'vector'
            ? { ...base, mode: 'vector', ...vector }
            : {
                ...base,
                ...text,
                ...vector,
                mode: 'hybrid',
                hybridWeights: { text: request.textWeight, vector: request.vectorWeight },
              };
      const results = search(db, params as never) as unknown as {
        hits: { id: string; score: number; document: ChunkDoc & { meta?: unknown } }[];
      };
      if (results instanceof Promise) throw new WpkbError('local index: Orama answered asynchronously');
      return results.hits.map((hit) => {
        const { meta: _meta, ...doc } = hit.document;
        return { doc: doc as ChunkDoc, score: hit.score };
      });
    },
    save: () => save(db),
  };
}

// ---------------------------------------------------------------------------------------------
// RetrievalFilter → Orama `where`

type Where = Record<string, unknown>;
const NOTHING: Where = { or: [] };
const field = (key: string, operation: unknown): Where => ({ [`meta.${key}`]: operation });

/**
 * Translates a Bedrock RetrievalFilter into an Orama where clause over `meta.*`, keeping Bedrock's
 * semantics: a key no document has matches nothing (under `notEquals`: everything); a value of another type
 * than the field matches nothing. `stringContains` and `startsWith` have no Orama equivalent: they
 * throw (the local index does not support them).
 */
export function toOramaWhere(filter: RetrievalFilter, fields: Readonly<Fields>): Where {
  if ('andAll' in filter) return { and: filter.andAll.map((f) => toOramaWhere(f, fields)) };
  if ('orAll' in filter) return { or: filter.orAll.map((f) => toOramaWhere(f, fields)) };
  if ('notEquals' in filter) return { not: equals(filter.notEquals.key, filter.notEquals.value, fields) };
  if ('equals' in filter) return equals(filter.equals.key, filter.equals.value, fields);
  const range = (key: string, value: unknown, op: 'gt' | 'gte' | 'lt' | 'lte'): Where =>
    fields[key] === 'number' && typeof value === 'number' ? field(key, { [op]: value }) : NOTHING;
  if ('greaterThan' in filter) return range(filter.greaterThan.key, filter.greaterThan.value, 'gt');
  if ('greaterThanOrEquals' in filter)
    return range(filter.greaterThanOrEquals.key, filter.greaterThanOrEquals.value, 'gte');
  if ('lessThan' in filter) return range(filter.lessThan.key, filter.lessThan.value, 'lt');
  if ('lessThanOrEquals' in filter)
    return range(filter.lessThanOrEquals.key, filter.lessThanOrEquals.value, 'lte');
  if ('in' in filter) return oneOf(filter.in.key, filter.in.value, fields);
  if ('notIn' in filter) {
    const { key, value } = filter.notIn;
    const type = fields[key];
    if (type === 'enum') return field(key, { nin: value });
    if (type === 'number')
      return { and: [field(key, { gte: -Number.MAX_VALUE }), { not: oneOf(key, value, fields) }] };
    return NOTHING;
  }
  if ('listContains' in filter) {
    const { key, value } = filter.listContains;
    return fields[key] === 'enum[]' ? field(key, { containsAll: [value] }) : NOTHING;
  }
  const name = Object.keys(filter)[0] ?? '(empty)';
  throw new WpkbError(`filter ${name}: not supported by the local index (it is by Bedrock)`);
}

function equals(key: string, value: string | number | boolean, fields: Readonly<Fields>): Where {
  const type = fields[key];
  if (type === 'boolean') return typeof value === 'boolean' ? field(key, value) : NOTHING;
  if (type === 'number') return typeof value === 'number' ? field(key, { eq: value }) : NOTHING;
  if (type === 'enum') return typeof value === 'string' ? field(key, { eq: value }) : NOTHING;
  return NOTHING;
}

function oneOf(key: string, values: (string | number)[], fields: Readonly<Fields>): Where {
  const type = fields[key];
  if (type === 'enum') return field(key, { in: values.filter((v) => typeof v === 'string') });
  if (type === 'number')
    return { or: values.filter((v) => typeof v === 'number').map((v) => field(key, { eq: v })) };
  return NOTHING;
}
