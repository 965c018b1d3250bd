/**
 * A large synthetic content type through extract (plan, read batches, assemble) and transform, into a temp
 * data directory, in a process whose heap is capped by its parent (`--max-old-space-size`). Items are made
 * from their id when the fake site is asked for them, so nothing holds the whole type unless the pipeline
 * does. `hold` passes transform an array of every item instead (the control: it must not fit).
 *
 *   tsx bounded-memory-process.ts <items> <stream|hold>
 * Prints one JSON line: {fetched, documents, catalogBytes}.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extractType } from '../../../functions/core/pipeline/extract.js';
import { loadExtracted } from '../../../functions/core/pipeline/raw.js';
import { transform } from '../../../functions/core/pipeline/transform.js';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import { silentLog } from '../../../functions/core/shared/logger.js';
import type { WpItem } from '../../../functions/core/shared/types.js';
import type { WordPressClient } from '../../../functions/core/wordpress/client.js';
import { createLocalStorage } from '../../../functions/local/storage/directory.js';
import { resolvedType } from '../resolved.js';

const [count = '5000', mode = 'stream'] = process.argv.slice(2);
const total = Number(count);
const ids = Array.from({ length: total }, (_, i) => 1000 + i * 3);

/** About 8 KB of HTML per item, different for every item (no boilerplate), made from the id. */
function item(id: number): WpItem {
  const paragraphs = Array.from(
    { length: 16 },
    (_, p) =>
      `<p>Tienda ${id}, párrafo ${p}: ${`palabra${(id * 31 + p * 7) % 997} `.repeat(50)}en el nivel ${p % 4}.</p>`,
  );
  return {
    id,
    date_gmt: '2026-01-01T10:00:00',
    modified_gmt: '2026-01-02T10:00:00',
    slug: `tienda-${id}`,
    status: 'publish',
    type: 'stores',
    link: `https://mall.example.cl/tiendas/tienda-${id}/`,
    title: { rendered: `Tienda ${id}` },
    content: { rendered: paragraphs.join('\n'), protected: false },
    excerpt: { rendered: '', protected: false },
    acf: false,
    categoria_tienda: [],
  };
}

const client: WordPressClient = {
  discover: async () => ({ name: '', apiRoot: '', routeStyle: 'pretty', postTypes: [] }),
  resolveTypes: async (types) => types.map((type) => ({ type: resolvedType(type), warnings: [] })),
  sampleItems: async () => ({ items: [], total: 0 }),
  taxonomies: async () => [],
  fetchAll: async () => {
    throw new Error('not used');
  },
  fetchItem: async () => {
    throw new Error('not used');
  },
  listItems: async (type) => ({
    type: type.name,
    items: ids.map((id) => ({ id, modified: '2026-01-02T10:00:00' })),
    pages: Math.ceil(total / 100),
    requests: Math.ceil(total / 100),
    retries: 0,
    bytes: 0,
    durationMs: 0,
  }),
  countItems: async () => ({ total, requests: 1, retries: 0, bytes: 0 }),
  fetchPage: async (_type, page) => {
    const wanted = ids.slice((page - 1) * 100, page * 100);
    return { items: wanted.map(item), total, pastEnd: false, requests: 1, retries: 0, bytes: 0 };
  },
  fetchByIds: async (_type, wanted) => ({
    items: [...wanted].sort((a, b) => a - b).map(item),
    missing: [],
    requests: 1,
    retries: 0,
    bytes: 0,
  }),
  fetchTerms: async (taxonomy) => ({
    taxonomy,
    terms: [],
    total: 0,
    pages: 1,
    requests: 1,
    retries: 0,
    durationMs: 0,
    cached: false,
  }),
};

const config = loadConfig({
  overrides: { site: { url: 'https://mall.example.cl' }, wordpress: { readBatchSize: 2000 } },
  types: ['stores'],
});
const configured = config.contentTypes[0];
if (!configured) throw new Error('no stores type');
const type = resolvedType(configured);
const dataDir = await mkdtemp(path.join(tmpdir(), 'wpkb-bounded-'));
try {
  const storage = createLocalStorage(dataDir);
  const extract = await extractType(
    { type, warnings: [] },
    'big',
    { client, storage, log: silentLog },
    config,
  );
  const streamed = await loadExtracted(storage, [configured], [extract]);
  const inputs =
    mode === 'hold'
      ? await Promise.all(
          streamed.map(async (input) => {
            const items: WpItem[] = [];
            for await (const one of input.items) items.push(one);
            return { ...input, items };
          }),
        )
      : streamed;
  const result = await transform({ config, storage, inputs, log: silentLog });
  const catalog = await stat(path.join(dataDir, 'catalog', 'stores.json'));
  console.log(
    JSON.stringify({
      fetched: extract.fetched,
      documents: result.types.stores?.new,
      catalogBytes: catalog.size,
    }),
  );
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
