/**
 * A full read by pages (no listing): the pages with every field through the real client against the live
 * demo site, judged together by the assembly; a site that changes while it is read is put right against a
 * listing, or the type fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractType } from '../../../functions/core/pipeline/extract.js';
import { MAX_RECONCILED } from '../../../functions/core/pipeline/extract-settle.js';
import { keys } from '../../../functions/core/pipeline/keys.js';
import { runPipeline } from '../../../functions/core/pipeline/run.js';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import type { WpkbConfig } from '../../../functions/core/shared/config/schema.js';
import { silentLog } from '../../../functions/core/shared/logger.js';
import type { WpItem } from '../../../functions/core/shared/types.js';
import { decodeJsonLinesGz } from '../../../functions/core/storage/codec.js';
import { createMemoryStorage, type MemoryStorage } from '../../../functions/core/storage/memory.js';
import { createWordPressClient, type WordPressClient } from '../../../functions/core/wordpress/client.js';
import { generateDemoSite } from '../../../functions/local/demo-site/generate.js';
import { type DemoSiteServer, startDemoSite } from '../../../functions/local/demo-site/server.js';
import type { DemoItem } from '../../../functions/local/demo-site/site.js';

let server: DemoSiteServer;
beforeAll(async () => {
  server = await startDemoSite({ site: generateDemoSite({ scale: 0.5, seed: 33 }) });
});
afterAll(async () => {
  await server?.close();
});

const configFor = (wordpress: Record<string, unknown> = {}): WpkbConfig =>
  loadConfig({
    overrides: { site: { url: server.url }, wordpress: { perPage: 10, readBatchSize: 30, ...wordpress } },
  });
/**
 * One page per read batch: batches are read one after the other, so a change made when batch 2 starts
 * lands between two pages (within a batch, pages are requested ahead of each other).
 */
const onePagePerBatch = () => configFor({ readBatchSize: 10 });
const stores = (): DemoItem[] => server.site.items.stores ?? [];
const publishedIds = () =>
  stores()
    .filter((item) => item.status === 'publish')
    .map((item) => item.id)
    .sort((a, b) => a - b);

async function rawIds(storage: MemoryStorage, runId: string): Promise<number[]> {
  const items = await decodeJsonLinesGz<WpItem>(
    storage.snapshot().get(keys.raw('stores', runId)) ?? Buffer.alloc(0),
  );
  return items.map((item) => item.id);
}

/** Extract of the stores alone, with a client whose pages can be intercepted. */
async function extractStores(
  config: WpkbConfig,
  storage: MemoryStorage,
  runId: string,
  wrap = (c: WordPressClient) => c,
) {
  const real = createWordPressClient({ ...config.wordpress, siteUrl: server.url }, { log: silentLog });
  const client = wrap(real);
  const [resolution] = await client.resolveTypes(config.contentTypes.filter((t) => t.name === 'stores'));
  if (!resolution) throw new Error('stores did not resolve');
  return extractType(
    resolution,
    runId,
    { client, storage, log: silentLog },
    { wordpress: config.wordpress, full: true },
  );
}

/** Item requests of a run, by kind. */
function requestKinds(urls: readonly string[]): string[] {
  return urls.map((url) => {
    const query = new URL(url).searchParams;
    if (query.has('include')) return 'ids';
    if (query.get('_fields') === 'id,modified_gmt') return 'listing';
    if (query.get('per_page') === '1' && query.get('_fields') === 'id') return 'count';
    return query.has('page') ? 'page' : url;
  });
}

describe('a full read by pages', () => {
  it('counts, then reads every page with every field: half the requests of listing and reading by id', async () => {
    const urls: string[] = [];
    const log = {
      ...silentLog,
      debug: (message: string, fields?: Record<string, unknown>) => {
        if (
          message === 'wordpress GET' &&
          typeof fields?.url === 'string' &&
          fields.url.includes('/wp/v2/stores?')
        )
          urls.push(fields.url);
      },
    };
    const byPages = createMemoryStorage();
    const report = await runPipeline({ config: configFor(), storage: byPages, runId: 'pages', log });
    const pages = Math.ceil(publishedIds().length / 10);
    expect(report.extract.stores).toMatchObject({ mode: 'full', read: publishedIds().length, pages });
    const kinds = requestKinds(urls);
    expect(kinds.filter((k) => k === 'page')).toHaveLength(pages);
    expect(kinds.filter((k) => k === 'count')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'listing' || k === 'ids')).toEqual([]);
    expect(await rawIds(byPages, 'pages')).toEqual(publishedIds());

    // The same site listed and read by id: the same raw file, documents and catalog, twice the requests.
    urls.length = 0;
    const byIds = createMemoryStorage();
    const listed = await runPipeline({
      config: configFor({ fullReadByPages: false }),
      storage: byIds,
      runId: 'pages',
      log,
    });
    expect(requestKinds(urls).filter((k) => k === 'listing' || k === 'ids').length).toBe(2 * pages);
    expect(listed.extract.stores?.read).toBe(report.extract.stores?.read);
    const contents = (storage: MemoryStorage) =>
      new Map(
        [...storage.snapshot()].filter(
          ([key]) => /^(kb|catalog|exports)\//.test(key) || key === keys.raw('stores', 'pages'),
        ),
      );
    expect(contents(byPages)).toEqual(contents(byIds));
  });

  it('an item unpublished while the pages are read: the pages shift, the read is put right against a listing', async () => {
    const storage = createMemoryStorage();
    const before = publishedIds();
    const gone = before[3] as number; // on page 1
    let hidden: DemoItem | undefined;
    const result = await extractStores(onePagePerBatch(), storage, 'shrinking', (real) => ({
      ...real,
      fetchPage: async (type, page) => {
        const read = await real.fetchPage(type, page);
        if (page === 1 && !hidden) {
          hidden = stores().find((item) => item.id === gone);
          if (hidden) hidden.status = 'draft'; // after page 1 was read: page 2 starts one item later
        }
        return read;
      },
    }));
    try {
      expect(await rawIds(storage, 'shrinking')).toEqual(publishedIds());
      expect(publishedIds()).toEqual(before.filter((id) => id !== gone));
      expect(result).toMatchObject({ fetched: before.length - 1, gone: 1 });
    } finally {
      if (hidden) hidden.status = 'publish';
    }
  });

  it('an old item published while the pages are read: read by id, each item once', async () => {
    const storage = createMemoryStorage();
    // A store of page 1's range, a draft when the read starts.
    const draft = stores().find((item) => item.id === publishedIds()[2]);
    if (!draft) throw new Error('site too small');
    draft.status = 'draft';
    let published = false;
    try {
      const result = await extractStores(onePagePerBatch(), storage, 'growing', (real) => ({
        ...real,
        fetchPage: async (type, page) => {
          if (page === 2 && !published) {
            draft.status = 'publish'; // before page 2: pages after it start one item earlier
            published = true;
          }
          return real.fetchPage(type, page);
        },
      }));
      expect(await rawIds(storage, 'growing')).toEqual(publishedIds());
      expect(publishedIds()).toContain(draft.id);
      expect(result).toMatchObject({ fetched: publishedIds().length, gone: 0 });
    } finally {
      draft.status = 'publish';
    }
  });

  it(`fails the type when more than ${MAX_RECONCILED} listed items were missed: the type is being rewritten`, async () => {
    const storage = createMemoryStorage();
    const config = configFor();
    const run = extractStores(config, storage, 'rewritten', (real) => ({
      ...real,
      fetchPage: async (type, page) => ({ ...(await real.fetchPage(type, page)), items: [] }),
      listItems: async (type, since) => {
        const listing = await real.listItems(type, since);
        const many = Array.from({ length: MAX_RECONCILED + 1 }, (_, i) => ({
          id: 1_000_000 + i,
          modified: null,
        }));
        return { ...listing, items: [...listing.items, ...many] };
      },
    }));
    await expect(run).rejects.toThrow(
      /stores: \d+ listed items were missed by the read by pages .*not passing on a possibly incomplete type/,
    );
    expect(
      [...storage.snapshot().keys()].filter((key) => key.startsWith(keys.raw('stores', 'rewritten'))),
    ).toEqual([]);
  });
});
