/**
 * Extract in batches, as the state machine runs it: per type a plan, one invocation per batch of ids to
 * read (an inline Map), and the assembly; an unchanged night reads no batch; a failing batch fails the run
 * naming the batch, with nothing deleted or written.
 */
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import type { WpkbConfig } from '../../functions/core/shared/config/schema.js';
import { WordPressError } from '../../functions/core/shared/errors.js';
import { generateDemoSite } from '../../functions/local/demo-site/generate.js';
import { startDemoSite } from '../../functions/local/demo-site/server.js';
import { failedAt, INVALID_INPUT, STATES } from '../../stacks/pipeline-states/names.js';
import {
  bedrockHappy,
  bedrockMock,
  countOf,
  report,
  sfnMock,
  shared,
  usePipeline,
  type World,
  world,
} from './world.js';

usePipeline();

describe('extract in batches', () => {
  /**
   * Small read batches, so that one type takes several extract invocations: 5 ids a batch, or (a full
   * read by pages) one page of 5 items a batch.
   */
  const batchesOf5 = (config: WpkbConfig): WpkbConfig => ({
    ...config,
    wordpress: { ...config.wordpress, readBatchSize: 5, perPage: 5 },
  });
  const documents = (w: World) =>
    new Map([...w.storage.snapshot()].filter(([key]) => key.startsWith('kb/') || key.startsWith('catalog/')));

  it('reads a type in several batches, then an unchanged night reads none and writes nothing', async () => {
    bedrockHappy();
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
    const w = world({ configure: batchesOf5 });
    const first = await w.run({}, 'first');
    expect(first.failure).toBeUndefined();
    const stores = (shared.demo.site.items.stores ?? []).filter((item) => item.status === 'publish').length;
    const events = (shared.demo.site.items.event ?? []).filter((item) => item.status === 'publish').length;
    const restaurants = (shared.demo.site.items.restaurant ?? []).filter(
      (item) => item.status === 'publish',
    ).length;
    const batches = [stores, events, restaurants].reduce((n, count) => n + Math.ceil(count / 5), 0);
    expect(countOf(first, STATES.readBatch)).toBe(batches);
    expect(countOf(first, STATES.readBatch)).toBeGreaterThan(6);
    const firstReport = await report(w.storage, 'first');
    expect(firstReport).toMatchObject({ extract: { stores: { mode: 'full', read: stores } } });
    expect((firstReport?.types.stores?.new ?? 0) + (firstReport?.types.stores?.skipped ?? 0)).toBe(stores);
    const written = documents(w);

    bedrockMock.resetHistory();
    const second = await w.run({}, 'second');
    expect(second.failure).toBeUndefined();
    expect(countOf(second, STATES.planExtract)).toBe(3);
    expect(countOf(second, STATES.readBatch)).toBe(0);
    expect(second.path.at(-1)).toBe(STATES.noChanges);
    expect(await report(w.storage, 'second')).toMatchObject({
      extract: { stores: { mode: 'incremental', read: 0, reused: stores } },
      changes: 0,
    });
    expect(documents(w)).toEqual(written);

    // Seven stores edited: an incremental run reads them by id, in two batches of ids.
    const edited = (shared.demo.site.items.stores ?? [])
      .filter((item) => item.status === 'publish')
      .slice(0, 7);
    for (const item of edited) item.modified_gmt = '2026-11-29T10:00:00';
    const third = await w.run({}, 'third');
    expect(third.failure).toBeUndefined();
    expect(countOf(third, STATES.readBatch)).toBe(2);
    expect(await report(w.storage, 'third')).toMatchObject({
      extract: { stores: { mode: 'incremental', read: 7, reused: stores - 7 } },
    });
    const afterEdits = documents(w);

    // A full read (by pages) of the same site: the same bytes as the incremental run made.
    const full = await w.run({ full: true }, 'full');
    expect(full.failure).toBeUndefined();
    expect(countOf(full, STATES.readBatch)).toBe(batches);
    expect(await report(w.storage, 'full')).toMatchObject({
      extract: { stores: { mode: 'full', reason: 'asked for (--full)', read: stores } },
    });
    expect(documents(w)).toEqual(afterEdits);
  });

  it('a failing batch fails the run naming the batch; nothing is deleted or written', async () => {
    bedrockHappy();
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
    const site = await startDemoSite({ site: generateDemoSite({ scale: 0.1, seed: 3 }) });
    try {
      const published = () => (site.site.items.stores ?? []).filter((item) => item.status === 'publish');
      const poisoned = published()[7]?.id ?? -1;
      let failing = false;
      const w = world({
        site,
        configure: batchesOf5,
        client: (real) => ({
          ...real,
          // The full read below goes by pages of 5: the second page holds the eighth store.
          fetchPage: async (type, page) => {
            if (failing && type.name === 'stores' && page === 2) {
              throw new WordPressError(
                `stores: GET ${site.url}/wp-json/wp/v2/stores?page=2&per_page=5 (holding ${poisoned}) failed with HTTP 503 after 6 attempts`,
                `${site.url}/wp-json/wp/v2/stores`,
                503,
              );
            }
            return real.fetchPage(type, page);
          },
        }),
      });
      expect((await w.run({}, 'before')).failure).toBeUndefined();
      const before = w.storage.snapshot();
      // Most stores gone from the site, and the batch holding `poisoned` cannot be read.
      for (const item of published().slice(10)) item.status = 'draft';
      failing = true;
      const run = await w.run({ full: true }, 'failing');

      expect(run.failure?.Error).toBe('WordPressError');
      expect(String(run.failure?.Cause)).toMatch(
        new RegExp(
          `stores batch 2 of 2 \\(pages 2–2\\): stores: GET .*page=2.*${poisoned}.* failed with HTTP 503`,
        ),
      );
      expect(run.path).not.toContain(STATES.transform);
      expect(run.path.slice(-3)).toEqual([failedAt(STATES.extractAll), STATES.sendAlert, STATES.failed]);
      expect(w.alerts.at(-1)?.Subject).toBe('wpkb dev: pipeline failed at Extract content types');
      // kb/, catalog/ and the state are as the last complete run left them.
      const after = w.storage.snapshot();
      for (const [key, body] of before) {
        if (/^(kb|catalog|exports|state)\//.test(key)) expect(after.get(key), key).toEqual(body);
      }
      expect([...after.keys()].filter((key) => /^(kb|catalog|exports|state)\//.test(key))).toEqual(
        [...before.keys()].filter((key) => /^(kb|catalog|exports|state)\//.test(key)),
      );
    } finally {
      await site.close();
    }
  });

  it('refuses a "full" that is not a boolean', async () => {
    const w = world();
    const run = await w.run({ full: 'yes' }, 'bad-full');
    expect(run.failure?.Error).toBe(INVALID_INPUT);
    expect(run.path).not.toContain(STATES.guard);
  });
});
