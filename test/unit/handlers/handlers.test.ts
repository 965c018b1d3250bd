import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../functions/core/shared/clock.js';
import { lambdaSettings } from '../../../functions/core/shared/config/lambda-env.js';
import { ConfigError } from '../../../functions/core/shared/errors.js';
import { silentLog } from '../../../functions/core/shared/logger.js';
import { decodeJsonLinesGz, encodeJsonLinesGz, getJson } from '../../../functions/core/storage/codec.js';
import { createMemoryStorage } from '../../../functions/core/storage/memory.js';
import type { Storage } from '../../../functions/core/storage/port.js';
import type { WordPressClient } from '../../../functions/core/wordpress/client.js';
import { makeExtractHandler } from '../../../functions/handlers/extract.js';
import { makeTransformHandler } from '../../../functions/handlers/transform.js';
import { fakeClient } from '../pipeline/fake-client.js';
import { fixture, referenceConfig } from '../pipeline/helpers.js';

const event = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/events/${name}.json`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

const config = referenceConfig();

/** A client double over the fixtures: the real client has its own HTTP-level tests. */
const fixtureClient = (failing?: string): WordPressClient =>
  fakeClient({ items: (type) => fixture(type), ...(failing ? { failing } : {}) });

describe('extract handler', () => {
  it('plans, reads the batch and assembles the type as raw JSON lines, protected content redacted', async () => {
    const storage = createMemoryStorage();
    const handler = makeExtractHandler({ config, storage, client: fixtureClient(), log: silentLog });
    const plan = await handler(event('extract'));
    expect(plan).toMatchObject({
      type: 'stores',
      mode: 'full',
      reason: 'no previous complete run',
      batches: [0],
      toRead: 4,
    });
    const { runId, type } = event('extract');
    const read = await handler({ action: 'read', runId, type, batch: 0 });
    expect(read).toMatchObject({ batch: 0, items: 4, missing: [] });
    const result = await handler({ action: 'assemble', runId, type, batches: [read] });
    expect(result).toMatchObject({
      type: 'stores',
      rawKey: 'raw/stores/sfn-exec-20261121T030000Z.jsonl.gz',
      fetched: 4,
      pages: 1,
      mode: 'full',
      read: 4,
      reused: 0,
    });
    const raw = await decodeJsonLinesGz<{ id: number; acf?: unknown }>(
      (await storage.get('raw/stores/sfn-exec-20261121T030000Z.jsonl.gz')) ?? Buffer.alloc(0),
    );
    expect(raw.map((i) => i.id)).toEqual([101, 102, 103, 104]);
    expect(JSON.stringify(raw)).not.toContain('SECRETO-ACF-MARKER');
  });

  it('hands the X-WP-Total values of a batch of pages to the assembly, which puts a read that moved right', async () => {
    const storage = createMemoryStorage();
    const calls: string[] = [];
    const client = fakeClient({ items: (type) => fixture(type), calls });
    const handler = makeExtractHandler({ config, storage, client, log: silentLog });
    await handler(event('extract'));
    const { runId, type } = event('extract');
    const read = await handler({ action: 'read', runId, type, batch: 0 });
    expect(read).toMatchObject({ batch: 0, items: 4, totals: [4] });
    // As the state machine passes it on: the page said 5 items while the plan counted 4.
    const moved = { ...(read as object), totals: [5] };
    const result = await handler({ action: 'assemble', runId, type, batches: [moved] });
    expect(calls).toContain('list stores');
    expect(result).toMatchObject({ fetched: 4, read: 4, gone: 0 });
  });

  it('rejects a malformed event with one line naming the field', async () => {
    const handler = makeExtractHandler({
      config,
      storage: createMemoryStorage(),
      client: fixtureClient(),
      log: silentLog,
    });
    await expect(handler({ action: 'plan', runId: '../../etc', type: 'stores' })).rejects.toThrow(
      'extract event: runId: must be a run id (letters, digits, . _ -)',
    );
    await expect(handler({ action: 'plan', runId: 'r1', type: 'posts' })).rejects.toThrow(ConfigError);
    await expect(handler({ runId: 'r1', type: 'stores' })).rejects.toThrow(/^extract event: action: /);
    await expect(handler({ action: 'read', runId: 'r1', type: 'stores' })).rejects.toThrow(
      /^extract event: batch: /,
    );
  });

  it('fails the type (no raw written) when the site cannot be read completely', async () => {
    const storage = createMemoryStorage();
    const handler = makeExtractHandler({ config, storage, client: fixtureClient('stores'), log: silentLog });
    await expect(handler(event('extract'))).rejects.toThrow(/stores: GET .*page=1.* failed with HTTP 503/);
    expect(storage.snapshot().size).toBe(0);
  });
});

describe('transform handler', () => {
  const seeded = async () => {
    const storage = createMemoryStorage();
    for (const type of ['stores', 'event', 'restaurant']) {
      await storage.put(
        `raw/${type}/sfn-exec-20261121T030000Z.jsonl.gz`,
        await encodeJsonLinesGz(fixture(type)),
      );
    }
    return storage;
  };
  const transformHandler = (storage: Storage) =>
    makeTransformHandler({ config, storage, log: silentLog, clock: fixedClock('2026-11-21T03:01:00Z') });

  it('turns the extracts into documents and writes the run report', async () => {
    const storage = await seeded();
    const handler = transformHandler(storage);
    const output = await handler(event('transform'));
    expect(output.changes).toBe(6);
    expect(output.report.types.stores).toEqual({
      fetched: 4,
      new: 3,
      changed: 0,
      unchanged: 0,
      deleted: 0,
      skipped: 1,
    });
    expect(output.report.startedAt).toBe('2026-11-21T03:00:00.000Z');
    // Extract's warnings reach the run report; the fixtures' paths are all there, so transform adds none.
    expect(output.report.warnings).toEqual([
      'event: taxonomy "tags" does not classify post type "event" (it classifies: post); documents go without it',
    ]);
    expect(await getJson(storage, 'runs/latest.json')).toEqual(output.report);
    expect(await getJson(storage, 'runs/sfn-exec-20261121T030000Z.json')).toEqual(output.report);
    const again = await handler(event('transform'));
    expect(again.changes).toBe(0);
  });

  it('leaves boilerplate out of documents in the Lambda too, and reports it', async () => {
    const storage = await seeded();
    const block =
      'Conoce nuestra tarjeta de beneficios: descuentos exclusivos en todas las tiendas adheridas del mall.';
    const stores = [
      ...fixture('stores'),
      ...Array.from({ length: 8 }, (_, i) => ({
        id: 900 + i,
        title: { rendered: `Tienda ${i}` },
        content: { rendered: `<p>Tienda ${i}: ropa y accesorios.</p><p>${block}</p>`, protected: false },
      })),
    ];
    await storage.put('raw/stores/sfn-exec-20261121T030000Z.jsonl.gz', await encodeJsonLinesGz(stores));
    const handler = transformHandler(storage);
    const output = await handler(event('transform'));
    expect(output.report.boilerplate?.stores).toMatchObject({
      enabled: true,
      blocks: 1,
      paragraphsRemoved: 8,
    });
    expect(output.report.boilerplate?.event).toMatchObject({ enabled: true, blocks: 0 }); // 2 items < 10
    expect((await storage.get('kb/stores/900.csv'))?.toString('utf8')).toContain('Tienda 0: ropa');
    expect((await storage.get('kb/stores/900.csv'))?.toString('utf8')).not.toContain('tarjeta de beneficios');
    expect(await getJson(storage, 'runs/latest.json')).toEqual(output.report);
  });

  it('names the missing raw file', async () => {
    const handler = transformHandler(createMemoryStorage());
    await expect(handler(event('transform'))).rejects.toThrow(
      'raw extract raw/stores/sfn-exec-20261121T030000Z.jsonl.gz is missing',
    );
  });

  it('rejects an event without extracts', async () => {
    const handler = transformHandler(createMemoryStorage());
    await expect(handler({ runId: 'r1', extracts: [] })).rejects.toThrow(
      'transform event: extracts: needs at least one extract result',
    );
  });
});

describe('lambda settings', () => {
  it('reads the bucket from the environment and validates the configuration compiled into the bundle', () => {
    const settings = lambdaSettings(
      { DATA_BUCKET: 'wpkb-data' },
      JSON.stringify({ site: { url: 'https://x.example' } }),
    );
    expect(settings.bucket).toBe('wpkb-data');
    expect(settings.config.site.url).toBe('https://x.example');
    // A WPKB_CONFIG variable is not read any more: the bundle is the one source.
    expect(() => lambdaSettings({ DATA_BUCKET: 'wpkb-data', WPKB_CONFIG: '{"env":"x"}' }, undefined)).toThrow(
      'config: this Lambda bundle carries no configuration (WPKB_BUNDLED_CONFIG)',
    );
  });

  it('names the missing variable', () => {
    expect(() => lambdaSettings({}, '{}')).toThrow('environment DATA_BUCKET');
  });
});
