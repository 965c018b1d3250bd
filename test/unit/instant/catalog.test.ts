import { describe, expect, it } from 'vitest';
import { type CatalogEntry, catalogJson } from '../../../functions/core/documents/catalog.js';
import { updateCatalogEntry } from '../../../functions/core/instant/catalog.js';
import { ConditionFailedError, StorageError } from '../../../functions/core/shared/errors.js';
import { silentLog } from '../../../functions/core/shared/logger.js';
import { createMemoryStorage } from '../../../functions/core/storage/memory.js';
import type { Storage } from '../../../functions/core/storage/port.js';

const entry = (id: string, title = `Tienda ${id}`): CatalogEntry => ({
  source_id: id,
  content_type: 'stores',
  title,
  url: `https://mall.example.cl/stores/${id}/`,
  modified_at: '2026-03-01T12:00:00Z',
  metadata: {},
  taxonomies: {},
  fields: [],
  summary: '',
});
const options = { log: silentLog, sleep: async () => {} };
const ids = async (storage: Storage) =>
  JSON.parse((await storage.get('catalog/stores.json'))?.toString() ?? '{"items":[]}').items.map(
    (e: CatalogEntry) => `${e.source_id}:${e.title}`,
  );

/** A store where another writer changes the catalog right before each of our first `times` conditional writes. */
function contended(storage: Storage, times: number) {
  let raced = 0;
  const wrapped: Storage = {
    ...storage,
    location: storage.location,
    async putIf(key, body, condition, putOptions) {
      if (raced < times) {
        raced++;
        const current = JSON.parse((await storage.get(key))?.toString() ?? '{"items":[]}');
        await storage.put(key, catalogJson('stores', [...current.items, entry(`other-${raced}`)]));
      }
      return storage.putIf(key, body, condition, putOptions);
    },
  };
  return { storage: wrapped, raced: () => raced };
}

describe('updateCatalogEntry', () => {
  it('creates the catalog, replaces an entry, removes one, and writes nothing when nothing changes', async () => {
    const storage = createMemoryStorage();
    expect(await updateCatalogEntry(storage, 'stores', '2', entry('2'), options)).toBe(true);
    expect(await updateCatalogEntry(storage, 'stores', '10', entry('10'), options)).toBe(true);
    expect(await updateCatalogEntry(storage, 'stores', '2', entry('2', 'Nuevo'), options)).toBe(true);
    expect(await ids(storage)).toEqual(['2:Nuevo', '10:Tienda 10']); // numeric id order, as transform sorts
    expect(await updateCatalogEntry(storage, 'stores', '2', entry('2', 'Nuevo'), options)).toBe(false);
    expect(await updateCatalogEntry(storage, 'stores', '2', undefined, options)).toBe(true);
    expect(await updateCatalogEntry(storage, 'stores', '2', undefined, options)).toBe(false);
    expect(JSON.parse((await storage.get('catalog/stores.json'))?.toString() ?? '')).toMatchObject({
      count: 1,
    });
    expect(await updateCatalogEntry(storage, 'event', '1', undefined, options)).toBe(false);
    expect(await storage.get('catalog/event.json')).toBeUndefined();
  });

  it('re-applies its change on top of a concurrent writer’s (ETag conflict), keeping both', async () => {
    const memory = createMemoryStorage();
    await memory.put('catalog/stores.json', catalogJson('stores', [entry('1')]));
    const { storage, raced } = contended(memory, 2);
    expect(await updateCatalogEntry(storage, 'stores', '5', entry('5', 'Editada'), options)).toBe(true);
    expect(raced()).toBe(2);
    expect(await ids(memory)).toEqual([
      '1:Tienda 1',
      '5:Editada',
      'other-1:Tienda other-1',
      'other-2:Tienda other-2',
    ]);
  });

  it('gives up after maxAttempts lost races with the ConditionFailedError', async () => {
    const memory = createMemoryStorage();
    await memory.put('catalog/stores.json', catalogJson('stores', []));
    const { storage } = contended(memory, 100);
    const error = await updateCatalogEntry(storage, 'stores', '5', entry('5'), {
      ...options,
      maxAttempts: 3,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConditionFailedError);
  });

  it('refuses to rewrite a catalog it cannot read, naming it', async () => {
    const storage = createMemoryStorage();
    await storage.put('catalog/stores.json', '{"items": [');
    const error = await updateCatalogEntry(storage, 'stores', '5', entry('5'), options).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toContain('catalog/stores.json');
    expect((await storage.get('catalog/stores.json'))?.toString()).toBe('{"items": [');
  });
});
