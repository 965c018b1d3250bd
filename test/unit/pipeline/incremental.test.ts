/**
 * Reads proportional to change: the pipeline on the demo site (the real WordPress client over HTTP,
 * a live site whose items the tests edit) with a clock the tests move.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyHints } from '../../../functions/core/instant/apply.js';
import { keys } from '../../../functions/core/pipeline/keys.js';
import type { RunReport } from '../../../functions/core/pipeline/report.js';
import { runPipeline } from '../../../functions/core/pipeline/run.js';
import type { Clock } from '../../../functions/core/shared/clock.js';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import type { ConfigInput, WpkbConfig } from '../../../functions/core/shared/config/schema.js';
import { silentLog } from '../../../functions/core/shared/logger.js';
import { decodeJsonLinesGz } from '../../../functions/core/storage/codec.js';
import { createMemoryStorage, type MemoryStorage } from '../../../functions/core/storage/memory.js';
import { generateDemoSite } from '../../../functions/local/demo-site/generate.js';
import { type DemoSiteServer, startDemoSite } from '../../../functions/local/demo-site/server.js';
import type { DemoItem, DemoSite } from '../../../functions/local/demo-site/site.js';
import { deps, hintFor } from '../instant/helpers.js';

let site: DemoSite;
let server: DemoSiteServer;

beforeAll(async () => {
  site = generateDemoSite({ scale: 0.5, seed: 21 });
  server = await startDemoSite({ site });
});
afterAll(async () => {
  await server?.close();
});

/** A clock at a day of November 2026, moved by the tests. */
function clock(day = 1): Clock & { day: number } {
  const c = { day, now: () => new Date(Date.UTC(2026, 10, c.day, 3, 0, 0)) };
  return c;
}

function configFor(overrides: Partial<ConfigInput> = {}): WpkbConfig {
  return loadConfig({
    overrides: {
      ...overrides,
      site: { url: server.url },
      wordpress: { perPage: 20, ...overrides.wordpress },
    },
  });
}

interface Run {
  report: RunReport;
  /** Item requests (listing and reads; terms and discovery left out). */
  itemRequests: string[];
  /** Types transform skipped: same items, settings, terms and stored documents as the previous run. */
  notTransformed: string[];
}

async function run(
  storage: MemoryStorage,
  c: Clock,
  runId: string,
  options: { config?: WpkbConfig; full?: boolean } = {},
): Promise<Run> {
  const before = server.requests();
  const log: string[] = [];
  const notTransformed: string[] = [];
  const report = await runPipeline({
    config: options.config ?? configFor(),
    storage,
    runId,
    clock: c,
    full: options.full ?? false,
    log: {
      ...silentLog,
      debug: (message: string, fields?: Record<string, unknown>) => {
        if (message === 'wordpress GET' && typeof fields?.url === 'string') log.push(fields.url);
      },
      info: (message: string, fields?: Record<string, unknown>) => {
        if (message.startsWith('unchanged since the previous run')) notTransformed.push(String(fields?.type));
      },
    },
  });
  expect(server.requests() - before).toBeGreaterThan(0);
  return {
    report,
    itemRequests: log.filter((url) => /\/wp\/v2\/(event|stores|restaurant)\?/.test(url)),
    notTransformed,
  };
}

const kb = (storage: MemoryStorage) =>
  new Map([...storage.snapshot()].filter(([key]) => key.startsWith('kb/') || key.startsWith('catalog/')));

const stores = () => site.items.stores ?? [];
const published = () => stores().filter((item) => item.status === 'publish');
const touch = (id: number, change: (item: DemoItem) => void, modified?: string) => {
  const item = stores().find((i) => i.id === id);
  if (!item) throw new Error(`no store ${id}`);
  change(item);
  if (modified) item.modified_gmt = modified;
};

describe('incremental reads', () => {
  let storage: MemoryStorage;
  beforeEach(() => {
    storage = createMemoryStorage();
  });

  it('reads everything first, then only the listing on an unchanged night, with the same documents', async () => {
    const c = clock(1);
    const first = await run(storage, c, 'run-1');
    expect(first.report.extract.stores).toMatchObject({ mode: 'full', reason: 'no previous complete run' });
    expect(first.report.extract.stores?.read).toBe(published().length);
    const afterFirst = kb(storage);

    c.day = 2;
    const second = await run(storage, c, 'run-2');
    for (const type of ['event', 'stores', 'restaurant']) {
      expect(second.report.extract[type], type).toMatchObject({ mode: 'incremental', read: 0, gone: 0 });
      expect(second.report.extract[type]?.reason).toMatch(
        /^unchanged configuration; last full read 1 days ago/,
      );
    }
    // Per type three requests whatever its size: the count, what was modified and what was published
    // since shortly before the newest date the first run saw; never a page of the listing, never a read.
    for (const type of ['event', 'stores', 'restaurant']) {
      expect(second.report.extract[type]?.reason, type).toMatch(
        /; listed the changes since \S+ \(0 new or modified, \d+ requests; X-WP-Total \d+ agrees\)$/,
      );
      const requests = second.itemRequests.filter((url) => url.includes(`/wp/v2/${type}?`));
      const kinds = requests.map((url) => {
        const query = new URL(url).searchParams;
        if (query.has('modified_after')) return 'modified since';
        if (query.has('after')) return 'published since';
        return query.get('per_page') === '1' && query.get('_fields') === 'id' ? 'count' : url;
      });
      expect(new Set(kinds), type).toEqual(new Set(['count', 'modified since', 'published since']));
    }
    // The stores (97) fit in far fewer requests than the listing's 5 pages, whatever the site's size.
    expect(second.itemRequests.filter((url) => url.includes('/wp/v2/stores?'))).toHaveLength(3);
    expect(second.report.changes).toBe(0);
    expect(second.report.extract.stores?.bytes).toBeLessThan((first.report.extract.stores?.bytes ?? 0) / 10);
    expect(kb(storage)).toEqual(afterFirst);
    // The raw file of the incremental run holds every item, byte for byte as the full read stored it.
    const raw = (runId: string) =>
      decodeJsonLinesGz(storage.snapshot().get(keys.raw('stores', runId)) ?? Buffer.alloc(0));
    expect(await raw('run-2')).toEqual(await raw('run-1'));
  });

  it('an unchanged type is not transformed again, unless its stored documents or its terms changed', async () => {
    const c = clock(1);
    const firstReport = (await run(storage, c, 'run-1')).report;
    expect(firstReport.boilerplate?.stores?.blocks).toBeGreaterThan(0);
    const afterFirst = kb(storage);
    c.day = 2;
    const quiet = await run(storage, c, 'run-2');
    expect(quiet.report.changes).toBe(0);
    expect(quiet.report.types.stores).toMatchObject({ new: 0, changed: 0, deleted: 0 });
    expect(quiet.report.types.stores?.unchanged).toBeGreaterThan(0);
    expect(quiet.notTransformed).toEqual(['event', 'stores', 'restaurant']);
    expect(quiet.report.boilerplate).toEqual(firstReport.boilerplate);
    const state = JSON.parse(storage.snapshot().get(keys.state('stores'))?.toString() ?? '{}');
    expect(state.transform).toMatchObject({ documents: quiet.report.types.stores?.unchanged });
    expect(kb(storage)).toEqual(afterFirst);

    // A document changed behind the pipeline's back: the type is transformed again and put right.
    const [first] = published();
    const key = `kb/stores/${first?.id}.csv`;
    await storage.put(key, 'tampered');
    c.day = 3;
    const repaired = await run(storage, c, 'run-3');
    expect(repaired.notTransformed).toEqual(['event', 'restaurant']);
    expect(repaired.report.types.stores).toMatchObject({ changed: 1 });
    expect(kb(storage)).toEqual(afterFirst);

    // A renamed term reaches its items' documents without any item being read.
    const taxonomy = site.taxonomies.find((t) => t.restBase === 'categoria_tienda');
    const used = published().find((item) => (item.terms.categoria_tienda ?? []).length > 0);
    const term = taxonomy?.terms.find((t) => t.id === used?.terms.categoria_tienda?.[0]);
    if (!term || !used) throw new Error('no store with a category');
    term.name = `${term.name} Renombrada`;
    c.day = 4;
    const renamed = await run(storage, c, 'run-4');
    expect(renamed.report.extract.stores).toMatchObject({ mode: 'incremental', read: 0 });
    expect(renamed.report.types.stores?.changed).toBeGreaterThanOrEqual(1);
    expect(storage.snapshot().get(`kb/stores/${used.id}.csv`)?.toString()).toContain(term.name);
  });

  it('reads exactly the edited and added items; a trashed one is gone; documents equal a full read', async () => {
    const c = clock(1);
    await run(storage, c, 'run-1');
    const [edited, trashed] = published();
    if (!edited || !trashed) throw new Error('site too small');
    touch(
      edited.id,
      (item) => {
        item.content.rendered = '<p>Nuevo horario de invierno.</p>';
      },
      '2026-11-01T12:00:00',
    );
    touch(trashed.id, (item) => {
      item.status = 'private';
    });
    const added = structuredClone(edited);
    added.id = Math.max(...stores().map((i) => i.id)) + 7;
    added.slug = 'tienda-nueva';
    added.title.rendered = 'Tienda Nueva';
    stores().push(added);

    c.day = 2;
    const second = await run(storage, c, 'run-2');
    expect(second.report.extract.stores).toMatchObject({ mode: 'incremental', read: 2, gone: 1 });
    expect(second.report.types.stores).toMatchObject({ new: 1, changed: 1, deleted: 1 });
    const reads = second.itemRequests.filter((url) => url.includes('include='));
    expect(reads).toHaveLength(1);
    expect(decodeURIComponent(reads[0] ?? '')).toContain(`include=${edited.id},${added.id}&`);
    const incremental = kb(storage);

    // A full read of the same site gives the same bytes for every document and the catalog.
    const again = createMemoryStorage();
    await run(again, clock(2), 'run-full', { full: true });
    expect(kb(again)).toEqual(incremental);
  });

  it('asks what changed: an edit and an addition are read without listing every page', async () => {
    const c = clock(1);
    await run(storage, c, 'run-1');
    // Not a store the other tests touch; a modified_gmt of its own.
    const edited = published()[5];
    if (!edited) throw new Error('site too small');
    touch(
      edited.id,
      (item) => {
        item.content.rendered = '<p>Horario de verano.</p>';
      },
      '2026-11-01T13:00:00',
    );
    const added = structuredClone(edited);
    added.id = Math.max(...stores().map((i) => i.id)) + 11;
    added.slug = 'tienda-recien-abierta';
    added.date_gmt = '2026-11-01T13:00:00';
    stores().push(added);

    c.day = 2;
    const second = await run(storage, c, 'run-2');
    expect(second.report.extract.stores).toMatchObject({ mode: 'incremental', read: 2, gone: 0 });
    expect(second.report.extract.stores?.reason).toMatch(
      /listed the changes since \S+ \(2 new or modified, 3 requests/,
    );
    const storeRequests = second.itemRequests.filter((url) => url.includes('/wp/v2/stores?'));
    // count + modified_after + after + one include= read: no page of the full listing.
    expect(storeRequests).toHaveLength(4);
    expect(storeRequests.filter((url) => url.includes('include='))).toHaveLength(1);
    expect(second.report.types.stores).toMatchObject({ new: 1, changed: 1, deleted: 0 });
    expect(storage.snapshot().get(`kb/stores/${edited.id}.csv`)?.toString()).toContain('Horario de verano');
  });

  it('lists every page when the count disagrees: a removal, or an item made public with old dates', async () => {
    const c = clock(1);
    await run(storage, c, 'run-1');
    // The least recently modified store: far from the dates the changes are asked since.
    const [unpublished] = [...published()].sort((a, b) => (a.modified_gmt < b.modified_gmt ? -1 : 1));
    if (!unpublished) throw new Error('site too small');
    // Made private without a new modified_gmt (a script): the count is one lower.
    touch(unpublished.id, (item) => {
      item.status = 'private';
    });
    c.day = 2;
    const removal = await run(storage, c, 'run-2');
    expect(removal.report.extract.stores).toMatchObject({ mode: 'incremental', read: 0, gone: 1 });
    expect(removal.report.extract.stores?.reason).toMatch(
      /listed every page: X-WP-Total is \d+, .*something was removed or unpublished/,
    );
    expect(storage.snapshot().has(`kb/stores/${unpublished.id}.csv`)).toBe(false);

    // Published again by a script, dates untouched: neither `modified_after` nor `after` shows it, the count does.
    touch(unpublished.id, (item) => {
      item.status = 'publish';
    });
    c.day = 3;
    const back = await run(storage, c, 'run-3');
    expect(back.report.extract.stores).toMatchObject({ mode: 'incremental', read: 1, gone: 0 });
    expect(back.report.extract.stores?.reason).toMatch(
      /listed every page: .*something was made public without a new date/,
    );
    expect(storage.snapshot().has(`kb/stores/${unpublished.id}.csv`)).toBe(true);
  });

  it('wordpress.listChanges false lists every page on an incremental run', async () => {
    const c = clock(1);
    const config = configFor({ wordpress: { listChanges: false } });
    await run(storage, c, 'run-1', { config });
    c.day = 2;
    const second = await run(storage, c, 'run-2', { config });
    expect(second.report.extract.stores).toMatchObject({ mode: 'incremental', read: 0 });
    expect(second.report.extract.stores?.reason).toMatch(/; listed every page$/);
    const storeRequests = second.itemRequests.filter((url) => url.includes('/wp/v2/stores?'));
    expect(storeRequests.length).toBeGreaterThan(1);
    for (const url of storeRequests) expect(url).toMatch(/_fields=id,modified_gmt$/);
    for (const url of storeRequests) expect(url).not.toMatch(/modified_after|[?&]after=/);
  });

  it('reads everything when asked, on schedule, or when the type’s configuration changed', async () => {
    const c = clock(1);
    await run(storage, c, 'run-1');
    c.day = 3;
    expect((await run(storage, c, 'run-2', { full: true })).report.extract.stores).toMatchObject({
      mode: 'full',
      reason: 'asked for (--full)',
    });
    c.day = 9; // 6 days after the last full read: not yet
    expect((await run(storage, c, 'run-3')).report.extract.stores?.mode).toBe('incremental');
    c.day = 10; // 7 days
    const scheduled = await run(storage, c, 'run-4');
    expect(scheduled.report.extract.stores).toMatchObject({ mode: 'full' });
    expect(scheduled.report.extract.stores?.reason).toMatch(/^scheduled: the last full read was 7 days ago/);

    c.day = 11;
    const changed = configFor({
      contentTypes: configFor().contentTypes.map((t) =>
        t.name === 'stores'
          ? { ...t, fieldLabels: { ...t.fieldLabels, schedule: 'Horario de atención' } }
          : t,
      ),
    });
    const after = await run(storage, c, 'run-5', { config: changed });
    expect(after.report.extract.stores?.mode).toBe('full');
    expect(after.report.extract.stores?.reason).toMatch(
      /configuration or the pipeline version changed since run run-4/,
    );
    expect(after.report.extract.event?.mode).toBe('incremental');
  });

  it('a meta-only change that does not move modified_gmt is caught by the next full read, not before', async () => {
    const c = clock(1);
    await run(storage, c, 'run-1');
    const [quiet] = published();
    if (!quiet) throw new Error('site too small');
    touch(quiet.id, (item) => {
      item.title.rendered = 'Cambio sin fecha';
    }); // modified_gmt as it was: an import or a script writing post meta
    c.day = 2;
    const incremental = await run(storage, c, 'run-2');
    expect(incremental.report.changes).toBe(0);
    c.day = 8;
    const full = await run(storage, c, 'run-3');
    expect(full.report.extract.stores?.mode).toBe('full');
    expect(full.report.types.stores).toMatchObject({ changed: 1 });
    expect(storage.snapshot().get(`kb/stores/${quiet.id}.csv`)?.toString()).toContain('Cambio sin fecha');
  });

  it('reads again an item an instant update touched, so a meta-only change it applied is not reverted', async () => {
    const c = clock(1);
    const config = configFor();
    await run(storage, c, 'run-1', { config });
    const quiet = published()[1];
    if (!quiet) throw new Error('site too small');
    touch(quiet.id, (item) => {
      item.title.rendered = 'Cambio instantáneo sin fecha';
    }); // modified_gmt as it was; the plugin still sends its hint
    const [applied] = await applyHints(
      [{ hint: hintFor(config, 'stores', quiet.id), ref: 1 }],
      deps(config, storage, () => c.now()),
    );
    expect(applied).toMatchObject({ ok: true, outcome: { action: 'written' } });
    c.day = 2;
    const next = await run(storage, c, 'run-2', { config });
    expect(next.report.extract.stores).toMatchObject({ mode: 'incremental', read: 1 });
    expect(next.report.instantUpdates).toMatchObject({ count: 1, preserved: 0 });
    expect(storage.snapshot().get(`kb/stores/${quiet.id}.csv`)?.toString()).toContain(
      'Cambio instantáneo sin fecha',
    );
  });

  it('does not trust a previous raw file that disagrees with its state: reads everything', async () => {
    const c = clock(1);
    await run(storage, c, 'run-1');
    const raw = storage.snapshot().get(keys.raw('stores', 'run-1')) ?? Buffer.alloc(0);
    const items = await decodeJsonLinesGz<{ id: number }>(raw);
    const { encodeJsonLinesGz } = await import('../../../functions/core/storage/codec.js');
    await storage.put(keys.raw('stores', 'run-1'), await encodeJsonLinesGz(items.slice(1)));
    c.day = 2;
    const second = await run(storage, c, 'run-2');
    expect(second.report.extract.stores?.mode).toBe('full');
    expect(second.report.extract.stores?.reason).toBe(
      `raw/stores/run-1.jsonl.gz holds ${items.length - 1} items but its state says ${items.length}`,
    );
    expect(second.report.extract.event?.mode).toBe('incremental');
  });

  it('no state is written by a failed run: the next run compares with the last complete one', async () => {
    const c = clock(1);
    await run(storage, c, 'run-1');
    const state = storage.snapshot().get(keys.state('stores'))?.toString();
    // Most stores unpublished: the deletion guard stops the run.
    const hidden = published().slice(0, Math.ceil(published().length / 2));
    for (const item of hidden) item.status = 'draft';
    c.day = 2;
    await expect(run(storage, c, 'run-2')).rejects.toThrow(/deletion guard: stores would delete/);
    expect(storage.snapshot().get(keys.state('stores'))?.toString()).toBe(state);
    for (const item of hidden) item.status = 'publish';
    const third = await run(storage, c, 'run-3');
    expect(third.report.extract.stores).toMatchObject({ mode: 'incremental', read: 0, gone: 0 });
    expect(third.report.changes).toBe(0);
  });
});
