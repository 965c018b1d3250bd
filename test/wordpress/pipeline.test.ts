/**
 * The pipeline against a REAL WordPress (Debian's package, MariaDB, `php -S` on 127.0.0.1): the
 * WordPress client, then three pipeline runs on a local data directory — first run, an unchanged
 * site, and a site where one item was edited, one trashed and one added.
 *
 * Needs `.ci/wordpress-setup.sh` (root). Run with `npm run test:wordpress`.
 */

import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlan } from '../../functions/core/pipeline/extract-plan.js';
import { loadConfig } from '../../functions/core/shared/config/load.js';
import type {
  ContentTypeConfig,
  ResolvedContentType,
  WpkbConfig,
} from '../../functions/core/shared/config/schema.js';
import { silentLog } from '../../functions/core/shared/logger.js';
import type { WpItem } from '../../functions/core/shared/types.js';
import { createWordPressClient } from '../../functions/core/wordpress/client.js';
import { createLocalStorage } from '../../functions/local/storage/directory.js';
import { resolvedType } from '../unit/resolved.js';
import { type PostRow, startWordPress, type WordPressSite } from './harness.js';
import {
  EVENTS,
  PROTECTED_MARKER,
  PUBLISHED_STORES,
  RESTAURANT_TERMS,
  SCRIPT_STORE,
  type SeededSite,
  STORE_TERMS,
  seedSite,
  UNUSED_STORE_TERMS,
} from './seed.js';

const TYPES = ['event', 'stores', 'restaurant'] as const;
type TypeName = (typeof TYPES)[number];
const PER_PAGE = 10;

let site: WordPressSite;
let seeded: SeededSite;
let dataDir: string;
let config: WpkbConfig;

/** A type as configured (and as the seeded site has it: every taxonomy it names classifies it). */
const configured = (name: TypeName): ContentTypeConfig => {
  const type = config.contentTypes.find((t) => t.name === name);
  if (!type) throw new Error(`no content type ${name} in the config`);
  return type;
};
const typeConfig = (name: TypeName): ResolvedContentType => resolvedType(configured(name));

const clientFor = (siteUrl: string) =>
  createWordPressClient({ ...config.wordpress, siteUrl }, { log: silentLog });

/** Every file under a directory, as paths relative to it with `/` separators. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** A file's text, gunzipped when it is gzip (raw/*.jsonl.gz). */
async function textOf(file: string): Promise<string> {
  const bytes = await readFile(file);
  return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** `kb/<type>/<id>.csv` → id, for the documents of one type. */
async function documentIds(type: TypeName): Promise<number[]> {
  const files = await filesUnder(join(dataDir, 'kb', type));
  return files
    .filter((file) => file.endsWith('.csv'))
    .map((file) => Number(file.replace(/\.csv$/, '')))
    .sort((a, b) => a - b);
}

async function sidecar(type: TypeName, id: number): Promise<{ metadataAttributes: Record<string, unknown> }> {
  return JSON.parse(await readFile(join(dataDir, 'kb', type, `${id}.csv.metadata.json`), 'utf8'));
}

const csvOf = (type: TypeName, id: number) => readFile(join(dataDir, 'kb', type, `${id}.csv`), 'utf8');

/** Identity of each file under a prefix: a rewrite (even atomic, same bytes) changes inode or mtime. */
async function fileStamps(prefix: string): Promise<Map<string, string>> {
  const stamps = new Map<string, string>();
  for (const file of await filesUnder(join(dataDir, prefix))) {
    const info = await stat(join(dataDir, prefix, file));
    stamps.set(`${prefix}/${file}`, `${info.ino}:${info.mtimeMs}`);
  }
  return stamps;
}

/** The names on a document's taxonomy line (`Categoría: A, B`), or undefined when it has none. */
function termLine(csv: string, label: string): string[] | undefined {
  const line = csv.split('\n').find((l) => l.startsWith(`${label}: `));
  return line === undefined ? undefined : line.slice(label.length + 2).split(', ');
}

/** A term name as a reader sees it: WordPress stores `&` as `&amp;` (and `'H&amp;M'`-style titles too). */
const decoded = (text: string) => text.replaceAll('&amp;', '&');

const ids = (rows: readonly { id: number }[]) => rows.map((row) => row.id).sort((a, b) => a - b);
const sameIds = (items: readonly WpItem[]) => items.map((item) => item.id);

beforeAll(async () => {
  site = await startWordPress();
  seeded = await seedSite(site);
  dataDir = await mkdtemp(join(tmpdir(), 'wpkb-wp-data-'));
  config = loadConfig({ overrides: { site: { url: site.url }, wordpress: { perPage: PER_PAGE } } });
});

afterAll(async () => {
  await site?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the seeded WordPress', () => {
  it('serves the custom post types, paginated, and leaks the protected marker through the acf field', async () => {
    const response = await axios.get(`${site.url}/wp-json/wp/v2/stores`, { params: { per_page: PER_PAGE } });
    expect(response.headers['x-wp-total']).toBe(String(PUBLISHED_STORES));
    expect(Number(response.headers['x-wp-totalpages'])).toBeGreaterThanOrEqual(2);
    // The site gives the protected item's ACF fields to anyone (as ACF does): the pipeline must not keep them.
    const locked = await axios.get(`${site.url}/wp-json/wp/v2/restaurant/${seeded.protectedRow.id}`);
    expect(locked.data.content).toEqual({ rendered: '', protected: true });
    expect(JSON.stringify(locked.data.acf)).toContain(PROTECTED_MARKER);
  });
});

describe('the seeded taxonomies', () => {
  it('are in the REST API with their post types, and items carry term ids under the rest_base', async () => {
    const taxonomies = await axios.get(`${site.url}/wp-json/wp/v2/taxonomies`);
    expect(taxonomies.data).toMatchObject({
      categoria_tienda: { rest_base: 'categoria_tienda', types: ['stores'] },
      tipo_comida: { rest_base: 'tipo_comida', types: ['restaurant'] },
      categoria_evento: { rest_base: 'categoria_evento', types: ['event'] },
    });
    const stores = await axios.get(`${site.url}/wp-json/wp/v2/stores`, {
      params: { per_page: 100, _fields: 'id,title,categoria_tienda' },
    });
    const byTitle = new Map(
      (stores.data as { title: { rendered: string }; categoria_tienda: number[] }[]).map((s) => [
        s.title.rendered,
        s.categoria_tienda,
      ]),
    );
    expect(byTitle.get('Farmacia Cruz Verde')).toHaveLength(2);
    expect(byTitle.get('Mascotas Felices')).toEqual([]);
  });
});

describe('WordPress client', () => {
  it('discovers the REST API at /wp-json/ and the configured post types', async () => {
    const client = clientFor(site.url);
    const discovery = await client.discover();
    expect(discovery.routeStyle).toBe('pretty');
    expect(discovery.apiRoot).toContain('/wp-json');
    expect(discovery.name).toBe('Mall de Prueba wpkb');
    expect(discovery.postTypes.map((t) => t.restBase)).toEqual(expect.arrayContaining([...TYPES]));
    const resolved = await client.resolveTypes(config.contentTypes);
    expect(resolved.map((r) => r.type.name)).toEqual([...TYPES]);
    for (const { type } of resolved) expect(type.taxonomies.length, type.name).toBeGreaterThan(0);
    await expect(
      client.resolveTypes([{ ...configured('stores'), name: 'news', restBase: 'noticias' }]),
    ).rejects.toThrow(/noticias/);
  });

  it.each(TYPES)('fetches every published %s exactly once and nothing else', async (name) => {
    const client = clientFor(site.url);
    const result = await client.fetchAll(typeConfig(name));
    const fetched = sameIds(result.items);
    expect(new Set(fetched).size).toBe(fetched.length);
    expect([...fetched].sort((a, b) => a - b)).toEqual(
      await site.publishedIds(name, { withProtected: true }),
    );
    expect(result.total).toBe(fetched.length);
    for (const item of result.items) expect(item.status).toBe('publish');
    const hidden = seeded.hidden.filter((row) => row.type === name && row.status !== 'publish');
    expect(hidden.length).toBeGreaterThanOrEqual(5);
    for (const row of hidden)
      expect(fetched, `${row.status} "${row.title}" (${row.id})`).not.toContain(row.id);
  });

  it('reads stores across several pages of per_page items', async () => {
    const client = clientFor(site.url);
    const result = await client.fetchAll(typeConfig('stores'));
    expect(result.items).toHaveLength(PUBLISHED_STORES);
    expect(result.pages).toBe(Math.ceil(PUBLISHED_STORES / PER_PAGE));
    expect(result.requests).toBeGreaterThanOrEqual(result.pages);
    // ACF-like fields come through as the nested objects the site serves; `false` when an item has none.
    const withAcf = result.items.filter((item) => item.acf !== false);
    expect(withAcf.length).toBe(PUBLISHED_STORES - 1);
    expect(withAcf[0]?.acf).toMatchObject({ informacion_tienda: [{ info: { level: expect.any(String) } }] });
  });

  it('checks the configured taxonomies at discovery: a missing or misattached one is a warning, or an error when required', async () => {
    const client = clientFor(site.url);
    const stores = configured('stores');
    const marca = { restBase: 'marca', name: 'brand', label: 'Marca', required: false };
    const tipo = { restBase: 'tipo_comida', name: 'category', label: 'Tipo', required: false };
    const [missing] = await client.resolveTypes([{ ...stores, taxonomies: [marca] }]);
    expect(missing?.type.taxonomies).toEqual([]);
    expect(missing?.warnings.join('\n')).toMatch(
      /^stores: the site has no taxonomy "marca" \(it has: .*categoria_tienda \(categoria_tienda\).*\); documents go without it$/,
    );
    const [detached] = await client.resolveTypes([{ ...stores, taxonomies: [tipo] }]);
    expect(detached?.warnings).toEqual([
      'stores: taxonomy "tipo_comida" does not classify post type "stores" (it classifies: restaurant); documents go without it',
    ]);
    await expect(
      client.resolveTypes([{ ...stores, taxonomies: [{ ...marca, required: true }] }]),
    ).rejects.toThrow(
      /has no taxonomy with REST base "marca" \(type stores\); the site has: .*categoria_tienda \(categoria_tienda\)/,
    );
    await expect(
      client.resolveTypes([{ ...stores, taxonomies: [{ ...tipo, required: true }] }]),
    ).rejects.toThrow('taxonomy "tipo_comida" does not classify post type "stores"');
  });

  it('reads every term of a taxonomy across pages, as MariaDB holds them', async () => {
    const rows = await site.sql(
      "SELECT t.term_id, t.name FROM wp_terms t JOIN wp_term_taxonomy tt ON tt.term_id = t.term_id WHERE tt.taxonomy = 'categoria_tienda' ORDER BY t.term_id",
    );
    const distinct = new Set([...Object.values(STORE_TERMS).flat(), ...UNUSED_STORE_TERMS]);
    expect(rows).toHaveLength(distinct.size);
    expect(rows.map(([, name]) => decoded(name ?? ''))).toEqual(expect.arrayContaining([...distinct]));
    for (const url of [site.url, site.plainUrl]) {
      const result = await clientFor(url).fetchTerms('categoria_tienda');
      expect(result.pages, url).toBe(Math.ceil(distinct.size / PER_PAGE));
      expect(result.terms.map((t) => [t.id, t.name])).toEqual(rows.map(([id, name]) => [Number(id), name]));
    }
    // WordPress serves names as it stores them: escaped.
    const result = await clientFor(site.url).fetchTerms('categoria_tienda');
    expect(result.terms.map((t) => t.name)).toContain('Té &amp; Café');
  });

  it('falls back to ?rest_route= on a site without pretty permalinks', async () => {
    const plainIndex = await axios.get(`${site.plainUrl}/wp-json/`, { validateStatus: () => true });
    expect(String(plainIndex.headers['content-type'])).not.toContain('json'); // the premise: /wp-json/ is not the API
    const client = clientFor(site.plainUrl);
    const discovery = await client.discover();
    expect(discovery.routeStyle).toBe('query');
    expect(discovery.apiRoot).toContain('rest_route=');
    const stores = await client.fetchAll(typeConfig('stores'));
    expect(sameIds(stores.items)).toEqual(await site.publishedIds('stores', { withProtected: true }));
    expect(stores.pages).toBe(Math.ceil(PUBLISHED_STORES / PER_PAGE));
    const events = await client.fetchAll(typeConfig('event'));
    expect(sameIds(events.items)).toEqual(await site.publishedIds('event', { withProtected: true }));
  });
});

describe('pipeline runs', () => {
  let storage: ReturnType<typeof createLocalStorage>;
  let afterRun1: Map<string, string>;
  // Imported here so the client tests above still run when the pipeline module cannot load.
  let runPipeline: typeof import('../../functions/core/pipeline/run.js').runPipeline;

  beforeAll(async () => {
    ({ runPipeline } = await import('../../functions/core/pipeline/run.js'));
    storage = createLocalStorage(dataDir);
  });

  it('run 1 writes one document per published public item, none for the others', async () => {
    const report = await runPipeline({ config, storage, runId: 'wp-it-run-1', log: silentLog });
    expect(report.status).toBe('succeeded');
    for (const name of TYPES) {
      const expected = await site.publishedIds(name);
      // A first run reads by pages (no listing, no include=): X-WP-Total counted once, every page read.
      const fetched = report.types[name]?.fetched ?? 0;
      expect(report.extract[name], name).toMatchObject({
        mode: 'full',
        reason: 'no previous complete run',
        read: fetched,
        pages: Math.ceil(fetched / PER_PAGE),
      });
      const plan = await loadPlan(storage, name, 'wp-it-run-1');
      expect(plan.pages, name).toMatchObject({ total: fetched, count: Math.ceil(fetched / PER_PAGE) });
      expect(plan.listing, name).toEqual([]);
      expect(expected).toEqual(ids(seeded.published[name]));
      expect(await documentIds(name), `kb/${name}/`).toEqual(expected);
      const counts = report.types[name];
      expect(counts, name).toMatchObject({ new: expected.length, changed: 0, unchanged: 0, deleted: 0 });
      const protectedCount = name === 'restaurant' ? 1 : 0;
      expect(counts?.fetched, name).toBe(expected.length + protectedCount);
      expect(counts?.skipped, name).toBe(protectedCount);
      for (const id of expected) {
        expect((await sidecar(name, id)).metadataAttributes.source_id).toBe(String(id));
      }
    }
    for (const row of seeded.hidden) {
      expect(await documentIds(row.type as TypeName), `${row.status} "${row.title}"`).not.toContain(row.id);
    }
    afterRun1 = await fileStamps('kb');
  });

  it('documents carry decoded text, no scripts, and event dates as numbers', async () => {
    const byTitle = (name: TypeName, title: string): PostRow => {
      const row = seeded.published[name].find((r) => r.title === title);
      if (!row) throw new Error(`no seeded ${name} titled ${title}`);
      return row;
    };
    const scripted = await csvOf('stores', byTitle('stores', SCRIPT_STORE.title).id);
    expect(scripted).toContain(SCRIPT_STORE.title);
    expect(scripted).not.toContain(SCRIPT_STORE.scriptText);
    expect(scripted).not.toMatch(/<script|<p>|&amp;|&iacute;/);
    const hm = await csvOf('stores', byTitle('stores', 'H&amp;M').id);
    expect(hm).toContain('H&M');
    // ACF as the reference site shapes it: info fields and rrss as {url} objects or strings
    expect(hm).toMatch(/Redes sociales: https:\/\/instagram\.com\/\w+, https:\/\/facebook\.com\/\w+/);
    expect(hm).toMatch(/Nivel: \d/);
    for (const event of EVENTS.filter((e) => e.startDate !== undefined)) {
      const meta = await sidecar('event', byTitle('event', event.title).id);
      expect(meta.metadataAttributes.start_date, `${event.title}: "${event.date}"`).toBe(event.startDate);
    }
  });

  it('documents and catalog carry each item’s term names: decoded, sorted, none when it has none', async () => {
    const expectations: { type: TypeName; label: string; terms: Readonly<Record<string, string[]>> }[] = [
      { type: 'stores', label: 'Categoría', terms: STORE_TERMS },
      { type: 'restaurant', label: 'Tipo de comida', terms: RESTAURANT_TERMS },
      {
        type: 'event',
        label: 'Categoría',
        terms: Object.fromEntries(EVENTS.map((event) => [event.title, event.terms])),
      },
    ];
    for (const { type, label, terms } of expectations) {
      const catalog = JSON.parse(await readFile(join(dataDir, 'catalog', `${type}.json`), 'utf8')) as {
        items: { source_id: string; taxonomies: Record<string, string[]> }[];
      };
      for (const row of seeded.published[type]) {
        const expected = (terms[row.title] ?? []).map(decoded);
        const context = `${type} "${row.title}"`;
        const line = termLine(await csvOf(type, row.id), label);
        const category = (await sidecar(type, row.id)).metadataAttributes.category;
        const entry = catalog.items.find((item) => item.source_id === String(row.id));
        if (expected.length === 0) {
          expect(line, context).toBeUndefined();
          expect(category, context).toBeUndefined();
          expect(entry?.taxonomies, context).toEqual({ category: [] });
        } else {
          expect(new Set(line), context).toEqual(new Set(expected));
          expect(line, context).toHaveLength(expected.length);
          expect(category, context).toBe(line?.join(', '));
          expect(entry?.taxonomies.category, context).toEqual(line);
        }
      }
    }
    const byTitle = (type: TypeName, title: string) => {
      const row = seeded.published[type].find((r) => r.title === title);
      if (!row) throw new Error(`no ${type} ${title}`);
      return csvOf(type, row.id);
    };
    // Sorted whatever order they were assigned in; the ampersand decoded.
    expect(termLine(await byTitle('stores', 'Nike'), 'Categoría')).toEqual(['Deportes', 'Zapatillas']);
    expect(termLine(await byTitle('stores', 'Tienda de Té &amp; Café'), 'Categoría')).toEqual(['Té & Café']);
    expect(termLine(await byTitle('restaurant', 'Café Colonia'), 'Tipo de comida')).toEqual([
      'Café',
      'Pastelería',
    ]);
  });

  it('the protected item leaves no trace in the data directory', async () => {
    const files = await filesUnder(dataDir);
    expect(files.some((file) => file.startsWith('raw/'))).toBe(true);
    expect(files.some((file) => file.startsWith('catalog/'))).toBe(true);
    const leaks: string[] = [];
    for (const file of files) {
      const text = (await textOf(join(dataDir, file))).normalize('NFC').toLowerCase();
      if (text.includes(PROTECTED_MARKER.toLowerCase())) leaks.push(file);
    }
    expect(leaks, `"${PROTECTED_MARKER}" found in`).toEqual([]);
    expect(await documentIds('restaurant')).not.toContain(seeded.protectedRow.id);
  });

  it('run 2 on an unchanged site changes nothing and rewrites no document', async () => {
    const catalogBefore = new Map([...(await fileStamps('catalog')), ...(await fileStamps('exports'))]);
    const report = await runPipeline({ config, storage, runId: 'wp-it-run-2', log: silentLog });
    expect(report.status).toBe('succeeded');
    expect(report.changes).toBe(0);
    // An incremental read: the listing only, nothing read with all its fields.
    for (const name of TYPES) {
      expect(report.extract[name], name).toMatchObject({ mode: 'incremental', read: 0, gone: 0 });
      expect(report.extract[name]?.reused, name).toBe(report.types[name]?.fetched);
      // Asked what changed (count, modified_after, after) instead of listing every page.
      expect(report.extract[name]?.reason, name).toMatch(
        /; listed the changes since \S+ \(0 new or modified, /,
      );
    }
    for (const name of TYPES) {
      const published = seeded.published[name].length;
      expect(report.types[name], name).toMatchObject({
        new: 0,
        changed: 0,
        deleted: 0,
        unchanged: published,
      });
    }
    expect(await fileStamps('kb')).toEqual(afterRun1);
    const catalogAfter = new Map([...(await fileStamps('catalog')), ...(await fileStamps('exports'))]);
    expect(catalogAfter).toEqual(catalogBefore);
  });

  it('run 3 reports exactly the edited, trashed and added items', async () => {
    const edited = seeded.published.stores[3];
    const trashed = seeded.published.event[1];
    if (!edited || !trashed) throw new Error('seed too small');
    const newSchedule = 'Horario de invierno: martes a domingo de 11:00 a 19:00 hrs.';
    await site.update(edited.id, {
      content: '<p>Nueva dirección y <strong>horario de invierno</strong>.</p>',
      acf: { informacion_tienda: [{ info: { schedule: newSchedule, level: '2', local: '2099' }, rrss: [] }] },
    });
    await site.trash(trashed.id);
    const [added] = await site.insert([
      {
        type: 'restaurant',
        title: 'Heladería Glaciar',
        content: '<p>Helados artesanales de &ldquo;maqui&rdquo; y lúcuma.</p>',
        acf: {
          informacion_tienda: [{ info: { schedule: 'Todos los días', level: '4', local: '420' }, rrss: [] }],
        },
        terms: { tipo_comida: ['Helados'] },
      },
    ]);
    if (!added) throw new Error('insert returned nothing');

    const report = await runPipeline({ config, storage, runId: 'wp-it-run-3', log: silentLog });
    expect(report.status).toBe('succeeded');
    expect(report.types.stores).toMatchObject({ new: 0, changed: 1, deleted: 0 });
    expect(report.types.event).toMatchObject({ new: 0, changed: 0, deleted: 1 });
    expect(report.types.restaurant).toMatchObject({ new: 1, changed: 0, deleted: 0 });
    expect(report.changes).toBe(3);
    // Read with every field: exactly the edited store and the added restaurant.
    expect(report.extract.stores).toMatchObject({ mode: 'incremental', read: 1, gone: 0 });
    expect(report.extract.event).toMatchObject({ mode: 'incremental', read: 0, gone: 1 });
    expect(report.extract.restaurant).toMatchObject({ mode: 'incremental', read: 1, gone: 0 });
    // WordPress (time zone America/Santiago) answers modified_after / after with the edit and the addition;
    // the trash makes X-WP-Total one lower, so every page of the events is listed.
    expect(report.extract.stores?.reason).toMatch(/; listed the changes since \S+ \(1 new or modified, /);
    expect(report.extract.restaurant?.reason).toMatch(/; listed the changes since \S+ \(1 new or modified, /);
    expect(report.extract.event?.reason).toMatch(
      /; listed every page: X-WP-Total is \d+, .*removed or unpublished/,
    );

    for (const name of TYPES) expect(await documentIds(name), name).toEqual(await site.publishedIds(name));
    expect(await csvOf('stores', edited.id)).toContain(newSchedule);
    expect(await documentIds('event')).not.toContain(trashed.id);
    expect(await csvOf('restaurant', added.id)).toContain('Heladería Glaciar\nTipo de comida: Helados\n');
    expect((await sidecar('restaurant', added.id)).metadataAttributes.source_id).toBe(String(added.id));

    // Only the edited store's files were rewritten; the trashed event's are gone; the rest is untouched.
    const now = await fileStamps('kb');
    const touched = [...afterRun1.keys()].filter((key) => now.get(key) !== afterRun1.get(key)).sort();
    expect(touched).toEqual(
      [
        `kb/event/${trashed.id}.csv`,
        `kb/event/${trashed.id}.csv.metadata.json`,
        `kb/stores/${edited.id}.csv`,
        `kb/stores/${edited.id}.csv.metadata.json`,
      ].sort(),
    );
    expect([...now.keys()].filter((key) => !afterRun1.has(key)).sort()).toEqual(
      [`kb/restaurant/${added.id}.csv`, `kb/restaurant/${added.id}.csv.metadata.json`].sort(),
    );
  });

  it('run 4 rewrites exactly the documents of a renamed and of a deleted term', async () => {
    const before = await fileStamps('kb');
    const store = (title: string) => {
      const row = seeded.published.stores.find((r) => r.title === title);
      if (!row) throw new Error(`no store ${title}`);
      return row;
    };
    await site.renameTerm('categoria_tienda', 'Telefonía', 'Telefonía móvil');
    await site.deleteTerm('categoria_tienda', 'Outdoor'); // WordPress takes it off Lippi and Doite too

    const report = await runPipeline({ config, storage, runId: 'wp-it-run-4', log: silentLog });
    expect(report.status).toBe('succeeded');
    expect(report.types.stores).toMatchObject({ new: 0, changed: 4, deleted: 0 });
    expect(report.types.restaurant).toMatchObject({ new: 0, changed: 0, deleted: 0 });
    expect(report.types.event).toMatchObject({ new: 0, changed: 0, deleted: 0 });

    for (const title of ['Entel', 'Movistar'])
      expect(termLine(await csvOf('stores', store(title).id), 'Categoría'), title).toEqual([
        'Telefonía móvil',
      ]);
    expect(termLine(await csvOf('stores', store('Lippi').id), 'Categoría')).toEqual(['Deportes']);
    expect(termLine(await csvOf('stores', store('Doite').id), 'Categoría')).toBeUndefined();
    expect((await sidecar('stores', store('Doite').id)).metadataAttributes).not.toHaveProperty('category');

    const now = await fileStamps('kb');
    const touched = [...before.keys()].filter((key) => now.get(key) !== before.get(key)).sort();
    const expected = ['Entel', 'Movistar', 'Lippi', 'Doite'].flatMap((title) => [
      `kb/stores/${store(title).id}.csv`,
      `kb/stores/${store(title).id}.csv.metadata.json`,
    ]);
    expect(touched).toEqual(expected.sort());
  });

  describe('between full reads', () => {
    /** Days after now: the runs below happen "later" than runs 1–4 (which use the system clock). */
    const later = (days: number) => ({ now: () => new Date(Date.now() + days * 24 * 60 * 60 * 1000) });
    const store = (title: string) => {
      const row = seeded.published.stores.find((r) => r.title === title);
      if (!row) throw new Error(`no store ${title}`);
      return row;
    };
    const quietSchedule = 'Horario cambiado por un script: 09:00 a 18:00 hrs.';

    it('run 5 (a day later): an unpublished store is gone; a meta-only change is not seen yet', async () => {
      const unpublished = store('Lippi');
      const quiet = store('Doite');
      expect((await site.update(unpublished.id, { status: 'draft' })).status).toBe('draft');
      const before = await site.get(quiet.id);
      await site.setAcfMeta(quiet.id, {
        informacion_tienda: [{ info: { schedule: quietSchedule, level: '1', local: '101' }, rrss: [] }],
      });
      expect((await site.get(quiet.id)).modified_gmt).toBe(before.modified_gmt); // the premise

      const report = await runPipeline({
        config,
        storage,
        runId: 'wp-it-run-5',
        clock: later(1),
        log: silentLog,
      });
      expect(report.extract.stores).toMatchObject({ mode: 'incremental', read: 0, gone: 1 });
      expect(report.types.stores).toMatchObject({ new: 0, changed: 0, deleted: 1 });
      expect(await documentIds('stores')).toEqual(await site.publishedIds('stores'));
      expect(await csvOf('stores', quiet.id)).not.toContain(quietSchedule);
    });

    it('run 6 (a week after the last full read): the scheduled full read catches the meta-only change', async () => {
      const quiet = store('Doite');
      const report = await runPipeline({
        config,
        storage,
        runId: 'wp-it-run-6',
        clock: later(8),
        log: silentLog,
      });
      for (const name of TYPES) {
        expect(report.extract[name]?.mode, name).toBe('full');
        expect(report.extract[name]?.reason, name).toMatch(/^scheduled: the last full read was 8 days ago/);
      }
      expect(report.types.stores).toMatchObject({ new: 0, changed: 1, deleted: 0 });
      expect(await csvOf('stores', quiet.id)).toContain(quietSchedule);
    });

    it('run 7: a changed type configuration reads that type in full, the others incrementally', async () => {
      const changed: WpkbConfig = {
        ...config,
        contentTypes: config.contentTypes.map((type) =>
          type.name === 'restaurant' ? { ...type, labelPlural: 'Restaurantes y cafés' } : type,
        ),
      };
      const report = await runPipeline({
        config: changed,
        storage,
        runId: 'wp-it-run-7',
        clock: later(9),
        log: silentLog,
      });
      expect(report.extract.restaurant?.mode).toBe('full');
      expect(report.extract.restaurant?.reason).toMatch(/configuration or the pipeline version changed/);
      expect(report.extract.stores).toMatchObject({ mode: 'incremental', read: 0 });
      expect(report.extract.event).toMatchObject({ mode: 'incremental', read: 0 });
      expect(report.changes).toBe(0);
    });
  });
});
