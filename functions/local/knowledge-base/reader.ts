import path from 'node:path';
import Papa from 'papaparse';
import { z } from 'zod';
import { WpkbError } from '../../core/shared/errors.js';

/**
 * Reads the `kb/` prefix the way a Bedrock S3 data source does:
 *
 * - `<file>.metadata.json` next to a file is its sidecar (≤ 10 KB): `metadataAttributes` (string,
 *   number, boolean, string list, or the typed `{value: {type, …Value}}` form) become the metadata of
 *   every chunk of the file, with their JSON types (numbers allow range filters).
 * - A CSV whose sidecar has `documentStructureConfiguration` RECORD_BASED_STRUCTURE_METADATA is
 *   record-based: each row is its own document; the one content field is the text; the other columns
 *   are metadata as strings — those in `fieldsToInclude` when it is given, else all but
 *   `fieldsToExclude`. File-level `metadataAttributes` win over a column of the same name (they are
 *   typed; which one Bedrock keeps is not documented).
 * - `.txt`, `.md` and any other CSV: the whole file is one document.
 * - Other extensions Bedrock accepts (.html, .pdf, .doc(x), .xls(x)) are not read locally: skipped.
 */

export type MetadataValue = string | number | boolean | string[];

/** One document to chunk: a file, or one row of a record-based CSV. */
export interface KbRecord {
  /** `kb/stores/12.csv`, or `kb/x.csv#3` for the fourth row of a multi-row record-based CSV. */
  recordId: string;
  text: string;
  metadata: Record<string, MetadataValue>;
}

export const SIDECAR_SUFFIX = '.metadata.json';
export const SIDECAR_MAX_BYTES = 10 * 1024;
export const FILE_MAX_BYTES = 50 * 1024 * 1024;
export const READABLE_EXTENSIONS = ['.csv', '.txt', '.md'] as const;

/** A file the local index cannot read (Bedrock would fail or skip the document too). */
export class KbFileError extends WpkbError {
  override readonly name = 'KbFileError';
  constructor(
    message: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const fieldName = z.object({ fieldName: z.string().min(1) });
const typedValue = z.object({
  value: z.object({
    type: z.enum(['STRING', 'NUMBER', 'BOOLEAN', 'STRING_LIST']),
    stringValue: z.string().optional(),
    numberValue: z.number().optional(),
    booleanValue: z.boolean().optional(),
    stringListValue: z.array(z.string()).optional(),
  }),
});
const attributeValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), typedValue]);

export const sidecarSchema = z.object({
  metadataAttributes: z.record(z.string(), attributeValue).default({}),
  documentStructureConfiguration: z
    .object({
      type: z.literal('RECORD_BASED_STRUCTURE_METADATA'),
      recordBasedStructureMetadata: z.object({
        contentFields: z.array(fieldName).length(1, 'needs exactly one content field'),
        metadataFieldsSpecification: z
          .object({
            fieldsToInclude: z.array(fieldName).optional(),
            fieldsToExclude: z.array(fieldName).optional(),
          })
          .optional(),
      }),
    })
    .optional(),
});
export type Sidecar = z.infer<typeof sidecarSchema>;

export const isSidecarKey = (key: string): boolean => key.endsWith(SIDECAR_SUFFIX);
export const sidecarKeyOf = (key: string): string => `${key}${SIDECAR_SUFFIX}`;
export const isReadable = (key: string): boolean =>
  (READABLE_EXTENSIONS as readonly string[]).includes(path.posix.extname(key).toLowerCase());

function attribute(value: z.infer<typeof attributeValue>): MetadataValue | undefined {
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  const v = value.value;
  switch (v.type) {
    case 'STRING':
      return v.stringValue;
    case 'NUMBER':
      return v.numberValue;
    case 'BOOLEAN':
      return v.booleanValue;
    case 'STRING_LIST':
      return v.stringListValue;
  }
}

/** Parses and validates a sidecar; the error names the key and the field at fault. */
export function parseSidecar(key: string, body: Buffer): Sidecar {
  if (body.length > SIDECAR_MAX_BYTES)
    throw new KbFileError(`${key}: sidecar is ${body.length} bytes (Bedrock's limit is 10 KB)`, key);
  let json: unknown;
  try {
    json = JSON.parse(decodeUtf8(body));
  } catch (cause) {
    throw new KbFileError(`${key}: sidecar is not valid JSON`, key, { cause });
  }
  const result = sidecarSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new KbFileError(`${key}: sidecar ${issue?.path.join('.') || '(root)'}: ${issue?.message}`, key, {
      cause: result.error,
    });
  }
  return result.data;
}

function decodeUtf8(body: Buffer): string {
  return body.toString('utf8').replace(/^\uFEFF/, '');
}

function fileAttributes(sidecar: Sidecar | undefined): Record<string, MetadataValue> {
  const out: Record<string, MetadataValue> = {};
  for (const [name, raw] of Object.entries(sidecar?.metadataAttributes ?? {})) {
    const value = attribute(raw);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * The documents of one `kb/` object. `sidecarBody` is its `.metadata.json`, if any. Throws a
 * KbFileError naming the key when the file cannot be read as Bedrock would read it.
 */
export function readKbObject(key: string, body: Buffer, sidecarBody?: Buffer): KbRecord[] {
  if (!isReadable(key))
    throw new KbFileError(`${key}: not read locally (only ${READABLE_EXTENSIONS.join(', ')})`, key);
  if (body.length > FILE_MAX_BYTES) throw new KbFileError(`${key}: larger than Bedrock's 50 MB limit`, key);
  const sidecar = sidecarBody ? parseSidecar(sidecarKeyOf(key), sidecarBody) : undefined;
  const attributes = fileAttributes(sidecar);
  const text = decodeUtf8(body);
  const structure = sidecar?.documentStructureConfiguration?.recordBasedStructureMetadata;
  if (!structure || path.posix.extname(key).toLowerCase() !== '.csv')
    return [{ recordId: key, text, metadata: attributes }];

  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: 'greedy' });
  const fatal = parsed.errors.find((e) => e.type !== 'Delimiter');
  if (fatal) throw new KbFileError(`${key}: CSV row ${(fatal.row ?? 0) + 1}: ${fatal.message}`, key);
  const columns = parsed.meta.fields ?? [];
  const content = structure.contentFields[0]?.fieldName ?? '';
  if (!columns.includes(content))
    throw new KbFileError(`${key}: content field "${content}" is not a column (${columns.join(', ')})`, key);
  const spec = structure.metadataFieldsSpecification;
  const include = spec?.fieldsToInclude?.map((f) => f.fieldName);
  const exclude = new Set(spec?.fieldsToExclude?.map((f) => f.fieldName) ?? []);
  const metadataColumns = columns.filter(
    (c) => c !== content && (include ? include.includes(c) : !exclude.has(c)),
  );
  const rows = parsed.data;
  return rows.map((row, index) => {
    const metadata: Record<string, MetadataValue> = {};
    for (const column of metadataColumns) {
      const value = row[column];
      if (value !== undefined && value !== '') metadata[column] = value;
    }
    return {
      recordId: rows.length === 1 ? key : `${key}#${index}`,
      text: row[content] ?? '',
      metadata: { ...metadata, ...attributes },
    };
  });
}
