/**
 * Taxonomy terms: from the ids an item carries (`"categoria_tienda": [12, 14]`) to the names extract
 * stored next to the raw items. Pure.
 */
import type { TermsByTaxonomy } from '../shared/types.js';
import { cleanInline } from './html.js';

/** Term names by taxonomy REST base and term id: built once per type, looked up per item. */
export type TermNames = ReadonlyMap<string, ReadonlyMap<number, string>>;

/** Indexes fetched terms; names are decoded to plain text (`Hogar &amp; Deco` → `Hogar & Deco`). */
export function indexTerms(terms: TermsByTaxonomy): TermNames {
  const index = new Map<string, Map<number, string>>();
  for (const [taxonomy, list] of Object.entries(terms)) {
    const names = new Map<number, string>();
    for (const term of list) {
      const name = typeof term.name === 'string' ? cleanInline(term.name) : '';
      if (Number.isSafeInteger(term.id) && name !== '') names.set(term.id, name);
    }
    index.set(taxonomy, names);
  }
  return index;
}

/** Accents and case do not decide the order; the code points break ties, so the order is total. */
const sortKey = (name: string): string => name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Distinct names in a fixed order: accent- and case-insensitive, then by code point. Not the order
 * WordPress lists an item's terms in (it can change without any term changing) and not a locale
 * collation (it can differ between ICU builds): the document bytes depend only on the set of names.
 */
export function sortTermNames(names: Iterable<string>): string[] {
  const keyed = [...new Set(names)].map((name) => ({ name, key: sortKey(name) }));
  keyed.sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  return keyed.map((entry) => entry.name);
}

/** A term id as WordPress sends it (a number; numeric strings from odd plugins are accepted too). */
function termId(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value) || undefined;
  return undefined;
}

/**
 * The names of the terms in `value` (an item's taxonomy field: an array of term ids). An id that
 * `names` does not know — a term deleted between the reads, a garbled entry — is skipped and reported
 * through `onUnknown`. A missing field or an empty array gives no names.
 */
export function resolveTermNames(
  value: unknown,
  names: ReadonlyMap<number, string> | undefined,
  onUnknown: (id: unknown) => void,
): string[] {
  if (value === undefined || value === null) return [];
  const ids = Array.isArray(value) ? value : [value];
  const found: string[] = [];
  for (const raw of ids) {
    const id = termId(raw);
    const name = id === undefined ? undefined : names?.get(id);
    if (name === undefined) onUnknown(raw);
    else found.push(name);
  }
  return sortTermNames(found);
}
