/**
 * ACF (Advanced Custom Fields) data to labelled lines: `{schedule: 'Lunes a domingo 10:00–21:00'}` →
 * `Horario: Lunes a domingo 10:00–21:00`.
 *
 * Labels: a leaf is labelled by its own key (`informacion_tienda[0].info.schedule` → "Horario"), not by its
 * path ("Información > Info > Horario"): the container keys of real sites (`informacion_tienda`, `info`,
 * `cards`, `data`) carry no meaning for a reader, and short labels keep the lines and their embeddings
 * clean. Even for generic leaves (`title`, `description`) the nearest container is usually one of those
 * meaningless ones (`data.description` → "Datos"?), so the path is not used; the labels map is the place
 * to give a key a better name. Array indexes never appear in labels.
 */
import type { LabelledLine } from '../shared/types.js';
import { fieldToPlainText } from './html.js';

export interface FlattenOptions {
  /** Word written for `true` (site language). Default "sí". */
  yes?: string;
  /** Word written for `false` when `writeFalse` is on. Default "no". */
  no?: string;
  /**
   * Write `false` values as `no`. Off by default: ACF returns `false` both for an unchecked true/false field
   * and for EMPTY link, image, file, post-object and select fields, so `false` mostly means "no value"; a
   * line like "Sitio web: no" on every store without a website would be noise.
   */
  writeFalse?: boolean;
}

/**
 * Switches that only control display (`button.is_active`). They are never written. When one is off, the
 * object holding it is dropped whole: a disabled button's link must not be offered to users.
 */
export const ACTIVATION_FLAGS = new Set([
  'is_active',
  'isactive',
  'active',
  'is_enabled',
  'enabled',
  'enable',
  'is_visible',
  'visible',
  'show',
  'display',
  'activo',
  'activa',
  'habilitado',
  'mostrar',
]);

/** Keys whose values are technical, never content. */
const TECHNICAL_KEYS = new Set(['acf_fc_layout', 'target', 'rel', 'class', 'css', 'id', 'ID']);
/** Keys that hold media (`image`, `logo`, `background_image`, `foto_2`): ids, objects or URLs, not text. */
const MEDIA_KEYS =
  /(?:^|_)(?:image|imagen|img|logo|icon|icono|foto|photo|gallery|galeria|banner|thumbnail|miniatura)(?:s|es)?(?:_?\d+)?$/i;
const IMAGE_URL = /^https?:\/\/\S+\.(?:jpe?g|png|gif|webp|avif|svg|bmp|ico|tiff?)(?:\?\S*)?$/i;
/** An image's URL (a value that is media, not text). */
export const isImageUrl = (text: string): boolean => IMAGE_URL.test(text);
/** Keys of a link object: ACF's link field is `{title, url, target}`; repeaters often use `{name, url}`. */
const LINK_KEYS = new Set(['url', 'target', 'title', 'name', 'label', 'text']);
const LINK_TEXT_KEYS = ['title', 'name', 'label', 'text'] as const;

type Json = unknown;

/** `opening_hours` / `openingHours` → "Opening hours". */
export function humaniseKey(key: string): string {
  const words = key
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase();
  return words === '' ? key : words.charAt(0).toUpperCase() + words.slice(1);
}

function isRecord(value: Json): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A link: `{url}` plus at most a target and one text (`title`, `name`, `label` or `text`). */
export function isLinkObject(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  const texts = LINK_TEXT_KEYS.filter((k) => k in value);
  return typeof value.url === 'string' && texts.length <= 1 && keys.every((k) => LINK_KEYS.has(k));
}

/** ACF image/file objects and WordPress attachments. */
export function isMediaObject(value: Record<string, unknown>): boolean {
  return (
    'mime_type' in value ||
    'filesize' in value ||
    ('sizes' in value && 'url' in value) ||
    value.type === 'image'
  );
}

/** A WP_Post object (ACF post object / relationship fields): only its title is text. */
function postTitle(value: Record<string, unknown>): string | undefined {
  return 'post_title' in value && 'ID' in value && typeof value.post_title === 'string'
    ? value.post_title
    : undefined;
}

/** A taxonomy term (`{term_id, name, slug, taxonomy}`): only its name is text. */
function termName(value: Record<string, unknown>): string | undefined {
  return 'term_id' in value && 'taxonomy' in value && typeof value.name === 'string' ? value.name : undefined;
}

const OFF_VALUES: unknown[] = [false, 0, null, '', '0', 'false'];
const ON_VALUES: unknown[] = [true, 1, '1', 'true'];

/** An activation flag: a known switch key holding a switch value (`show: 'Show de magia'` is content). */
function isFlag(key: string, value: Json): boolean {
  return ACTIVATION_FLAGS.has(key.toLowerCase()) && (OFF_VALUES.includes(value) || ON_VALUES.includes(value));
}

/**
 * A key whose value is never written: `_`-prefixed and technical keys, activation flags holding a
 * switch value, media keys. (An activation flag that is off also drops its object: see `visitObject`.)
 */
export function isSkippedKey(key: string, value: Json): boolean {
  return key.startsWith('_') || TECHNICAL_KEYS.has(key) || isFlag(key, value) || MEDIA_KEYS.test(key);
}

class Flattener {
  readonly lines: LabelledLine[] = [];

  constructor(
    private readonly labels: Record<string, string>,
    private readonly yes: string,
    private readonly no: string,
    private readonly writeFalse: boolean,
  ) {}

  label(key: string): string {
    for (const candidate of [key, key.toLowerCase()]) {
      const label = Object.hasOwn(this.labels, candidate) ? this.labels[candidate] : undefined;
      if (typeof label === 'string' && label !== '') return label;
    }
    return humaniseKey(key);
  }

  /** Label for a leaf: its own key's label (numeric keys of index-keyed objects are skipped). */
  leafLabel(keys: string[]): string {
    const own = keys.findLast((key) => !/^\d+$/.test(key));
    return own === undefined ? '' : this.label(own);
  }

  /**
   * The text of a value that reads as one item (scalar, link, term, post), or `undefined` for composite
   * values; '' for values that are empty or not text.
   */
  scalarText(value: Json, label: string): string | undefined {
    if (value === null || value === undefined) return '';
    if (typeof value === 'string') {
      const text = fieldToPlainText(value);
      return IMAGE_URL.test(text) ? '' : text;
    }
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
    if (typeof value === 'boolean') return value ? this.yes : this.writeFalse ? this.no : '';
    if (!isRecord(value)) return Array.isArray(value) ? undefined : '';
    if (isMediaObject(value)) return '';
    if (isLinkObject(value)) {
      const url = fieldToPlainText(String(value.url));
      const text = LINK_TEXT_KEYS.map((k) => value[k]).find((v) => typeof v === 'string');
      const title = typeof text === 'string' ? fieldToPlainText(text) : '';
      if (url === '') return title;
      // A link titled like its line ("Sitio web: Sitio web (https://…)") is just its URL.
      const plain = title === '' || title === url || title.toLowerCase() === label.toLowerCase();
      return plain ? url : `${title} (${url})`;
    }
    const name = postTitle(value) ?? termName(value);
    if (name !== undefined) return fieldToPlainText(name);
    return undefined;
  }

  push(label: string, value: string): void {
    if (value !== '' && label !== '') this.lines.push({ label, value });
  }

  visit(value: Json, keys: string[]): void {
    const key = keys[keys.length - 1];
    if (key !== undefined && isSkippedKey(key, value)) return;
    const label = this.leafLabel(keys);
    const text = this.scalarText(value, label);
    if (text !== undefined) {
      this.push(label, text);
      return;
    }
    if (Array.isArray(value)) {
      this.visitArray(value, keys);
      return;
    }
    if (isRecord(value)) this.visitObject(value, keys);
  }

  visitObject(value: Record<string, unknown>, keys: string[]): void {
    for (const [flag, state] of Object.entries(value)) {
      if (isFlag(flag, state) && OFF_VALUES.includes(state)) return;
    }
    for (const [childKey, child] of Object.entries(value)) this.visit(child, [...keys, childKey]);
  }

  /**
   * Arrays of scalars (and of links, terms, posts) make one line joined with ", ". Repeaters (arrays of
   * objects) make one line per leaf, except when every row reduces to one line under the same label
   * (`hours: [{hour: '11:00'}, {hour: '15:00'}]`): those rows are joined into one line ("Hora: 11:00, 15:00").
   */
  visitArray(value: unknown[], keys: string[]): void {
    const label = this.leafLabel(keys);
    const texts = value.map((item) => this.scalarText(item, label));
    if (texts.every((t) => t !== undefined)) {
      this.push(label, texts.filter((t) => t !== '').join(', '));
      return;
    }
    const rows = value.map((item) => {
      const row = new Flattener(this.labels, this.yes, this.no, this.writeFalse);
      row.visit(item, keys);
      return row.lines;
    });
    const nonEmpty = rows.filter((lines) => lines.length > 0);
    const first = nonEmpty[0]?.[0];
    if (
      first !== undefined &&
      nonEmpty.length > 1 &&
      nonEmpty.every((lines) => lines.length === 1 && lines[0]?.label === first.label)
    ) {
      this.push(first.label, nonEmpty.map((lines) => lines[0]?.value).join(', '));
      return;
    }
    for (const lines of rows) this.lines.push(...lines);
  }
}

/**
 * Flattens ACF data into labelled lines, in source order.
 *
 * - `false`, `null`, empty strings, arrays and objects give nothing (`acf` is `false` for items without fields);
 * - objects recurse; a leaf is labelled by `labels[key]` or the humanised key (see the module comment);
 * - link objects `{title, url}` → `title (url)` or just the url; `{url}` → the url;
 * - booleans → "sí" (`yes`); `false` is skipped unless `writeFalse` (see FlattenOptions);
 * - activation flags (`is_active`…) are never written; when off, their whole object is dropped
 *   (a disabled button's anchor is not written as a link);
 * - HTML inside values becomes plain text; media (image objects, ids under image-like keys, image URLs),
 *   keys starting with `_` and technical keys (`acf_fc_layout`, `target`, `id`) are skipped.
 */
export function flattenAcf(
  acf: unknown,
  labels: Record<string, string>,
  options: FlattenOptions = {},
): LabelledLine[] {
  if (acf === false || acf === null || acf === undefined) return [];
  const flattener = new Flattener(
    labels,
    options.yes ?? 'sí',
    options.no ?? 'no',
    options.writeFalse ?? false,
  );
  if (isRecord(acf)) flattener.visitObject(acf, []);
  else if (Array.isArray(acf)) flattener.visitArray(acf, ['acf']);
  return flattener.lines;
}
