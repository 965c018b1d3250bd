import type { ContentTypeConfig, ResolvedContentType } from '../shared/config/schema.js';
import { StorageError } from '../shared/errors.js';
import type { TermsByTaxonomy, WpItem } from '../shared/types.js';
import { getJson } from '../storage/codec.js';
import type { Storage } from '../storage/port.js';
import { readJsonLinesGz } from '../storage/stream.js';
import { applyFacts } from '../wordpress/resolve-types.js';
import type { ExtractResult } from './extract-assemble.js';
import { readExtractState } from './extract-state.js';
import { termsKeyFor } from './keys.js';
import type { TransformInput } from './transform.js';

const isTermList = (value: unknown): boolean =>
  Array.isArray(value) &&
  value.every((term) => typeof term === 'object' && term !== null && typeof term.id === 'number');

/**
 * The terms extract stored next to a type's raw items, or undefined when there is none (the items are
 * then checked as they stream: see withoutTermIds).
 */
async function loadTerms(
  storage: Storage,
  type: ResolvedContentType,
  rawKey: string,
): Promise<TermsByTaxonomy | undefined> {
  if (type.taxonomies.length === 0) return undefined;
  const key = termsKeyFor(rawKey);
  const terms = await getJson<unknown>(storage, key);
  if (terms === undefined) return undefined;
  if (
    typeof terms !== 'object' ||
    terms === null ||
    Array.isArray(terms) ||
    !Object.values(terms).every(isTermList)
  ) {
    throw new StorageError(`terms file ${key} is not an object of term lists by taxonomy`, key);
  }
  return terms as TermsByTaxonomy;
}

/**
 * A raw file without terms file is accepted only when no item carries term ids (a raw written before the
 * type had taxonomies); otherwise names could not be resolved and the documents would silently lose their
 * categories.
 */
async function* withoutTermIds(
  items: AsyncIterable<WpItem>,
  type: ResolvedContentType,
  rawKey: string,
): AsyncGenerator<WpItem> {
  const key = termsKeyFor(rawKey);
  for await (const item of items) {
    const taxonomy = type.taxonomies.find((t) => {
      const ids = item[t.restBase];
      return Array.isArray(ids) && ids.length > 0;
    });
    if (taxonomy) {
      throw new StorageError(
        `terms file ${key} is missing, yet ${type.name} ${item.id} carries ${taxonomy.restBase} term ids: their names cannot be resolved`,
        key,
      );
    }
    yield item;
  }
}

/** The raw file's items, read one at a time when transform gets to them. */
async function* rawItems(storage: Storage, rawKey: string): AsyncGenerator<WpItem> {
  const items = await readJsonLinesGz<WpItem>(storage, rawKey);
  if (!items) throw new StorageError(`raw extract ${rawKey} is missing`, rawKey);
  yield* items;
}

/**
 * Pairs each type's config — completed with what extract found on the site (`resolved`) — with what
 * extract stored: its items (streamed from the raw file when transform
 * reads them, not loaded here) and its terms.
 */
export async function loadExtracted(
  storage: Storage,
  types: readonly ContentTypeConfig[],
  extracts: readonly Pick<ExtractResult, 'type' | 'rawKey' | 'resolved' | 'termsMd5' | 'sameItemsAs'>[],
): Promise<TransformInput[]> {
  return Promise.all(
    extracts.map(async (extract) => {
      const configured = types.find((t) => t.name === extract.type);
      if (!configured)
        throw new StorageError(`extract result for unknown content type "${extract.type}"`, extract.rawKey);
      const type = applyFacts(configured, extract.resolved);
      const terms = await loadTerms(storage, type, extract.rawKey);
      const items = rawItems(storage, extract.rawKey);
      // The same items as the previous complete run: its memory lets transform skip the type if nothing
      // else changed either.
      const state =
        extract.sameItemsAs === undefined ? undefined : (await readExtractState(storage, type.name)).state;
      const previous = state?.runId === extract.sameItemsAs ? state?.transform : undefined;
      const hints = {
        ...(extract.termsMd5 !== undefined ? { termsMd5: extract.termsMd5 } : {}),
        ...(previous ? { previous } : {}),
      };
      if (terms) return { type, items, terms, ...hints };
      return {
        type,
        items: type.taxonomies.length ? withoutTermIds(items, type, extract.rawKey) : items,
        ...hints,
      };
    }),
  );
}
