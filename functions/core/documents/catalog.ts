import Papa from 'papaparse';
import type { LabelledLine, NormalisedItem } from '../shared/types.js';
import { documentText } from './document.js';

/** One entry of `catalog/<type>.json`: what the agent's action group looks things up in. */
export interface CatalogEntry {
  source_id: string;
  content_type: string;
  title: string;
  url: string;
  modified_at: string;
  date_text?: string;
  start_date?: number;
  end_date?: number;
  metadata: Record<string, string | number | boolean>;
  /**
   * Term names per configured taxonomy, by its metadata key: `{category: ['Calzado', 'Moda']}`; `[]` when
   * the item has none; `{}` for a type without taxonomies. Names sorted as in documents.
   */
  taxonomies: Record<string, string[]>;
  fields: LabelledLine[];
  /** The first paragraph of the body, for short answers. */
  summary: string;
}

export interface Catalog {
  content_type: string;
  count: number;
  items: CatalogEntry[];
}

const SUMMARY_MAX = 400;

function summaryOf(body: string): string {
  const first = body.split(/\n{2,}/)[0] ?? '';
  return first.length > SUMMARY_MAX ? `${first.slice(0, SUMMARY_MAX - 1)}…` : first;
}

const byNumericId = (a: NormalisedItem, b: NormalisedItem): number =>
  a.sourceId.localeCompare(b.sourceId, 'en', { numeric: true });

/** One item's catalog entry: what `catalog/<type>.json` holds for it. */
export function catalogEntry(item: NormalisedItem): CatalogEntry {
  return {
    source_id: item.sourceId,
    content_type: item.contentType,
    title: item.title,
    url: item.url,
    modified_at: item.modifiedAt,
    ...(item.dateText ? { date_text: item.dateText } : {}),
    ...(item.startDate !== undefined ? { start_date: item.startDate } : {}),
    ...(item.endDate !== undefined ? { end_date: item.endDate } : {}),
    metadata: item.metadata,
    taxonomies: Object.fromEntries((item.taxonomies ?? []).map((t) => [t.name, t.terms])),
    fields: item.fields,
    summary: summaryOf(item.body),
  };
}

/** Text written piece by piece: the whole of a catalog or an export, in order. */
export interface PieceWriter {
  /** Everything before the first item. */
  head(): string;
  /** One item (items come sorted by id). */
  item(item: NormalisedItem): string;
  /** Everything after the last item. */
  tail(): string;
}

/** catalogWriter: a PieceWriter that also takes catalog entries as they are (kept from a stored catalog). */
export interface CatalogWriter extends PieceWriter {
  /** One entry (entries and items together come sorted by id). */
  entry(entry: CatalogEntry): string;
}

/**
 * `catalog/<type>.json` one entry at a time: the same bytes as `JSON.stringify(catalog, null, 2)` plus a
 * newline, for `count` items given in id order, without holding them.
 */
export function catalogWriter(contentType: string, count: number): CatalogWriter {
  let written = 0;
  const head = `{\n  "content_type": ${JSON.stringify(contentType)},\n  "count": ${count},\n  "items": [`;
  const entry = (value: CatalogEntry) =>
    `${written++ === 0 ? '' : ','}\n    ${JSON.stringify(value, null, 2).replace(/\n/g, '\n    ')}`;
  return {
    head: () => (count === 0 ? `${head}]` : head),
    entry,
    item: (item) => entry(catalogEntry(item)),
    tail: () => (count === 0 ? '\n}\n' : '\n  ]\n}\n'),
  };
}

const byEntryId = (a: CatalogEntry, b: CatalogEntry): number =>
  a.source_id.localeCompare(b.source_id, 'en', { numeric: true });

/**
 * The catalog's bytes from its entries, sorted by id: what catalogWriter streams for the same items, so
 * the nightly transform and an instant update holding the same entries write the same file.
 */
export function catalogJson(contentType: string, entries: readonly CatalogEntry[]): string {
  const writer = catalogWriter(contentType, entries.length);
  return writer.head() + [...entries].sort(byEntryId).map(writer.entry).join('') + writer.tail();
}

/** Everything a writer produces for these items, as one string. */
function writeAll(writer: PieceWriter, items: readonly NormalisedItem[]): string {
  return writer.head() + [...items].sort(byNumericId).map(writer.item).join('') + writer.tail();
}

/** `catalog/<type>.json`: every item of a type, sorted by id, deterministic bytes (no run time). */
export function buildCatalog(contentType: string, items: readonly NormalisedItem[]): string {
  return writeAll(catalogWriter(contentType, items.length), items);
}

const EXPORT_FIELDS = [
  'source_id',
  'title',
  'url',
  'modified_at',
  'date_text',
  'start_date',
  'end_date',
  'content',
];
const CSV = { quotes: true, newline: '\r\n' } as const;

/**
 * `exports/<type>.csv` one row at a time: a UTF-8 BOM so Excel opens the Spanish text correctly, the header,
 * one quoted CRLF row per item; not ingested (outside `kb/`).
 */
export function exportWriter(): PieceWriter {
  let written = 0;
  return {
    head: () => `\uFEFF${Papa.unparse([EXPORT_FIELDS], CSV)}`,
    item: (item) => {
      written++;
      const row = [
        item.sourceId,
        item.title,
        item.url,
        item.modifiedAt,
        item.dateText ?? '',
        item.startDate ?? '',
        item.endDate ?? '',
        documentText(item),
      ].map(String);
      return `\r\n${Papa.unparse([row], CSV)}`;
    },
    // An empty export keeps the blank line Papa.unparse gave a header without rows.
    tail: () => (written === 0 ? '\r\n\r\n' : '\r\n'),
  };
}

/** `exports/<type>.csv`: one row per item for people reviewing content in a spreadsheet. */
export function buildExport(items: readonly NormalisedItem[]): string {
  return writeAll(exportWriter(), items);
}
