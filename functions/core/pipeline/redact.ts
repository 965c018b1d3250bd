import { isProtectedItem } from '../normalize/item.js';
import type { WpItem } from '../shared/types.js';
import { BASE_FIELDS } from '../wordpress/fields.js';

/** Identity and title: the base fields wpkb reads of every item. */
const KEEP = new Set<string>(BASE_FIELDS);

/**
 * What of a protected item may be stored at all: identity and title. WordPress withholds the
 * rendered content of protected posts from anonymous readers, but REST fields added by plugins
 * (ACF) and authenticated requests may still carry it, so everything else is dropped before the
 * item reaches raw/, catalog/, exports/ or kb/.
 */
export function redactProtected(item: WpItem): WpItem {
  if (!isProtectedItem(item)) return item;
  const kept: WpItem = { id: item.id };
  for (const [key, value] of Object.entries(item)) if (KEEP.has(key)) kept[key] = value;
  kept.content = { rendered: '', protected: true };
  kept.excerpt = { rendered: '', protected: true };
  return kept;
}
