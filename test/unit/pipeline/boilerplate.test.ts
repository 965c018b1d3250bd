import { beforeEach, describe, expect, it } from 'vitest';
import { transform } from '../../../functions/core/pipeline/transform.js';
import type { WpkbConfig } from '../../../functions/core/shared/config/schema.js';
import type { WpItem } from '../../../functions/core/shared/types.js';
import { createMemoryStorage, type MemoryStorage } from '../../../functions/core/storage/memory.js';
import { resolvedTypeNamed } from '../resolved.js';
import { recording, referenceConfig } from './helpers.js';

const BRAND =
  'Descubre B+D, la marca chilena de muebles y decoración: diseño nórdico para tu hogar, ahora en el Nivel 2.';

/** Twelve stores; the first `holders` carry the brand paragraph; store 1 is B+D itself. */
function stores(holders: number, count = 12): WpItem[] {
  return Array.from({ length: count }, (_, i) => {
    const id = i + 1;
    const own = `<p>Tienda ${id}: ropa, calzado y accesorios de temporada para toda la familia.</p>`;
    return {
      id,
      link: `https://mall.example.cl/tiendas/${id}/`,
      modified_gmt: '2026-01-01T00:00:00',
      title: { rendered: id === 1 ? 'B+D' : `Tienda ${id}` },
      content: { rendered: i < holders ? `${own}\n<p>${BRAND}</p>` : own, protected: false },
    };
  });
}

const base = referenceConfig();

function run(
  storage: MemoryStorage | ReturnType<typeof recording>['storage'],
  items: WpItem[],
  config = base,
) {
  const type = resolvedTypeNamed(config, 'stores');
  return transform({ config, storage, inputs: [{ type, items }] });
}

const text = (memory: MemoryStorage, key: string) => memory.snapshot().get(key)?.toString('utf8') ?? '';

describe('transform: boilerplate', () => {
  let memory: MemoryStorage;
  beforeEach(() => {
    memory = createMemoryStorage();
  });

  it('leaves a paragraph shared by 30 % of a type out of documents, catalog and export, and counts it', async () => {
    const result = await run(memory, stores(5)); // 5 of 12 ≥ ⌈3.6⌉
    expect(result.boilerplate.stores).toEqual({
      enabled: true,
      blocks: 1,
      paragraphsRemoved: 4,
      itemsChanged: 4,
      examples: [{ text: BRAND, items: 5 }],
    });
    for (const id of [2, 3, 4, 5, 6]) {
      expect(text(memory, `kb/stores/${id}.csv`)).toContain(`Tienda ${id}: ropa`);
      expect(text(memory, `kb/stores/${id}.csv`)).not.toContain('Descubre');
    }
    // The brand's own page keeps its description.
    expect(text(memory, 'kb/stores/1.csv')).toContain(BRAND);
    expect(text(memory, 'exports/stores.csv').split(BRAND).length - 1).toBe(1);
    expect(text(memory, 'catalog/stores.json')).not.toMatch(/Tienda \d+: [^"]*Descubre/);
  });

  it('rewrites nothing on a second run, nor when an item unrelated to the block changes', async () => {
    await run(memory, stores(5));
    const rec = recording(memory);
    expect((await run(rec.storage, stores(5))).changes).toBe(0);
    expect(rec.puts).toEqual([]);

    const edited = stores(5);
    const last = edited[11];
    if (last) last.content = { rendered: '<p>Nuevo horario de invierno.</p>', protected: false };
    const result = await run(rec.storage, edited);
    expect(result.types.stores).toMatchObject({ changed: 1, unchanged: 11 });
    expect(rec.puts.filter((key) => key.startsWith('kb/'))).toEqual(['kb/stores/12.csv']);
  });

  it('puts a block back (rewriting its holders once) when it falls below the share', async () => {
    await run(memory, stores(5));
    const result = await run(memory, stores(3)); // 3 of 12 < ⌈3.6⌉: not boilerplate any more
    expect(result.boilerplate.stores).toMatchObject({ blocks: 0, paragraphsRemoved: 0 });
    expect(text(memory, 'kb/stores/2.csv')).toContain(BRAND);
    expect(text(memory, 'kb/stores/4.csv')).not.toContain(BRAND);
    // Stores 2 and 3 get the paragraph back; 4 and 5 lost it in WordPress, but their documents never had
    // it, so they stay as they were.
    expect(result.types.stores).toMatchObject({ changed: 2, unchanged: 10 });
  });

  it('is configurable off for one type or for all', async () => {
    const offForStores: WpkbConfig = {
      ...base,
      contentTypes: base.contentTypes.map((t) =>
        t.name === 'stores' ? { ...t, boilerplate: { enabled: false } } : t,
      ),
    };
    const perType = await run(memory, stores(5), offForStores);
    expect(perType.boilerplate.stores).toMatchObject({ enabled: false, blocks: 0 });
    expect(text(memory, 'kb/stores/2.csv')).toContain(BRAND);

    const offEverywhere: WpkbConfig = { ...base, boilerplate: { ...base.boilerplate, enabled: false } };
    expect((await run(createMemoryStorage(), stores(5), offEverywhere)).boilerplate.stores?.enabled).toBe(
      false,
    );
    // A type's own setting wins over the global one, key by key.
    const stricter: WpkbConfig = {
      ...base,
      contentTypes: base.contentTypes.map((t) =>
        t.name === 'stores' ? { ...t, boilerplate: { minShare: 0.5 } } : t,
      ),
    };
    expect((await run(createMemoryStorage(), stores(5), stricter)).boilerplate.stores?.blocks).toBe(0);
    expect((await run(createMemoryStorage(), stores(6), stricter)).boilerplate.stores?.blocks).toBe(1);
  });
});
