/**
 * One WordPress REST item → a NormalisedItem: plain text, NFC, typed metadata, event dates.
 * Pure: the same item and configuration always give the same result.
 */
import type { MetadataField, ResolvedContentType } from '../shared/config/schema.js';
import type { LabelledLine, NormalisedItem, WpItem } from '../shared/types.js';
import { type FlattenOptions, flattenAcf } from './acf.js';
import { parseEventDates } from './dates.js';
import { cleanInline, fieldToPlainText, htmlToPlainText } from './html.js';
import { resolveTermNames, type TermNames } from './terms.js';

export interface NormaliseOptions {
  /** Labels for ACF keys (global); the type's own `fieldLabels` are merged over them. */
  fieldLabels: Record<string, string>;
  /** Words for booleans in fields (Spanish defaults). */
  booleans?: FlattenOptions;
  /** Names of the type's taxonomy terms (`indexTerms` of what extract stored); without it no id resolves. */
  terms?: TermNames;
  /** Told about each term id an item carries that `terms` does not know (a deleted term): it is skipped. */
  onUnknownTerm?: (taxonomy: string, id: unknown) => void;
}

/**
 * Reads a dotted path (`acf.informacion_tienda.0.info.level`): numeric segments index arrays; only own
 * properties are followed (no `__proto__` or `constructor` surprises). `undefined` when absent.
 */
export function getPath(obj: unknown, path: string): unknown {
  let current: unknown = obj;
  for (const segment of path.split('.')) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}

/** True when WordPress withheld the item's content behind a password. */
export function isProtectedItem(item: WpItem): boolean {
  return item.content?.protected === true || item.excerpt?.protected === true;
}

/** WordPress `*_gmt` (`2026-03-01T12:34:56`, no zone) → `2026-03-01T12:34:56Z`; '' when absent or invalid. */
export function gmtToIso(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') return '';
  const text = value.trim();
  const naive = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(text);
  const time = Date.parse(naive ? `${text}Z` : text);
  if (Number.isNaN(time)) return '';
  const iso = new Date(time).toISOString();
  if (naive) return iso.slice(0, 19) === text ? `${text}Z` : ''; // rejects rolled-over dates (02-30)
  return /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) ? iso.replace('.000Z', 'Z') : '';
}

/** Word tokens for comparing texts regardless of punctuation, case and markup. */
function tokens(text: string): string {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).join(' ');
}

/** A trailing "read more" that themes append to excerpts: `[…]`, `…`, `Leer más »`, `Continue reading →`. */
const READ_MORE =
  /(?:\s*(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.))?(?:\s*(?:leer más|seguir leyendo|continuar leyendo|ver más|sigue leyendo|read more|continue reading)\s*(?:»|›|→|\.\.\.|…)?)?\s*$/i;

/**
 * A text part adds nothing when its words already appear, in order and contiguous, in an earlier part.
 * This catches WordPress's automatic excerpt (the first 55 words of the content plus `[…]`), a manual
 * excerpt copied from the content, and an excerpt identical to the content.
 */
function isRedundant(part: string, earlier: string[]): boolean {
  const stripped = part.replace(READ_MORE, '').trim();
  if (stripped === '') return true;
  const own = tokens(stripped);
  if (own === '') return earlier.some((text) => text.includes(stripped));
  return earlier.some((text) => ` ${tokens(text)} `.includes(` ${own} `));
}

/** Text of a REST field: `{rendered}` objects and strings are HTML; other objects are structured fields. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return fieldToPlainText(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'rendered' in value) {
    const rendered = (value as { rendered?: unknown }).rendered;
    return typeof rendered === 'string' ? htmlToPlainText(rendered) : '';
  }
  return undefined;
}

const TRUE_WORDS = new Set(['true', '1', 'sí', 'si', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no', '']);

/** A metadata value of the configured type, or `undefined` (omitted) when it cannot be read as that type. */
function metadataValue(raw: unknown, type: MetadataField['type']): string | number | boolean | undefined {
  if (type === 'number') {
    if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
    if (typeof raw !== 'string') return undefined;
    // "3", "-2", "3.5", "3,5" (decimal comma); not "1.234.567", "Nivel 3" or "".
    const text = cleanInline(raw);
    return /^[+-]?\d+(?:[.,]\d+)?$/.test(text) ? Number(text.replace(',', '.')) : undefined;
  }
  if (type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (typeof raw === 'number') return raw === 1 ? true : raw === 0 ? false : undefined;
    if (typeof raw !== 'string') return undefined;
    const word = cleanInline(raw).toLowerCase();
    return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) && word !== '' ? false : undefined;
  }
  if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : undefined;
  if (typeof raw === 'boolean') return String(raw);
  if (typeof raw !== 'string') return undefined;
  const text = cleanInline(raw);
  return text === '' ? undefined : text;
}

/**
 * Normalises one item of a content type.
 *
 * - title: `title.rendered` on one line; empty → "<type label> <id>";
 * - body: the type's `textFields` that are text (`content`, `excerpt`, strings), in order, blank-line
 *   separated; a part whose words already appear in an earlier part is dropped (automatic excerpts);
 * - fields: the `textFields` that are structured (`acf`) flattened into labelled lines;
 * - metadata: the type's `metadata` paths, typed; values that cannot be read as their type are omitted;
 * - events (`dateField`): the date text and, when parseable, start/end as YYYYMMDD;
 * - taxonomies: for each of the type's `taxonomies`, the names of the terms whose ids the item carries
 *   under the taxonomy's REST base, decoded and sorted; unknown ids are skipped (`onUnknownTerm`);
 * - password-protected items keep their title and identity only: body, fields, metadata, dates and
 *   terms empty.
 */
export function normaliseItem(
  item: WpItem,
  type: ResolvedContentType,
  options: NormaliseOptions,
): NormalisedItem {
  const sourceId = String(item.id);
  const title = cleanInline(typeof item.title?.rendered === 'string' ? item.title.rendered : '');
  const isProtected = isProtectedItem(item);
  const normalised: NormalisedItem = {
    sourceId,
    contentType: type.name,
    typeLabel: type.label,
    title: title === '' ? `${type.label} ${sourceId}` : title,
    url: typeof item.link === 'string' ? item.link.trim() : '',
    modifiedAt: gmtToIso(item.modified_gmt),
    publishedAt: gmtToIso(item.date_gmt),
    body: '',
    fields: [],
    metadata: {},
    protected: isProtected,
    taxonomies: type.taxonomies.map((taxonomy) => ({
      name: taxonomy.name,
      label: taxonomy.label,
      terms: [],
    })),
  };
  if (isProtected) return normalised;

  normalised.taxonomies = type.taxonomies.map((taxonomy) => ({
    name: taxonomy.name,
    label: taxonomy.label,
    terms: resolveTermNames(item[taxonomy.restBase], options.terms?.get(taxonomy.restBase), (id) =>
      options.onUnknownTerm?.(taxonomy.restBase, id),
    ),
  }));

  const labels = { ...options.fieldLabels, ...type.fieldLabels };
  const parts: string[] = [];
  const fields: LabelledLine[] = [];
  for (const path of type.textFields) {
    const value = getPath(item, path);
    const text = textOf(value);
    if (text === undefined) {
      fields.push(...flattenAcf(value, labels, options.booleans));
    } else if (text !== '' && !isRedundant(text, parts)) {
      parts.push(text);
    }
  }
  normalised.body = parts.join('\n\n');
  normalised.fields = fields;

  for (const field of type.metadata) {
    const value = metadataValue(getPath(item, field.path), field.type);
    if (value !== undefined) normalised.metadata[field.name] = value;
  }

  if (type.dateField !== undefined) {
    const raw = getPath(item, type.dateField);
    const dateText = typeof raw === 'string' ? cleanInline(raw) : typeof raw === 'number' ? String(raw) : '';
    if (dateText !== '') {
      normalised.dateText = dateText;
      const { startDate, endDate } = parseEventDates(dateText);
      if (startDate !== undefined && endDate !== undefined) {
        normalised.startDate = startDate;
        normalised.endDate = endDate;
      }
    }
  }
  return normalised;
}
