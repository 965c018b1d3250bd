import { readFileSync } from 'node:fs';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import type { WpItem } from '../../../functions/core/shared/types.js';
import type { Storage } from '../../../functions/core/storage/port.js';

export const fixture = (name: string): WpItem[] =>
  JSON.parse(readFileSync(new URL(`../../fixtures/wp/${name}.json`, import.meta.url), 'utf8')) as WpItem[];

export const referenceConfig = () => loadConfig({ overrides: { site: { url: 'https://mall.example.cl' } } });

/** Wraps a store to record every write and delete the pipeline makes. */
export function recording(storage: Storage) {
  const puts: string[] = [];
  const deletes: string[] = [];
  const wrapped: Storage = {
    location: storage.location,
    get: (key) => storage.get(key),
    getTagged: (key) => storage.getTagged(key),
    list: (prefix) => storage.list(prefix),
    putIf: (key, body, condition, options) => {
      puts.push(key);
      return storage.putIf(key, body, condition, options);
    },
    deleteIf: (key, etag) => {
      deletes.push(key);
      return storage.deleteIf(key, etag);
    },
    put: (key, body, options) => {
      puts.push(key);
      return storage.put(key, body, options);
    },
    delete: (keys) => {
      deletes.push(...keys);
      return storage.delete(keys);
    },
  };
  return { storage: wrapped, puts, deletes };
}
