import type { ContentTypeConfig } from '../shared/config/schema.js';
import { StorageError } from '../shared/errors.js';
import type { WpItem } from '../shared/types.js';
import { decodeJsonLinesGz } from '../storage/codec.js';
import type { Storage } from '../storage/port.js';
import type { ExtractResult } from './extract.js';
import type { TransformInput } from './transform.js';

/** Reads back what extract stored, pairing each type's config with its items. */
export async function loadExtracted(
  storage: Storage,
  types: readonly ContentTypeConfig[],
  extracts: readonly Pick<ExtractResult, 'type' | 'rawKey'>[],
): Promise<TransformInput[]> {
  return Promise.all(
    extracts.map(async (extract) => {
      const type = types.find((t) => t.name === extract.type);
      if (!type)
        throw new StorageError(`extract result for unknown content type "${extract.type}"`, extract.rawKey);
      const body = await storage.get(extract.rawKey);
      if (!body) throw new StorageError(`raw extract ${extract.rawKey} is missing`, extract.rawKey);
      return { type, items: await decodeJsonLinesGz<WpItem>(body, extract.rawKey) };
    }),
  );
}
