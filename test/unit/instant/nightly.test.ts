import { describe, expect, it } from 'vitest';
import { applyHints } from '../../../functions/core/instant/apply.js';
import { INSTANT_PREFIX } from '../../../functions/core/instant/ledger.js';
import { nightlyTransform } from '../../../functions/core/instant/nightly.js';
import { runPipeline } from '../../../functions/core/pipeline/run.js';
import type { TransformInput } from '../../../functions/core/pipeline/transform.js';
import type { WpkbConfig } from '../../../functions/core/shared/config/schema.js';
import { silentLog } from '../../../functions/core/shared/logger.js';
import {
  DATA_LOCK_KEY,
  DataLockHeldError,
  tryAcquireDataLock,
} from '../../../functions/core/storage/data-lock.js';
import { createMemoryStorage } from '../../../functions/core/storage/memory.js';
import type { Storage } from '../../../functions/core/storage/port.js';
import type { DemoSiteServer } from '../../../functions/local/demo-site/server.js';
import { clientFor, deps, hintFor, nightly, setHours, storeWithHours, text, useDemoSite } from './helpers.js';

let server: DemoSiteServer;
let config: WpkbConfig;
useDemoSite((s, c) => {
  server = s;
  config = c;
});

/** What the nightly extract would hand to transform, read now. */
async function extractNow(): Promise<TransformInput[]> {
  const client = clientFor(config);
  const resolved = await client.resolveTypes(config.contentTypes);
  return Promise.all(
    resolved.map(async ({ type }) => {
      const { items } = await client.fetchAll(type);
      const reads = await Promise.all(type.taxonomies.map((t) => client.fetchTerms(t.restBase)));
      return { type, items, terms: Object.fromEntries(reads.map((r) => [r.taxonomy, r.terms])) };
    }),
  );
}

const lock = { ttlMs: 60_000, waitMs: 0 };

/** The nightly transform of a run that started at `runStartedAt` and read `inputs`. */
const transformRun = (storage: Storage, inputs: TransformInput[], runId: string, runStartedAt: Date) =>
  nightlyTransform({ config, storage, inputs, log: silentLog, runId, runStartedAt, lock });

describe('the nightly transform beside instant updates', () => {
  it('keeps what an instant update wrote after the run started, reconciles the rest, and counts the updates', async () => {
    const { storage } = await nightly(config);
    const edited = storeWithHours(server.site, 0);
    const stale = storeWithHours(server.site, 1);
    const runStartedAt = new Date();
    const inputs = await extractNow(); // the run reads WordPress: the old hours of `edited`

    setHours(edited, 'Abierto todos los días de 8:00 a 23:00 (horario de verano)');
    const later = () => new Date(runStartedAt.getTime() + 1000);
    await applyHints([{ hint: hintFor(config, 'stores', edited.id), ref: 1 }], deps(config, storage, later));
    // Something the run must still reconcile: a document changed behind everyone's back.
    await storage.put(`kb/stores/${stale.id}.csv`, 'tampered');

    const { result, instantUpdates } = await transformRun(storage, inputs, 'run-2', runStartedAt);

    expect(text(storage, `kb/stores/${edited.id}.csv`)).toContain('horario de verano');
    const entry = JSON.parse(text(storage, 'catalog/stores.json')).items.find(
      (e: { source_id: string }) => e.source_id === String(edited.id),
    );
    expect(JSON.stringify(entry)).toContain('horario de verano');
    expect(result.written).toEqual([`kb/stores/${stale.id}.csv`]);
    expect(text(storage, `kb/stores/${stale.id}.csv`)).not.toBe('tampered');
    expect(instantUpdates).toMatchObject({ count: 1, written: 1, deleted: 0, unchanged: 0, preserved: 1 });
    expect(instantUpdates.first).toBe(later().toISOString());
    expect([...storage.snapshot().keys()].filter((k) => k.startsWith(INSTANT_PREFIX))).toEqual([]);
    expect(storage.snapshot().has(DATA_LOCK_KEY)).toBe(false);
  });

  it('keeps an item an instant update removed after the run started out of kb/ and the catalog', async () => {
    const { storage } = await nightly(config);
    const hidden = storeWithHours(server.site, 2);
    const runStartedAt = new Date();
    const inputs = await extractNow(); // the run still sees the item published

    hidden.status = 'draft';
    const later = () => new Date(runStartedAt.getTime() + 1000);
    await applyHints([{ hint: hintFor(config, 'stores', hidden.id), ref: 1 }], deps(config, storage, later));
    const { result } = await transformRun(storage, inputs, 'run-2', runStartedAt);
    hidden.status = 'publish';

    expect(storage.snapshot().has(`kb/stores/${hidden.id}.csv`)).toBe(false);
    expect(storage.snapshot().has(`kb/stores/${hidden.id}.csv.metadata.json`)).toBe(false);
    const catalog = JSON.parse(text(storage, 'catalog/stores.json'));
    const ids = catalog.items.map((e: { source_id: string }) => Number(e.source_id));
    expect(ids).not.toContain(hidden.id);
    expect(catalog.count).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(result.written).toEqual([]);
    expect(result.deleted).toEqual([]);
  });

  it('rewrites an update applied before the run started from the run’s own (newer) read', async () => {
    const { storage } = await nightly(config);
    const edited = storeWithHours(server.site, 2);
    setHours(edited, 'Horario A');
    await applyHints([{ hint: hintFor(config, 'stores', edited.id), ref: 1 }], deps(config, storage));
    setHours(edited, 'Horario B'); // saved again; this hint was lost
    const runStartedAt = new Date(Date.now() + 1000);
    const { result, instantUpdates } = await transformRun(storage, await extractNow(), 'run-3', runStartedAt);
    expect(result.written).toEqual([`kb/stores/${edited.id}.csv`]);
    expect(text(storage, `kb/stores/${edited.id}.csv`)).toContain('Horario B');
    expect(instantUpdates).toMatchObject({ count: 1, preserved: 0 });
  });

  it('does not transform while an instant update holds the data lock: waits, then fails naming the holder', async () => {
    const { storage } = await nightly(config);
    const worker = await tryAcquireDataLock(storage, {
      owner: 'worker:req-7',
      purpose: 'instant update',
      ttlMs: 60_000,
    });
    expect(worker.acquired).toBe(true);
    const before = storage.snapshot();
    let now = Date.now();
    const error = await nightlyTransform({
      config,
      storage,
      inputs: await extractNow(),
      log: silentLog,
      runId: 'run-4',
      runStartedAt: new Date(),
      lock: {
        ttlMs: 60_000,
        waitMs: 2000,
        pollMs: 500,
        now: () => new Date(now),
        sleep: async (ms) => {
          now += ms;
        },
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataLockHeldError);
    expect((error as Error).message).toContain('worker:req-7 (instant update)');
    expect(storage.snapshot()).toEqual(before);
  });

  it('puts the count in the local run report', async () => {
    const storage = createMemoryStorage();
    await nightly(config, storage, 'run-5');
    const item = storeWithHours(server.site, 3);
    setHours(item, 'Horario de invierno');
    await applyHints([{ hint: hintFor(config, 'stores', item.id), ref: 1 }], deps(config, storage));
    await applyHints([{ hint: hintFor(config, 'stores', item.id), ref: 2 }], deps(config, storage));
    const report = await runPipeline({ config, storage, client: clientFor(config), runId: 'run-6' });
    expect(report.instantUpdates).toMatchObject({ count: 2, written: 1, unchanged: 1, preserved: 0 });
    expect(report.changes).toBe(0);
  });
});
