import type { ContentTypeConfig, ResolvedContentType } from '../shared/config/schema.js';
import { StorageError } from '../shared/errors.js';
import type { TermsByTaxonomy, WpItem } from '../shared/types.js';
import { decodeJsonLinesGz, getJson } from '../storage/codec.js';
import type { Storage } from '../storage/port.js';
import { applyFacts } from '../wordpress/resolve-types.js';
import type { ExtractResult } from './extract.js';
import { termsKeyFor } from './keys.js';
import type { TransformInput } from './transform.js';

const isTermList = (value: unknown): boolean =>
  Array.isArray(value) &&
  value.every((term) => typeof term === 'object' && term !== null && typeof term.id === 'number');

/**
 * The terms extract stored next to a type's raw items. A missing file is accepted only when no item
 * carries term ids (a raw written before the type had taxonomies); otherwise names could not be
 * resolved and the documents would silently lose their categories.
 */
async function loadTerms(
  storage: Storage,
  type: ResolvedContentType,
  rawKey: string,
  items: readonly WpItem[],
): Promise<TermsByTaxonomy | undefined> {
  if (type.taxonomies.length === 0) return undefined;
  const key = termsKeyFor(rawKey);
  const terms = await getJson<unknown>(storage, key);
  if (terms === undefined) {
    for (const item of items) {
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
    }
    return undefined;
  }
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
 * Reads back what extract stored, pairing each type's config — completed with what extract found on the
 * site (`resolved`) — with its items (and terms).
 */
export async function loadExtracted(
  storage: Storage,
  types: readonly ContentTypeConfig[],
  extracts: readonly Pick<ExtractResult, 'type' | 'rawKey' | 'resolved'>[],
): Promise<TransformInput[]> {
  return Promise.all(
    extracts.map(async (extract) => {
      const configured = types.find((t) => t.name === extract.type);
      if (!configured)
        throw new StorageError(`extract result for unknown content type "${extract.type}"`, extract.rawKey);
      const type = applyFacts(configured, extract.resolved);
      const body = await storage.get(extract.rawKey);
      if (!body) throw new StorageError(`raw extract ${extract.rawKey} is missing`, extract.rawKey);
      const items = await decodeJsonLinesGz<WpItem>(body, extract.rawKey);
      const terms = await loadTerms(storage, type, extract.rawKey, items);
      return { type, items, ...(terms ? { terms } : {}) };
    }),
  );
}
