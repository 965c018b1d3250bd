import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractType } from '../../../functions/core/pipeline/extract.js';
import { loadExtracted } from '../../../functions/core/pipeline/raw.js';
import { runPipeline } from '../../../functions/core/pipeline/run.js';
import { transform } from '../../../functions/core/pipeline/transform.js';
import { wordpressSchema } from '../../../functions/core/shared/config/schema.js';
import { StorageError } from '../../../functions/core/shared/errors.js';
import { type Log, silentLog } from '../../../functions/core/shared/logger.js';
import type { TermsByTaxonomy, WpItem } from '../../../functions/core/shared/types.js';
import {
  decodeJsonLinesGz,
  encodeJsonLinesGz,
  getJson,
  putJson,
} from '../../../functions/core/storage/codec.js';
import { createMemoryStorage, type MemoryStorage } from '../../../functions/core/storage/memory.js';
import { createWordPressClient } from '../../../functions/core/wordpress/client.js';
import { resolvedFacts } from '../../../functions/core/wordpress/resolve-types.js';
import { generateDemoSite } from '../../../functions/local/demo-site/generate.js';
import { type DemoSiteServer, startDemoSite } from '../../../functions/local/demo-site/server.js';
import { isPublic } from '../../../functions/local/demo-site/site.js';
import { resolvedType, resolvedTypeNamed } from '../resolved.js';
import { fakeClient } from './fake-client.js';
import { fixture, referenceConfig } from './helpers.js';

const config = referenceConfig();
const stores = resolvedTypeNamed(config, 'stores');

/** The fixture stores (101 Café El Rincón, 102 Zapatería Andes, 103, 104 protected) with term ids. */
const storesWithTerms = (): WpItem[] => {
  const ids: Record<number, number[]> = { 101: [12, 15], 102: [14, 404], 103: [], 104: [12] };
  return fixture('stores').map((item) => ({ ...item, categoria_tienda: ids[item.id] ?? [] }));
};
const storeTerms = (): TermsByTaxonomy => ({
  categoria_tienda: [
    { id: 12, name: 'Gastronom&iacute;a', slug: 'gastronomia', parent: 0 },
    { id: 14, name: 'Calzado', slug: 'calzado', parent: 0 },
    { id: 15, name: 'Caf&eacute; &amp; T&eacute;', slug: 'cafe-te', parent: 12 },
  ],
});

const text = (memory: MemoryStorage, key: string) => memory.snapshot().get(key)?.toString('utf8') ?? '';
const sidecar = (memory: MemoryStorage, id: string) =>
  JSON.parse(text(memory, `kb/stores/${id}.csv.metadata.json`)).metadataAttributes as Record<string, unknown>;

function recordingLog() {
  const warnings: { message: string; extra?: Record<string, unknown> }[] = [];
  const log: Log = {
    ...silentLog,
    warn: (message, extra) => warnings.push({ message, ...(extra ? { extra } : {}) }),
  };
  return { log, warnings };
}

/** Stores what extract would have: raw items and, when given, the terms file. */
async function stored(items: WpItem[], terms?: TermsByTaxonomy): Promise<MemoryStorage> {
  const memory = createMemoryStorage();
  await memory.put('raw/stores/run-1.jsonl.gz', await encodeJsonLinesGz(items));
  if (terms) await putJson(memory, 'raw/stores/run-1.terms.json', terms);
  return memory;
}

const load = (memory: MemoryStorage) =>
  loadExtracted(memory, config.contentTypes, [
    { type: 'stores', rawKey: 'raw/stores/run-1.jsonl.gz', resolved: resolvedFacts(stores) },
  ]);

describe('transform with taxonomy terms', () => {
  it('resolves term ids from the terms file into the document line, sidecar key and catalog', async () => {
    const memory = await stored(storesWithTerms(), storeTerms());
    const { log, warnings } = recordingLog();
    const result = await transform({ config, storage: memory, inputs: await load(memory), log });

    expect(result.types.stores).toMatchObject({ new: 3, skipped: 1 });
    const csv = text(memory, 'kb/stores/101.csv');
    expect(csv).toContain('Tienda: Café “El Rincón”, Sushi & Más\nCategoría: Café & Té, Gastronomía\n');
    expect(sidecar(memory, '101').category).toBe('Café & Té, Gastronomía');
    expect(sidecar(memory, '102').category).toBe('Calzado');
    expect(sidecar(memory, '103')).not.toHaveProperty('category');
    expect(text(memory, 'kb/stores/103.csv')).not.toContain('Categoría');

    const catalog = JSON.parse(text(memory, 'catalog/stores.json'));
    expect(
      Object.fromEntries(
        catalog.items.map((e: { source_id: string; taxonomies: unknown }) => [e.source_id, e.taxonomies]),
      ),
    ).toEqual({
      101: { category: ['Café & Té', 'Gastronomía'] },
      102: { category: ['Calzado'] },
      103: { category: [] },
    });

    // The deleted term 404 is skipped, said once for the taxonomy, and fails nothing.
    expect(warnings).toEqual([
      {
        message: 'unknown term ids skipped (deleted terms?)',
        extra: { type: 'stores', taxonomy: 'categoria_tienda', termIds: '404', items: '102', itemCount: 1 },
      },
    ]);
  });

  it('rewrites exactly the documents whose terms changed name, and nothing on an unchanged rerun', async () => {
    const memory = await stored(storesWithTerms(), storeTerms());
    await transform({ config, storage: memory, inputs: await load(memory) });
    const again = await transform({ config, storage: memory, inputs: await load(memory) });
    expect(again.changes).toBe(0);

    const renamed = storeTerms();
    const calzado = renamed.categoria_tienda?.find((t) => t.id === 14);
    if (calzado) calzado.name = 'Zapaterías';
    await putJson(memory, 'raw/stores/run-1.terms.json', renamed);
    const after = await transform({ config, storage: memory, inputs: await load(memory) });
    expect(after.types.stores).toMatchObject({ changed: 1, unchanged: 2, new: 0, deleted: 0 });
    expect(sidecar(memory, '102').category).toBe('Zapaterías');
  });

  it('accepts a raw without terms file when no item carries term ids (extracted before taxonomies)', async () => {
    const memory = await stored(fixture('stores'));
    const [input] = await load(memory);
    expect(input?.terms).toBeUndefined();
    const result = await transform({ config, storage: memory, inputs: input ? [input] : [] });
    expect(result.types.stores).toMatchObject({ new: 3 });
  });

  it('fails, naming the file and an item, when items carry term ids but the terms file is missing', async () => {
    const memory = await stored(storesWithTerms());
    const before = memory.snapshot();
    // The items stream into transform: it fails at the first item with term ids, before any write.
    const error = await transform({ config, storage: memory, inputs: await load(memory) }).catch(
      (e: unknown) => e,
    );
    expect(memory.snapshot()).toEqual(before);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toBe(
      'terms file raw/stores/run-1.terms.json is missing, yet stores 101 carries categoria_tienda term ids: their names cannot be resolved',
    );
  });

  it('fails on a terms file that is not term lists by taxonomy', async () => {
    const memory = await stored(storesWithTerms());
    await putJson(memory, 'raw/stores/run-1.terms.json', { categoria_tienda: [{ name: 'sin id' }] });
    await expect(load(memory)).rejects.toThrow(/terms file raw\/stores\/run-1\.terms\.json is not an object/);
  });
});

describe('extract with taxonomies', () => {
  it('stores the items with their term ids and every term of the type’s taxonomies next to them', async () => {
    const memory = createMemoryStorage();
    const calls: string[] = [];
    const client = fakeClient({ items: () => storesWithTerms(), terms: storeTerms(), calls });
    const options = { wordpress: wordpressSchema.parse({}) };
    const warnings = ['stores: something optional is missing'];
    const result = await extractType(
      { type: stores, warnings },
      'run-1',
      { client, storage: memory, log: silentLog },
      options,
    );

    expect(calls.filter((c) => c.startsWith('terms'))).toEqual(['terms categoria_tienda run-1']);
    expect(result).toMatchObject({
      rawKey: 'raw/stores/run-1.jsonl.gz',
      fetched: 4,
      requests: 3, // the listing, one read by ids, the terms
      retries: 0,
      resolved: resolvedFacts(stores),
      warnings,
    });
    const raw = await decodeJsonLinesGz<WpItem>(memory.snapshot().get(result.rawKey) ?? Buffer.alloc(0));
    expect(raw.find((i) => i.id === 101)?.categoria_tienda).toEqual([12, 15]);
    expect(raw.find((i) => i.id === 104)).not.toHaveProperty('categoria_tienda'); // protected: redacted
    expect(await getJson(memory, 'raw/stores/run-1.terms.json')).toEqual(storeTerms());

    const plain = { ...stores, name: 'plain', taxonomies: [] };
    await extractType(
      { type: plain, warnings: [] },
      'run-1',
      { client, storage: memory, log: silentLog },
      options,
    );
    expect(memory.snapshot().has('raw/plain/run-1.terms.json')).toBe(false);
  });
});

describe('the pipeline on the demo site', () => {
  let server: DemoSiteServer;
  beforeAll(async () => {
    server = await startDemoSite({ site: generateDemoSite({ scale: 0.3, seed: 9 }) });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('brings every item’s category names from WordPress into its document and the catalog', async () => {
    const memory = createMemoryStorage();
    const siteConfig = referenceConfig();
    siteConfig.site.url = server.url;
    const client = createWordPressClient(
      { ...siteConfig.wordpress, siteUrl: server.url },
      { log: silentLog },
    );
    const report = await runPipeline({ config: siteConfig, storage: memory, client, runId: 'demo-1' });
    expect(report.status).toBe('succeeded');

    // The mall's optional `tags` on events: the demo site tags posts only, so the run warns and goes on.
    expect(report.warnings).toEqual([
      'event: taxonomy "tags" does not classify post type "event" (it classifies: post); documents go without it',
    ]);
    for (const type of siteConfig.contentTypes.map(resolvedType)) {
      const [taxonomy] = type.taxonomies;
      const demoTaxonomy = server.site.taxonomies.find((t) => t.restBase === taxonomy?.restBase);
      if (!taxonomy || !demoTaxonomy) throw new Error(`no taxonomy for ${type.name}`);
      const decode = (name: string) => name.replaceAll('&amp;', '&');
      const catalog = JSON.parse(text(memory, `catalog/${type.name}.json`));
      const entries = new Map<string, { taxonomies: Record<string, string[]> }>(
        catalog.items.map((e: { source_id: string }) => [e.source_id, e]),
      );
      const published = (server.site.items[type.restBase] ?? []).filter(
        (i) => isPublic(i) && !i.content.protected,
      );
      let withTerms = 0;
      for (const item of published) {
        const names = (item.terms[taxonomy.restBase] ?? [])
          .map((id) => demoTaxonomy.terms.find((t) => t.id === id)?.name ?? '?')
          .map(decode);
        const entry = entries.get(String(item.id));
        expect(new Set(entry?.taxonomies[taxonomy.name]), `${type.name} ${item.id}`).toEqual(new Set(names));
        const meta = JSON.parse(
          text(memory, `kb/${type.name}/${item.id}.csv.metadata.json`),
        ).metadataAttributes;
        if (names.length) {
          withTerms++;
          expect(meta[taxonomy.name]).toBe(entry?.taxonomies[taxonomy.name]?.join(', '));
          expect(text(memory, `kb/${type.name}/${item.id}.csv`)).toContain(
            `${taxonomy.label}: ${entry?.taxonomies[taxonomy.name]?.join(', ')}\n`,
          );
        } else {
          expect(meta).not.toHaveProperty(taxonomy.name);
        }
      }
      expect(withTerms, type.name).toBeGreaterThan(published.length / 2);
    }
  });
});
