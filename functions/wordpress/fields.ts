import type { ContentTypeConfig } from '../shared/config/schema.js';

/** Fields every document needs, whatever the type. */
export const BASE_FIELDS = [
  'id',
  'date_gmt',
  'modified_gmt',
  'slug',
  'status',
  'type',
  'link',
  'title',
  'content',
  'excerpt',
] as const;

const rootKey = (path: string): string => path.split('.')[0] ?? path;

/**
 * The `_fields` list for a type: the base fields plus the root key of every path the type reads
 * (`textFields`, `metadata[].path`, `dateField`), so `acf.informacion_tienda.0.info.level` asks for `acf`.
 * Order is stable (base fields first, then first appearance) and free of duplicates.
 */
export function restFieldsFor(type: ContentTypeConfig): string[] {
  const paths = [...type.textFields, ...type.metadata.map((field) => field.path)];
  if (type.dateField) paths.push(type.dateField);
  return [...new Set<string>([...BASE_FIELDS, ...paths.map(rootKey)])];
}
