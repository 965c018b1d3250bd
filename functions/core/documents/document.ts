import Papa from 'papaparse';
import { ItemError } from '../shared/errors.js';
import type { NormalisedItem } from '../shared/types.js';

/** Bedrock's limit for a `.metadata.json` sidecar. */
export const SIDECAR_MAX_BYTES = 10 * 1024;
/** The CSV's single content field. */
export const CONTENT_FIELD = 'content';
/** Long titles are cut in metadata (the content keeps them whole) so the sidecar stays small. */
const METADATA_TEXT_MAX = 512;

export type MetadataValue = string | number | boolean;

/**
 * `available_until` of a document that does not expire: every document carries the key, so one
 * retrieval filter (`available_until >= today`) hides past events and keeps everything else —
 * including events whose dates could not be parsed ("Todos los sábados"), which Bedrock could not
 * keep with a filter on `end_date` alone, because its filters cannot test that a key is absent.
 */
export const OPEN_ENDED = 99991231;

/** One knowledge-base document: a one-row record-based CSV and its sidecar, as bytes-to-be. */
export interface KbDocument {
  contentType: string;
  sourceId: string;
  /** `kb/<type>/<sourceId>.csv` */
  key: string;
  csv: string;
  /** `kb/<type>/<sourceId>.csv.metadata.json` */
  sidecarKey: string;
  sidecar: string;
}

export const documentKey = (contentType: string, sourceId: string): string =>
  `kb/${contentType}/${sourceId}.csv`;
export const sidecarKeyFor = (key: string): string => `${key}.metadata.json`;

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The document text. Title, categories (`Categoría: Calzado, Moda`) and labelled facts lead so every
 * chunk's neighbourhood carries what the item is; the URL closes it so the agent can point people to
 * the page.
 */
export function documentText(item: NormalisedItem): string {
  const lines = [`${item.typeLabel}: ${item.title}`];
  for (const taxonomy of item.taxonomies ?? []) {
    if (taxonomy.terms.length) lines.push(`${taxonomy.label}: ${taxonomy.terms.join(', ')}`);
  }
  for (const field of item.fields) lines.push(`${field.label}: ${field.value}`);
  if (item.dateText && !item.fields.some((f) => f.value === item.dateText))
    lines.push(`Fecha: ${item.dateText}`);
  const parts = [lines.join('\n')];
  if (item.body) parts.push(item.body);
  if (item.url) parts.push(`Más información: ${item.url}`);
  return parts.join('\n\n');
}

/**
 * Typed file-level metadata: numbers stay numbers so Bedrock can range-filter on them. An item with
 * terms gets one string key per taxonomy; one without gets none (like any absent value).
 */
export function documentMetadata(item: NormalisedItem): Record<string, MetadataValue> {
  const metadata: Record<string, MetadataValue> = {
    source_id: item.sourceId,
    content_type: item.contentType,
    title: cut(item.title, METADATA_TEXT_MAX),
    url: item.url,
    modified_at: item.modifiedAt,
  };
  if (item.startDate !== undefined) metadata.start_date = item.startDate;
  if (item.endDate !== undefined) metadata.end_date = item.endDate;
  metadata.available_until = item.endDate ?? OPEN_ENDED;
  // Term names as one string (`"Calzado, Moda"`): list-typed sidecar metadata is not documented.
  for (const taxonomy of item.taxonomies ?? []) {
    if (taxonomy.terms.length && !(taxonomy.name in metadata))
      metadata[taxonomy.name] = cut(taxonomy.terms.join(', '), METADATA_TEXT_MAX);
  }
  for (const [name, value] of Object.entries(item.metadata)) {
    if (name in metadata) continue; // built-in keys win: they are the contract
    metadata[name] = typeof value === 'string' ? cut(value, METADATA_TEXT_MAX) : value;
  }
  return metadata;
}

/** Sorted keys: JSON.stringify keeps insertion order, and the bytes must not depend on it. */
function sortedObject<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Builds the document for one item. Bytes are deterministic: no run timestamps, sorted keys,
 * CRLF rows as RFC 4180 says. Every metadata key is also a CSV column (Bedrock wants metadata
 * fields present as columns) but excluded from column metadata, because the sidecar's typed
 * file-level attributes already carry them (column metadata would be strings only).
 */
export function buildDocument(item: NormalisedItem): KbDocument {
  const { metadata, sidecar } = documentMetadataSidecar(item);
  const columns = [...Object.keys(metadata), CONTENT_FIELD];
  const row = [...Object.values(metadata).map(String), documentText(item)];
  const csv = `${Papa.unparse({ fields: columns, data: [row] }, { quotes: true, newline: '\r\n' })}\r\n`;
  const key = documentKey(item.contentType, item.sourceId);
  return {
    contentType: item.contentType,
    sourceId: item.sourceId,
    key,
    csv,
    sidecarKey: sidecarKeyFor(key),
    sidecar,
  };
}

/**
 * A document's metadata (sorted keys) and its sidecar's bytes; an ItemError naming the item when the
 * sidecar is over Bedrock's limit. The sidecar does not depend on the body, so the streaming transform
 * checks it before boilerplate is known.
 */
export function documentMetadataSidecar(item: NormalisedItem): {
  metadata: Record<string, MetadataValue>;
  sidecar: string;
} {
  const metadata = sortedObject(documentMetadata(item));
  const sidecarValue = {
    metadataAttributes: metadata,
    documentStructureConfiguration: {
      type: 'RECORD_BASED_STRUCTURE_METADATA',
      recordBasedStructureMetadata: {
        contentFields: [{ fieldName: CONTENT_FIELD }],
        metadataFieldsSpecification: {
          fieldsToExclude: Object.keys(metadata).map((fieldName) => ({ fieldName })),
        },
      },
    },
  };
  const sidecar = `${JSON.stringify(sidecarValue, null, 2)}\n`;
  const bytes = Buffer.byteLength(sidecar);
  if (bytes > SIDECAR_MAX_BYTES) {
    throw new ItemError(
      `${item.contentType} ${item.sourceId}: metadata sidecar is ${bytes} bytes, over Bedrock's ${SIDECAR_MAX_BYTES}`,
      item.contentType,
      item.sourceId,
    );
  }
  return { metadata, sidecar };
}
