/**
 * What a sample of a type's items says about its ACF fields (`wpkb init`): which leaves hold text worth
 * indexing, which one looks like the event date (in the formats normalize/dates.ts reads, Spanish text
 * included), which short scalars deserve to be typed metadata (level, local, phone…). Pure, and never
 * thrown off by an item shaped differently (`acf: false`, a field missing, a string where the others
 * have an object): each item adds what it has.
 */

import { type MetadataField, RESERVED_METADATA_KEYS } from '../shared/config/schema.js';
import { isImageUrl, isLinkObject, isMediaObject, isSkippedKey } from './acf.js';
import { parseEventDates } from './dates.js';
import { cleanInline } from './html.js';

export type LeafKind = 'text' | 'html' | 'number' | 'boolean' | 'link' | 'list' | 'reference';

/** One ACF leaf across the sample, by the path a configuration would use (repeaters at row 0). */
export interface FieldStats {
  /** `acf.informacion_tienda.0.info.level`. */
  path: string;
  /** Its own key (`level`). */
  key: string;
  /** Items in which it holds a non-empty value. */
  items: number;
  kinds: Set<LeafKind>;
  /** Longest value, as plain text. */
  maxLength: number;
  /** Values the event date parser reads as dates. */
  dates: number;
  /** Every value was a JSON number. */
  numeric: boolean;
  /** Under a repeater that had more than one row in some item: a path reaches only the first row. */
  repeated: boolean;
  /** A few values, as plain text. */
  examples: string[];
  /** What `wpkb init` made of it. */
  choice?: string;
}

export interface InferredFields {
  /** Items sampled. */
  sampled: number;
  /** Sampled items whose `acf` holds something (not `false`, not empty). */
  withAcf: number;
  fields: FieldStats[];
  /** Sampled items with some text in `content` / `excerpt`. */
  withContent: number;
  dateField?: string;
  metadata: MetadataField[];
}

/** A date field must parse in at least half the items that have it ("Todos los sábados" does not)… */
const DATE_SHARE = 0.5;
/** …and metadata, like dates, must be there in this share of the items with ACF. */
const PRESENCE_SHARE = 0.5;
/** Metadata values are short: a level, a shop number, a phone. */
const METADATA_MAX_LENGTH = 40;
/** Enough typed keys for filters; more would be noise in every sidecar. */
const METADATA_MAX = 8;
const EXAMPLES = 3;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isScalar = (value: unknown): boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** A snake_case metadata key from an ACF key: `Nivel-Local` → `nivel_local`. */
export function metadataKey(key: string): string {
  const name = key
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(name) ? name : `f_${name}`;
}

class Collector {
  readonly byPath = new Map<string, FieldStats>();

  stats(path: string, key: string): FieldStats {
    let stats = this.byPath.get(path);
    if (!stats) {
      stats = {
        path,
        key,
        items: 0,
        kinds: new Set(),
        maxLength: 0,
        dates: 0,
        numeric: true,
        repeated: false,
        examples: [],
      };
      this.byPath.set(path, stats);
    }
    return stats;
  }

  leaf(
    path: string,
    key: string,
    kind: LeafKind,
    text: string,
    raw: unknown,
    repeated: boolean,
    seen: Set<string>,
  ): void {
    if (text === '') return;
    const stats = this.stats(path, key);
    stats.kinds.add(kind);
    if (repeated) stats.repeated = true;
    if (!seen.has(path)) {
      seen.add(path);
      stats.items++;
    }
    stats.maxLength = Math.max(stats.maxLength, text.length);
    if (typeof raw !== 'number') stats.numeric = false;
    if (kind === 'text' && parseEventDates(text).startDate !== undefined) stats.dates++;
    if (stats.examples.length < EXAMPLES && !stats.examples.includes(text))
      stats.examples.push(text.slice(0, 60));
  }

  /** `seen`: the paths this item already counted (a repeater's rows share theirs). */
  visit(value: unknown, path: string, key: string, repeated: boolean, seen: Set<string>): void {
    if (value === null || value === undefined || value === false || value === '') return;
    if (key !== '' && isSkippedKey(key, value)) return;
    if (typeof value === 'string') {
      const text = cleanInline(value.replace(/<[^>]*>/g, ' '));
      if (isImageUrl(text)) return;
      this.leaf(path, key, /<[a-z][^>]*>/i.test(value) ? 'html' : 'text', text, value, repeated, seen);
      return;
    }
    if (typeof value === 'number') {
      if (Number.isFinite(value)) this.leaf(path, key, 'number', String(value), value, repeated, seen);
      return;
    }
    if (typeof value === 'boolean') {
      this.leaf(path, key, 'boolean', String(value), value, repeated, seen);
      return;
    }
    if (Array.isArray(value)) {
      if (value.every((entry) => isScalar(entry) || (isRecord(entry) && isLinkObject(entry)))) {
        const text = value.map((entry) => (isRecord(entry) ? String(entry.url) : String(entry))).join(', ');
        this.leaf(path, key, 'list', cleanInline(text), value, repeated, seen);
        return;
      }
      // A repeater: its rows share the paths of row 0 (what a configured path reads).
      const more = repeated || value.length > 1;
      for (const row of value) this.visit(row, `${path}.0`, key, more, seen);
      return;
    }
    if (!isRecord(value) || isMediaObject(value)) return;
    if (isLinkObject(value)) {
      this.leaf(path, key, 'link', cleanInline(String(value.url)), value, repeated, seen);
      return;
    }
    if (typeof value.post_title === 'string' || typeof value.term_id === 'number') {
      const name = typeof value.post_title === 'string' ? value.post_title : String(value.name ?? '');
      this.leaf(path, key, 'reference', cleanInline(name), value, repeated, seen);
      return;
    }
    for (const [child, inner] of Object.entries(value))
      this.visit(inner, `${path}.${child}`, child, repeated, seen);
  }
}

const renderedText = (value: unknown): string =>
  isRecord(value) && typeof value.rendered === 'string'
    ? cleanInline(value.rendered.replace(/<[^>]*>/g, ' '))
    : '';

/** Looks at sampled items (as the REST API serves them, with `acf`) and says what to configure. */
export function inferFields(items: readonly unknown[]): InferredFields {
  const collector = new Collector();
  let withAcf = 0;
  let withContent = 0;
  for (const item of items) {
    if (!isRecord(item)) continue;
    if (renderedText(item.content) !== '' || renderedText(item.excerpt) !== '') withContent++;
    const acf = item.acf;
    const before = collector.byPath.size;
    const seen = new Set<string>();
    if (isRecord(acf))
      for (const [key, value] of Object.entries(acf)) collector.visit(value, `acf.${key}`, key, false, seen);
    else if (typeof acf === 'string' || Array.isArray(acf)) collector.visit(acf, 'acf', 'acf', false, seen);
    if (seen.size > 0 || collector.byPath.size > before) withAcf++;
  }
  const fields = [...collector.byPath.values()];
  const present = (stats: FieldStats) => withAcf > 0 && stats.items / withAcf >= PRESENCE_SHARE;

  // The date: the field most items have whose values mostly parse as dates.
  const dateCandidates = fields
    .filter((f) => f.kinds.size === 1 && f.kinds.has('text') && f.dates / f.items >= DATE_SHARE && present(f))
    .sort((a, b) => b.dates - a.dates || a.path.length - b.path.length);
  const dateField = dateCandidates[0]?.path;

  const metadata: MetadataField[] = [];
  const names = new Set(RESERVED_METADATA_KEYS);
  for (const stats of fields) {
    if (stats.path === dateField) {
      stats.choice = 'date (start_date, end_date)';
      continue;
    }
    const scalar = [...stats.kinds].every((kind) => kind === 'text' || kind === 'number');
    const why = !scalar
      ? undefined
      : stats.repeated
        ? 'repeated: only its first row has a path'
        : stats.maxLength > METADATA_MAX_LENGTH
          ? undefined
          : !present(stats)
            ? `in ${stats.items} of ${withAcf} items`
            : stats.examples.some((e) => /^https?:\/\/|@/.test(e))
              ? undefined
              : '';
    const name = metadataKey(stats.key);
    if (why === '' && !names.has(name) && metadata.length < METADATA_MAX) {
      names.add(name);
      metadata.push({ name, path: stats.path, type: stats.numeric ? 'number' : 'string' });
      stats.choice = `metadata "${name}" (${stats.numeric ? 'number' : 'string'}), text`;
    } else {
      stats.choice = why ? `text (not metadata: ${why})` : 'text';
    }
  }
  return {
    sampled: items.length,
    withAcf,
    withContent,
    fields,
    ...(dateField ? { dateField } : {}),
    metadata,
  };
}
