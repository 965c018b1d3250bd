import { beforeEach, describe, expect, it } from 'vitest';
import { applyHints, coalesce } from '../../../functions/core/instant/apply.js';
import { INSTANT_PREFIX } from '../../../functions/core/instant/ledger.js';
import { runPipeline } from '../../../functions/core/pipeline/run.js';
import type { WpkbConfig } from '../../../functions/core/shared/config/schema.js';
import { WordPressError } from '../../../functions/core/shared/errors.js';
import { createMemoryStorage, type MemoryStorage } from '../../../functions/core/storage/memory.js';
import type { DemoSiteServer } from '../../../functions/local/demo-site/server.js';
import { recording } from '../pipeline/helpers.js';
import { clientFor, deps, hintFor, nightly, setHours, storeWithHours, text, useDemoSite } from './helpers.js';

let server: DemoSiteServer;
let config: WpkbConfig;
let storage: MemoryStorage;

useDemoSite((s, c) => {
  server = s;
  config = c;
});
beforeEach(async () => {
  storage = createMemoryStorage();
  await nightly(config, storage);
});

/** The store without the instant-update ledger, for comparing with a nightly run's store. */
const content = (memory: MemoryStorage) =>
  new Map([...memory.snapshot()].filter(([key]) => key.startsWith('kb/') || key.startsWith('catalog/')));

describe('applyHints: one item', () => {
  it('rewrites exactly the edited store’s document, sidecar and catalog entry, as the nightly run would', async () => {
    const item = storeWithHours(server.site);
    setHours(item, 'Lunes a sábado de 10:00 a 21:00 hrs. Domingo cerrado.');
    const { storage: watched, puts, deletes } = recording(storage);

    const [result] = await applyHints(
      [{ hint: hintFor(config, 'stores', item.id), ref: 'm1' }],
      deps(config, watched),
    );

    expect(result).toMatchObject({ ok: true, refs: ['m1'] });
    if (!result?.ok) return;
    expect(result.outcome).toMatchObject({
      target: `stores:${item.id}`,
      action: 'written',
      written: [`kb/stores/${item.id}.csv`],
      deleted: [],
      catalogChanged: true,
      reason: 'published',
    });
    expect(text(storage, `kb/stores/${item.id}.csv`)).toContain('Domingo cerrado');
    const entry = JSON.parse(text(storage, 'catalog/stores.json')).items.find(
      (e: { source_id: string }) => e.source_id === String(item.id),
    );
    expect(JSON.stringify(entry.fields)).toContain('Domingo cerrado');
    expect(puts.filter((key) => !key.startsWith(INSTANT_PREFIX)).sort()).toEqual(
      // modified_at moved: the sidecar's metadata changed with the text.
      [`kb/stores/${item.id}.csv`, `kb/stores/${item.id}.csv.metadata.json`, 'catalog/stores.json'].sort(),
    );
    expect(deletes).toEqual([]);

    // The next nightly run finds nothing left to do: same code, same bytes.
    const reference = createMemoryStorage();
    await runPipeline({ config, storage: reference, client: clientFor(config), runId: 'run-2' });
    expect(content(storage)).toEqual(content(reference));
  });

  it('leaves out the type’s boilerplate as the last nightly run found it (the B+D paragraph pasted into other stores)', async () => {
    const carrier = (server.site.items.stores ?? []).find(
      (item) =>
        item.status === 'publish' &&
        !item.content.protected &&
        item.content.rendered.includes('B+D') &&
        item.title.rendered !== 'B+D' &&
        Array.isArray((item.acf as { informacion_tienda?: unknown[] })?.informacion_tienda),
    );
    if (!carrier) throw new Error('the demo site has no store carrying the brand block');
    // The run keeps the type's blocks (hashed paragraph keys) in its state.
    const state = JSON.parse(text(storage, 'state/stores.json'));
    expect(state.transform.boilerplateBlocks.length).toBeGreaterThan(0);
    setHours(carrier, 'Horario con bloque de marca');
    const [result] = await applyHints(
      [{ hint: hintFor(config, 'stores', carrier.id), ref: 1 }],
      deps(config, storage),
    );
    expect(result).toMatchObject({ ok: true, outcome: { action: 'written' } });
    const document = text(storage, `kb/stores/${carrier.id}.csv`);
    expect(document).toContain('Horario con bloque de marca');
    expect(document).not.toContain('Visita B+D');
    const reference = createMemoryStorage();
    await runPipeline({ config, storage: reference, client: clientFor(config), runId: 'run-3' });
    expect(document).toBe(text(reference, `kb/stores/${carrier.id}.csv`));
  });

  it('writes nothing but its ledger record when the bytes did not change (nothing to ingest)', async () => {
    const item = storeWithHours(server.site, 1);
    const { storage: watched, puts, deletes } = recording(storage);
    const [result] = await applyHints(
      [{ hint: hintFor(config, 'stores', item.id), ref: 1 }],
      deps(config, watched),
    );
    expect(result).toMatchObject({
      ok: true,
      outcome: { action: 'unchanged', written: [], catalogChanged: false },
    });
    expect(puts.every((key) => key.startsWith(INSTANT_PREFIX))).toBe(true);
    expect(puts).toHaveLength(1);
    expect(deletes).toEqual([]);
  });

  it.each([
    [
      'draft',
      (i: { status: string }) => {
        i.status = 'draft';
      },
      'HTTP 401 (rest_forbidden)',
    ],
    [
      'private',
      (i: { status: string }) => {
        i.status = 'private';
      },
      'HTTP 401 (rest_forbidden)',
    ],
    [
      'password-protected',
      (i: { content: { protected: boolean }; excerpt: { protected: boolean } }) => {
        i.content.protected = true;
        i.excerpt.protected = true;
      },
      'password-protected',
    ],
  ])(
    'removes a %s item from kb/ and the catalog, and brings it back when published again',
    async (_name, hide, reason) => {
      const item = storeWithHours(server.site, 2);
      const before = { status: item.status, content: { ...item.content }, excerpt: { ...item.excerpt } };
      const key = `kb/stores/${item.id}.csv`;
      expect(text(storage, key)).not.toBe('');
      hide(item as never);
      try {
        const [removed] = await applyHints(
          [{ hint: hintFor(config, 'stores', item.id), ref: 1 }],
          deps(config, storage),
        );
        expect(removed).toMatchObject({ ok: true, outcome: { action: 'deleted', deleted: [key], reason } });
        expect(storage.snapshot().has(key)).toBe(false);
        expect(storage.snapshot().has(`${key}.metadata.json`)).toBe(false);
        expect(text(storage, 'catalog/stores.json')).not.toContain(`"source_id": "${item.id}"`);
      } finally {
        Object.assign(item, before);
      }
      const [back] = await applyHints(
        [{ hint: hintFor(config, 'stores', item.id), ref: 2 }],
        deps(config, storage),
      );
      expect(back).toMatchObject({ ok: true, outcome: { action: 'written', written: [key] } });
      expect(text(storage, 'catalog/stores.json')).toContain(`"source_id": "${item.id}"`);
    },
  );

  it('removes an item that is gone from WordPress (404), whatever the hint said', async () => {
    const items = server.site.items.stores ?? [];
    const item = storeWithHours(server.site, 3);
    const index = items.indexOf(item);
    items.splice(index, 1);
    try {
      const [result] = await applyHints(
        [{ hint: hintFor(config, 'stores', item.id, 'upsert'), ref: 1 }],
        deps(config, storage),
      );
      expect(result).toMatchObject({
        ok: true,
        outcome: { action: 'deleted', reason: 'HTTP 404 (rest_post_invalid_id)' },
      });
    } finally {
      items.splice(index, 0, item);
    }
    // A "delete" hint for a published item is only a hint: the item is re-read and kept.
    const [kept] = await applyHints(
      [{ hint: hintFor(config, 'stores', item.id, 'delete'), ref: 2 }],
      deps(config, storage),
    );
    expect(kept).toMatchObject({ ok: true, outcome: { action: 'written', reason: 'published' } });
  });

  it('leaves the store as it was when WordPress cannot be read, and reports the hint as failed', async () => {
    const down = { ...config, site: { ...config.site, url: 'http://127.0.0.1:9' } };
    const before = storage.snapshot();
    const fast = { ...down, wordpress: { ...down.wordpress, maxRetries: 0 } };
    const [result] = await applyHints([{ hint: hintFor(fast, 'stores', 1), ref: 'm9' }], deps(fast, storage));
    expect(result).toMatchObject({ ok: false, refs: ['m9'], target: 'stores:1' });
    if (result?.ok) return;
    expect(result?.error).toBeInstanceOf(WordPressError);
    expect(storage.snapshot()).toEqual(before);
  });
});

describe('applyHints: several hints', () => {
  it('coalesces hints about one item and lets a type hint cover its type', () => {
    const h = (type: string, id: number, event: 'upsert' | 'delete' | 'type' = 'upsert') =>
      hintFor(config, type, id, event);
    const groups = coalesce([
      { hint: h('stores', 1), ref: 'a' },
      { hint: h('stores', 1, 'delete'), ref: 'b' },
      { hint: h('event', 5), ref: 'c' },
      { hint: h('restaurant', 7), ref: 'd' },
      { hint: h('restaurant', 0, 'type'), ref: 'e' },
    ]);
    expect(groups.map((g) => [g.hint.type.name, g.hint.event, g.refs])).toEqual([
      ['stores', 'upsert', ['a', 'b']],
      ['event', 'upsert', ['c']],
      ['restaurant', 'type', ['d', 'e']],
    ]);
  });

  it('applies many edits of one type at once: every catalog entry survives the read-modify-write races', async () => {
    const items = Array.from({ length: 8 }, (_, i) => storeWithHours(server.site, 4 + i));
    for (const [i, item] of items.entries())
      setHours(item, `Horario nuevo ${i}: lunes a viernes de 9:${i}0 a 20:00`);
    const results = await applyHints(
      items.map((item) => ({ hint: hintFor(config, 'stores', item.id), ref: item.id })),
      deps(config, storage),
    );
    expect(results.every((r) => r.ok && r.outcome.action === 'written')).toBe(true);
    const catalog = JSON.parse(text(storage, 'catalog/stores.json'));
    items.forEach((item, i) => {
      const entry = catalog.items.find((e: { source_id: string }) => e.source_id === String(item.id));
      expect(JSON.stringify(entry.fields)).toContain(`Horario nuevo ${i}`);
    });
    expect(catalog.count).toBe(catalog.items.length);
  });

  it('never has more than wordpress.concurrency item reads in flight towards WordPress', async () => {
    const items = Array.from({ length: 12 }, (_, i) => storeWithHours(server.site, 20 + i));
    const client = clientFor(config);
    let inFlight = 0;
    let most = 0;
    const counting = {
      ...client,
      fetchItem: async (...args: Parameters<typeof client.fetchItem>) => {
        inFlight++;
        most = Math.max(most, inFlight);
        try {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return await client.fetchItem(...args);
        } finally {
          inFlight--;
        }
      },
    };
    const results = await applyHints(
      items.map((item) => ({ hint: hintFor(config, 'stores', item.id), ref: item.id })),
      { ...deps(config, storage), client: counting },
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(most).toBe(config.wordpress.concurrency);
  });

  it('re-reads the whole type on a term rename and rewrites only the documents that carry the term', async () => {
    const taxonomy = server.site.taxonomies.find((t) => t.restBase === 'categoria_tienda');
    const stores = server.site.items.stores ?? [];
    const term = taxonomy?.terms.find((t) =>
      stores.some(
        (s) => s.status === 'publish' && !s.content.protected && s.terms.categoria_tienda?.includes(t.id),
      ),
    );
    if (!taxonomy || !term) throw new Error('no used store term');
    const carriers = stores
      .filter(
        (s) => s.status === 'publish' && !s.content.protected && s.terms.categoria_tienda?.includes(term.id),
      )
      .map((s) => `kb/stores/${s.id}.csv`)
      .sort();
    const oldName = term.name;
    term.name = `${oldName} Renombrada`;
    try {
      const { storage: watched, puts } = recording(storage);
      const [result] = await applyHints(
        [{ hint: hintFor(config, 'stores', 0, 'type'), ref: 1 }],
        deps(config, watched),
      );
      expect(result).toMatchObject({
        ok: true,
        outcome: { target: 'stores:*', action: 'written', deleted: [] },
      });
      if (!result?.ok) return;
      expect(result.outcome.written).toEqual(carriers);
      expect(puts.filter((k) => k.startsWith('kb/') && k.endsWith('.csv')).sort()).toEqual(carriers);
      for (const key of carriers) expect(text(storage, key)).toContain('Renombrada');
    } finally {
      term.name = oldName;
    }
  });
});
