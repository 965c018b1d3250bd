import { buildDocument } from '../documents/document.js';
import { FAQ_TYPE, parseFaq } from '../documents/faq.js';
import type { Log } from '../shared/logger.js';
import type { Storage } from '../storage/port.js';
import type { ExtraDocuments } from './transform.js';

export const CURATED_PREFIX = 'curated/';

/**
 * The curated knowledge under `curated/` (uploaded by the deploy from `knowledge/`; the local
 * runner copies it there) as FAQ documents. CSV files are FAQs; other files are ignored with a warning.
 */
export async function loadCurated(storage: Storage, log: Log): Promise<ExtraDocuments> {
  const objects = await storage.list(CURATED_PREFIX);
  const items = [];
  for (const object of objects) {
    if (!object.key.toLowerCase().endsWith('.csv')) {
      log.warn('curated file ignored (only ;-separated FAQ CSV files are read)', { key: object.key });
      continue;
    }
    const body = await storage.get(object.key);
    if (body) items.push(...parseFaq(object.key, body.toString('utf8')));
  }
  const ids = new Set<string>();
  const unique = items.filter((item) => !ids.has(item.sourceId) && ids.add(item.sourceId));
  if (unique.length < items.length) log.warn('duplicate FAQ questions across curated files kept once', {});
  return { contentType: FAQ_TYPE, documents: unique.map(buildDocument) };
}
