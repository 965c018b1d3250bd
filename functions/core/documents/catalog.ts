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

const byEntryId = (a: CatalogEntry, b: CatalogEntry): number =>
  a.source_id.localeCompare(b.source_id, 'en', { numeric: true });

/**
 * The catalog's bytes from its entries, sorted by id: deterministic (no run time), so the nightly
 * transform and an instant update that hold the same entries write the same bytes.
 */
export function catalogJson(contentType: string, entries: readonly CatalogEntry[]): string {
  const items = [...entries].sort(byEntryId);
  const catalog: Catalog = { content_type: contentType, count: items.length, items };
  return `${JSON.stringify(catalog, null, 2)}\n`;
}

/** `catalog/<type>.json`: every item of a type, sorted by id, deterministic bytes (no run time). */
export function buildCatalog(contentType: string, items: readonly NormalisedItem[]): string {
  return catalogJson(contentType, items.map(catalogEntry));
}

/**
 * `exports/<type>.csv`: one row per item for people reviewing content in a spreadsheet.
 * A UTF-8 BOM so Excel opens the Spanish text correctly; not ingested (outside `kb/`).
 */
export function buildExport(items: readonly NormalisedItem[]): string {
  const rows = [...items].sort(byNumericId).map((item) => ({
    source_id: item.sourceId,
    title: item.title,
    url: item.url,
    modified_at: item.modifiedAt,
    date_text: item.dateText ?? '',
    start_date: item.startDate ?? '',
    end_date: item.endDate ?? '',
    content: documentText(item),
  }));
  const fields = [
    'source_id',
    'title',
    'url',
    'modified_at',
    'date_text',
    'start_date',
    'end_date',
    'content',
  ];
  return `\uFEFF${Papa.unparse({ fields, data: rows.map((r) => fields.map((f) => String(r[f as keyof typeof r]))) }, { quotes: true, newline: '\r\n' })}\r\n`;
}
