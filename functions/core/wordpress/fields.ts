import type { ResolvedContentType } from '../shared/config/schema.js';

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

/** What wpkb reads of a taxonomy term. */
export const TERM_FIELDS = ['id', 'name', 'slug', 'parent'] as const;

const rootKey = (path: string): string => path.split('.')[0] ?? path;

/**
 * The `_fields` list for a type: the base fields plus the root key of every path the type reads
 * (`textFields`, `metadata[].path`, `dateField`), so `acf.informacion_tienda.0.info.level` asks for `acf`,
 * then the REST base of each of its `taxonomies` (the field holding the item's term ids).
 * Order is stable (base fields first, then first appearance) and free of duplicates.
 */
export function restFieldsFor(type: ResolvedContentType): string[] {
  const paths = [...type.textFields, ...type.metadata.map((field) => field.path)];
  if (type.dateField) paths.push(type.dateField);
  const taxonomies = type.taxonomies.map((taxonomy) => taxonomy.restBase);
  return [...new Set<string>([...BASE_FIELDS, ...paths.map(rootKey), ...taxonomies])];
}
