import type { WpItem } from '../shared/types.js';

/** Password-protected (WordPress says so on content or excerpt). */
export const isProtected = (item: WpItem): boolean =>
  item.content?.protected === true || item.excerpt?.protected === true;

const KEEP = new Set([
  'id',
  'date_gmt',
  'modified_gmt',
  'slug',
  'status',
  'type',
  'link',
  'title',
  'content',
  'excerpt',
]);

/**
 * What of a protected item may be stored at all: identity and title. WordPress withholds the
 * rendered content of protected posts from anonymous readers, but REST fields added by plugins
 * (ACF) and authenticated requests may still carry it, so everything else is dropped before the
 * item reaches raw/, catalog/, exports/ or kb/.
 */
export function redactProtected(item: WpItem): WpItem {
  if (!isProtected(item)) return item;
  const kept: WpItem = { id: item.id };
  for (const [key, value] of Object.entries(item)) if (KEEP.has(key)) kept[key] = value;
  kept.content = { rendered: '', protected: true };
  kept.excerpt = { rendered: '', protected: true };
  return kept;
}
