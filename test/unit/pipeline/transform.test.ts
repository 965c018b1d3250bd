import { beforeEach, describe, expect, it } from 'vitest';
import { type CatalogEntry, catalogJson } from '../../../functions/core/documents/catalog.js';
import { type TransformInput, transform } from '../../../functions/core/pipeline/transform.js';
import { DeletionGuardError } from '../../../functions/core/shared/errors.js';
import type { WpItem } from '../../../functions/core/shared/types.js';
import { createMemoryStorage, type MemoryStorage } from '../../../functions/core/storage/memory.js';
import { resolvedTypeNamed } from '../resolved.js';
import { fixture, recording, referenceConfig } from './helpers.js';

const config = referenceConfig();
const typeOf = (name: string) => resolvedTypeNamed(config, name);
const inputs = (items: Record<string, WpItem[]>): TransformInput[] =>
  Object.entries(items).map(([name, list]) => ({ type: typeOf(name), items: list }));

const site = () => ({
  stores: fixture('stores'),
  event: fixture('event'),
  restaurant: fixture('restaurant'),
});

describe('transform', () => {
  let memory: MemoryStorage;
  beforeEach(() => {
    memory = createMemoryStorage();
  });

  it('writes one document + sidecar per public item, a catalog and an export per type', async () => {
    const result = await transform({ config, storage: memory, inputs: inputs(site()) });
    expect(result.types.stores).toEqual({
      fetched: 4,
      new: 3,
      changed: 0,
      unchanged: 0,
      deleted: 0,
      skipped: 1,
    });
    expect(result.types.event).toMatchObject({ new: 2 });
    expect(result.types.restaurant).toMatchObject({ new: 1 });
    expect(result.changes).toBe(6);
    const keys = [...memory.snapshot().keys()];
    expect(keys.filter((k) => k.startsWith('kb/stores/'))).toEqual([
      'kb/stores/101.csv',
      'kb/stores/101.csv.metadata.json',
      'kb/stores/102.csv',
      'kb/stores/102.csv.metadata.json',
      'kb/stores/103.csv',
      'kb/stores/103.csv.metadata.json',
    ]);
    expect(keys).toContain('catalog/stores.json');
    expect(keys).toContain('exports/event.csv');
    const catalog = JSON.parse(memory.snapshot().get('catalog/event.json')?.toString() ?? '{}');
    expect(catalog.items[0]).toMatchObject({ source_id: '201', start_date: 20260315, end_date: 20260317 });
  });

  it('leaves preserved documents and their stored catalog entries as they are, in id order', async () => {
    await transform({ config, storage: memory, inputs: inputs(site()) });
    // What instant updates did after the run's read: 102 edited, 103 removed, 105 created.
    const stored = JSON.parse(memory.snapshot().get('catalog/stores.json')?.toString() ?? '{}');
    const entries: CatalogEntry[] = stored.items;
    const edited = { ...(entries.find((e) => e.source_id === '102') as CatalogEntry), title: 'Editada' };
    const created = { ...edited, source_id: '105', title: 'Nueva' };
    const kept = [...entries.filter((e) => e.source_id === '101'), edited, created];
    await memory.put('catalog/stores.json', catalogJson('stores', kept));
    await memory.put('kb/stores/102.csv', 'editada');
    await memory.put('kb/stores/105.csv', 'nueva');
    await memory.put('kb/stores/105.csv.metadata.json', '{}');
    await memory.delete(['kb/stores/103.csv', 'kb/stores/103.csv.metadata.json']);

    const preserve = new Set(['kb/stores/102.csv', 'kb/stores/103.csv', 'kb/stores/105.csv']);
    const result = await transform({ config, storage: memory, inputs: inputs(site()), preserve });

    expect(memory.snapshot().get('kb/stores/102.csv')?.toString()).toBe('editada');
    expect(memory.snapshot().get('kb/stores/105.csv')?.toString()).toBe('nueva');
    expect(memory.snapshot().has('kb/stores/103.csv')).toBe(false);
    expect(memory.snapshot().get('catalog/stores.json')?.toString()).toBe(catalogJson('stores', kept));
    expect(result.written).toEqual([]);
    expect(result.deleted).toEqual([]);
  });

  it('never lets a protected item reach any file', async () => {
    await transform({ config, storage: memory, inputs: inputs(site()) });
    for (const [key, body] of memory.snapshot()) {
      expect(body.toString('utf8'), key).not.toContain('SECRETO-ACF-MARKER');
      expect(body.toString('utf8'), key).not.toContain('Tienda secreta');
    }
  });

  it('rewrites nothing when nothing changed', async () => {
    await transform({ config, storage: memory, inputs: inputs(site()) });
    const rec = recording(memory);
    const result = await transform({ config, storage: rec.storage, inputs: inputs(site()) });
    expect(result.changes).toBe(0);
    expect(result.types.stores).toMatchObject({ new: 0, changed: 0, unchanged: 3, deleted: 0 });
    expect(rec.puts).toEqual([]);
    expect(rec.deletes).toEqual([]);
  });

  it('counts an edit, a removal and an addition exactly', async () => {
    await transform({ config, storage: memory, inputs: inputs(site()) });
    const next = site();
    const [first, second] = next.stores;
    if (!first || !second) throw new Error('fixture');
    first.content = { rendered: '<p>Nuevo horario de invierno.</p>', protected: false };
    next.stores = [first, { ...second, id: 150, slug: 'nueva', title: { rendered: 'Tienda nueva' } }];
    const result = await transform({ config, storage: memory, inputs: inputs(next) });
    expect(result.types.stores).toMatchObject({ new: 1, changed: 1, unchanged: 0, deleted: 2 });
    const keys = [...memory.snapshot().keys()].filter(
      (k) => k.startsWith('kb/stores/') && k.endsWith('.csv'),
    );
    expect(keys).toEqual(['kb/stores/101.csv', 'kb/stores/150.csv']);
    expect(memory.snapshot().get('kb/stores/101.csv')?.toString()).toContain('Nuevo horario de invierno.');
  });

  it('fails before writing or deleting anything when the deletion guard trips', async () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ ...fixture('stores')[2], id: 500 + i }) as WpItem);
    await transform({ config, storage: memory, inputs: inputs({ stores: many }) });
    const before = memory.snapshot();
    const rec = recording(memory);
    const shrunk = [...many.slice(0, 6), { ...many[0], id: 999 } as WpItem];
    await expect(
      transform({ config, storage: rec.storage, inputs: inputs({ stores: shrunk }) }),
    ).rejects.toThrow(DeletionGuardError);
    expect(rec.puts).toEqual([]);
    expect(rec.deletes).toEqual([]);
    expect(memory.snapshot()).toEqual(before);
    const forced = await transform({
      config,
      storage: memory,
      inputs: inputs({ stores: shrunk }),
      force: true,
    });
    expect(forced.types.stores).toMatchObject({ deleted: 4, new: 1 });
  });

  it('refuses a type that comes back empty, and leaves other types alone', async () => {
    await transform({ config, storage: memory, inputs: inputs(site()) });
    await expect(
      transform({ config, storage: memory, inputs: inputs({ ...site(), restaurant: [] }) }),
    ).rejects.toThrow('deletion guard: restaurant came back empty but had 1 documents');
  });

  it('plans curated documents next to the site, outside the guard', async () => {
    const faq = {
      contentType: 'faq',
      documents: [
        {
          contentType: 'faq',
          sourceId: 'faq-a',
          key: 'kb/faq/faq-a.csv',
          csv: 'a',
          sidecarKey: 'kb/faq/faq-a.csv.metadata.json',
          sidecar: '{}',
        },
      ],
    };
    const first = await transform({ config, storage: memory, inputs: inputs(site()), extra: [faq] });
    expect(first.types.faq).toMatchObject({ new: 1 });
    const emptied = await transform({
      config,
      storage: memory,
      inputs: inputs(site()),
      extra: [{ contentType: 'faq', documents: [] }],
    });
    expect(emptied.types.faq).toMatchObject({ deleted: 1 });
  });
});

describe('transform: optional enrichment the items lack', () => {
  it('warns about a metadata path and a date field no item has, and builds the documents without them', async () => {
    const memory = createMemoryStorage();
    const stores = typeOf('stores');
    const withBrand = {
      ...stores,
      metadata: [...stores.metadata, { name: 'brand', path: 'acf.marca.nombre', type: 'string' as const }],
    };
    const event = { ...typeOf('event'), dateField: 'acf.fecha' };
    const result = await transform({
      config,
      storage: memory,
      inputs: [
        { type: withBrand, items: fixture('stores') },
        { type: event, items: fixture('event') },
      ],
    });
    expect(result.warnings).toEqual([
      'stores: metadata "brand": none of 3 items has acf.marca.nombre; documents go without it',
      'event: date field acf.fecha: none of 2 items has it; documents go without dates',
    ]);
    expect(result.types.stores).toMatchObject({ new: 3, skipped: 1 });
    expect(result.types.event).toMatchObject({ new: 2 });
    const sidecars = [...memory.snapshot()].filter(([key]) => key.endsWith('.metadata.json'));
    for (const [key, body] of sidecars) {
      const attributes = JSON.parse(body.toString('utf8')).metadataAttributes;
      expect(attributes, key).not.toHaveProperty('brand');
      expect(attributes, key).not.toHaveProperty('start_date');
    }
  });

  it('says nothing about paths some items have, nor about a type without items', async () => {
    // The fixture stores: `local` is in two of three, `acf` is false in one.
    const result = await transform({
      config,
      storage: createMemoryStorage(),
      inputs: [
        ...inputs(site()),
        { type: { ...typeOf('event'), name: 'empty', dateField: 'acf.x' }, items: [] },
      ],
      force: true,
    });
    expect(result.warnings).toEqual([]);
  });
});

describe('transform reading items as a stream', () => {
  it('takes items one at a time from an async iterable, and fails naming an item out of id order', async () => {
    const type = typeOf('stores');
    const items = fixture('stores');
    async function* inOrder() {
      yield* [...items].sort((a, b) => a.id - b.id);
    }
    const streamed = createMemoryStorage();
    await transform({ config, storage: streamed, inputs: [{ type, items: inOrder() }] });
    const fromArray = createMemoryStorage();
    await transform({ config, storage: fromArray, inputs: [{ type, items: [...items].reverse() }] });
    expect(streamed.snapshot()).toEqual(fromArray.snapshot());

    async function* outOfOrder() {
      yield* [...items].sort((a, b) => b.id - a.id);
    }
    const untouched = createMemoryStorage();
    const error = await transform({
      config,
      storage: untouched,
      inputs: [{ type, items: outOfOrder() }],
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^stores \d+: items must come sorted by id without repeats/);
    expect(untouched.snapshot().size).toBe(0);
  });
});
