import { gmtToIso } from '../normalize/item.js';
import { StorageError } from '../shared/errors.js';
import type { WpItem } from '../shared/types.js';
import type { Storage } from '../storage/port.js';
import { readJsonLinesGz } from '../storage/stream.js';
import { type ExtractState, exists } from './extract-state.js';

/** The previous complete run's items as a listing: what an incremental run compares with. */
export interface PreviousListing {
  /** `modified_gmt` (null when the item had none) by id, in id order. */
  items: Map<number, string | null>;
  /** The newest `modified_gmt` or `date_gmt` among them (ms; -Infinity when none is dated). */
  newestMs: number;
}

/** A WordPress `*_gmt` date as milliseconds (NaN when absent or invalid). */
const gmtMs = (value: unknown): number => Date.parse(gmtToIso(value));

/**
 * The previous raw file read once, one line at a time, keeping only ids and dates; `untrusted` with the
 * reason when it cannot stand in for the unchanged items: gone (`raw/` expires after 30 days), not sorted
 * by id, or holding another number of items than its state says.
 */
export async function readPreviousListing(
  storage: Storage,
  state: ExtractState,
): Promise<PreviousListing | { untrusted: string }> {
  if (!(await exists(storage, state.rawKey)))
    return { untrusted: `the previous raw file ${state.rawKey} is gone (expired?)` };
  const lines = await readJsonLinesGz<WpItem>(storage, state.rawKey);
  if (!lines) return { untrusted: `the previous raw file ${state.rawKey} is gone` };
  const items = new Map<number, string | null>();
  let newestMs = Number.NEGATIVE_INFINITY;
  let last = -1;
  try {
    for await (const item of lines) {
      const id = typeof item?.id === 'number' ? item.id : Number.NaN;
      if (!(id > last)) return { untrusted: `${state.rawKey} is not sorted by id at line ${items.size + 1}` };
      last = id;
      items.set(id, typeof item.modified_gmt === 'string' ? item.modified_gmt : null);
      for (const ms of [gmtMs(item.modified_gmt), gmtMs(item.date_gmt)]) if (ms > newestMs) newestMs = ms;
    }
  } catch (error) {
    if (error instanceof StorageError) return { untrusted: error.message };
    throw error;
  }
  if (items.size !== state.items)
    return { untrusted: `${state.rawKey} holds ${items.size} items but its state says ${state.items}` };
  return { items, newestMs };
}
