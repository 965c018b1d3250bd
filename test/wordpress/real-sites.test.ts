/**
 * Real sites out of the box, against a REAL WordPress (Debian's package, MariaDB, `php -S`): the same
 * database served as four kinds of site (the mu-plugin's `wpkb_test_profile`) —
 * - `mall`: the reference content model, where `wpkb init` proposes a configuration a run accepts;
 * - `retaxed`: the mall's types carry other taxonomies than the configuration names;
 * - `bare`: the mall's types carry no taxonomy at all;
 * - `plain`: a WordPress with posts and pages only.
 * Optional enrichment the site lacks is a warning; only a missing post type fails.
 *
 * Needs `.ci/wordpress-setup.sh` (root). Run with `npm run test:wordpress`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../functions/core/pipeline/run.js';
import { referenceMallConfig } from '../../functions/core/shared/config/defaults.js';
import { loadConfig } from '../../functions/core/shared/config/load.js';
import type { WpkbConfig } from '../../functions/core/shared/config/schema.js';
import { silentLog } from '../../functions/core/shared/logger.js';
import { createMemoryStorage, type MemoryStorage } from '../../functions/core/storage/memory.js';
import { runInit } from '../../functions/local/init/run-init.js';
import { type PostRow, startWordPress, type WordPressSite } from './harness.js';
import { PROTECTED_MARKER, type SeededSite, seedSite } from './seed.js';

const ROOT = join(import.meta.dirname, '../..');
const TYPES = ['event', 'stores', 'restaurant'] as const;

/** Posts of the plain site: WordPress's categories and tags, by name. */
const POSTS = [
  { title: 'Horario extendido en Navidad', category: ['Noticias'], tags: ['horarios', 'navidad'] },
  { title: 'Nuevo estacionamiento techado', category: ['Noticias', 'Servicios'], tags: [] },
  { title: 'Liquidación de verano', category: ['Ofertas'], tags: ['verano', 'descuentos'] },
] as const;

let site: WordPressSite;
let seeded: SeededSite;
let posts: PostRow[];
let pages: PostRow[];
let dir: string;
let runs = 0;

async function run(
  config: WpkbConfig,
): Promise<{ report: Awaited<ReturnType<typeof runPipeline>>; memory: MemoryStorage }> {
  const memory = createMemoryStorage();
  const report = await runPipeline({ config, storage: memory, runId: `real-${++runs}`, log: silentLog });
  return { report, memory };
}

const text = (memory: MemoryStorage, key: string) => memory.snapshot().get(key)?.toString('utf8') ?? '';
const sidecar = (memory: MemoryStorage, type: string, id: number) =>
  JSON.parse(text(memory, `kb/${type}/${id}.csv.metadata.json`)).metadataAttributes as Record<
    string,
    unknown
  >;
const documentIds = (memory: MemoryStorage, type: string) =>
  [...memory.snapshot().keys()]
    .filter((key) => key.startsWith(`kb/${type}/`) && key.endsWith('.csv'))
    .map((key) => Number(key.slice(`kb/${type}/`.length, -'.csv'.length)))
    .sort((a, b) => a - b);
const mall = () => loadConfig({ overrides: { site: { url: site.url } } });

beforeAll(async () => {
  site = await startWordPress();
  seeded = await seedSite(site);
  posts = await site.insert(
    POSTS.map((post) => ({
      type: 'post',
      title: post.title,
      content: `<p>${post.title}: más información en el mesón.</p>`,
      terms: { category: [...post.category], post_tag: [...post.tags] },
    })),
  );
  pages = await site.insert([
    { type: 'page', title: 'Cómo llegar', content: '<p>Metro línea 1, estación Los Leones.</p>' },
  ]);
  dir = await mkdtemp(join(tmpdir(), 'wpkb-real-sites-'));
});

afterAll(async () => {
  await site?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the mall site: wpkb init', () => {
  it('proposes a configuration that validates, and a run with it succeeds', async () => {
    const file = join(dir, 'cdk.json');
    await writeFile(file, await readFile(join(ROOT, 'cdk.json')));
    const printed: string[] = [];
    const outcome = await runInit({ wpUrl: site.url, file, write: true, print: (l) => printed.push(l) });
    expect(outcome.ok, outcome.error).toBe(true);
    // The protected restaurant's ACF fields are served to anyone; init neither uses nor prints them.
    expect(printed.join('\n')).toContain('restaurant: ');
    expect(printed.join('\n')).not.toContain(PROTECTED_MARKER);
    expect(JSON.stringify(outcome.inspection)).not.toContain(PROTECTED_MARKER);
    const written = JSON.parse(await readFile(file, 'utf8')).context.wpkb;
    const names = (written.contentTypes as { name: string }[]).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining([...TYPES, 'posts', 'pages']));
    const event = written.contentTypes.find((t: { name: string }) => t.name === 'event');
    expect(event.dateField).toBe('acf.informacion_tienda.0.cards.0.data.date');

    const config = loadConfig({ context: written, overrides: { site: { url: site.url } } });
    const { report, memory } = await run(config);
    expect(report.status).toBe('succeeded');
    expect(report.warnings).toEqual([]);
    for (const type of TYPES) expect(documentIds(memory, type), type).toEqual(await site.publishedIds(type));
    // Taxonomies "auto": the site's own, keyed by their slug, labelled by their name.
    const store = seeded.published.stores.find((row) => row.title === 'Nike');
    if (!store) throw new Error('no Nike');
    expect(sidecar(memory, 'stores', store.id).categoria_tienda).toBe('Deportes, Zapatillas');
    expect(text(memory, `kb/stores/${store.id}.csv`)).toContain(
      'Categorías de tienda: Deportes, Zapatillas\n',
    );
    const dated = seeded.published.event.find((row) => row.title === 'Concierto de Jazz al atardecer');
    expect(sidecar(memory, 'event', dated?.id ?? 0).start_date).toBe(20260315);
  });
});

describe('a site whose types carry other taxonomies', () => {
  beforeAll(async () => {
    await site.setOption('wpkb_test_profile', 'retaxed');
    const [store] = seeded.published.stores;
    const [event] = seeded.published.event;
    if (!store || !event) throw new Error('seed too small');
    await site.update(store.id, { terms: { rubro: ['Moda'] } });
    await site.update(event.id, { terms: { publico: ['Familias'], post_tag: ['verano'] } });
  });

  it('the mall configuration runs, with a warning for each taxonomy the site lacks', async () => {
    const { report, memory } = await run(mall());
    expect(report.status).toBe('succeeded');
    expect(report.warnings).toHaveLength(3);
    for (const [type, taxonomy] of [
      ['event', 'categoria_evento'],
      ['stores', 'categoria_tienda'],
      ['restaurant', 'tipo_comida'],
    ]) {
      expect(report.warnings).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^${type}: the site has no taxonomy "${taxonomy}" \\(it has: .*rubro \\(rubro\\).*\\); documents go without it$`,
          ),
        ),
      );
    }
    for (const type of TYPES) expect(documentIds(memory, type), type).toEqual(await site.publishedIds(type));
    // The optional tags of events are there now: the line is written.
    const [event] = seeded.published.event;
    expect(text(memory, `kb/event/${event?.id}.csv`)).toContain('\nEtiquetas: verano\n');
    expect(text(memory, `kb/stores/${seeded.published.stores[0]?.id}.csv`)).not.toContain('Categoría');
  });

  it('with taxonomies "auto" the documents carry the site’s own taxonomies, without warnings', async () => {
    const contentTypes = referenceMallConfig.contentTypes.map((type) => ({ ...type, taxonomies: 'auto' }));
    const config = loadConfig({ overrides: { site: { url: site.url }, contentTypes } });
    const { report, memory } = await run(config);
    expect(report.status).toBe('succeeded');
    expect(report.warnings).toEqual([]);
    const [store] = seeded.published.stores;
    const [event] = seeded.published.event;
    expect(sidecar(memory, 'stores', store?.id ?? 0).rubro).toBe('Moda');
    expect(sidecar(memory, 'event', event?.id ?? 0)).toMatchObject({
      publico: 'Familias',
      post_tag: 'verano',
    });
    expect(text(memory, `kb/stores/${store?.id}.csv`)).toContain('\nRubros: Moda\n');
  });
});

describe('a site whose types carry no taxonomy', () => {
  beforeAll(async () => {
    await site.setOption('wpkb_test_profile', 'bare');
  });

  it('the mall configuration runs, warning about every configured taxonomy', async () => {
    const { report, memory } = await run(mall());
    expect(report.status).toBe('succeeded');
    expect(report.warnings).toEqual([
      expect.stringMatching(/^event: the site has no taxonomy "categoria_evento"/),
      'event: taxonomy "tags" does not classify post type "event" (it classifies: post); documents go without it',
      expect.stringMatching(/^stores: the site has no taxonomy "categoria_tienda"/),
      expect.stringMatching(/^restaurant: the site has no taxonomy "tipo_comida"/),
    ]);
    for (const type of TYPES) {
      expect(documentIds(memory, type), type).toEqual(await site.publishedIds(type));
      expect(report.types[type]?.new, type).toBeGreaterThan(0);
    }
  });
});

describe('a plain WordPress: posts and pages', () => {
  beforeAll(async () => {
    await site.setOption('wpkb_test_profile', 'plain');
  });

  it('the mall configuration stops at discovery, in one line naming the missing post types', async () => {
    await expect(run(mall())).rejects.toThrow(
      /^WordPress site http:\/\/127\.0\.0\.1:\d+ has no post type with REST base "event" \(type event\), "stores" \(type stores\), "restaurant" \(type restaurant\); the site has: posts \(post\), pages \(page\)/,
    );
  });

  it('--types posts,pages succeeds with zero configuration: categories and tags as metadata', async () => {
    const config = loadConfig({ overrides: { site: { url: site.url } }, types: ['posts', 'pages'] });
    const { report, memory } = await run(config);
    expect(report.status).toBe('succeeded');
    expect(report.warnings).toEqual([]);
    expect(documentIds(memory, 'posts')).toEqual(await site.publishedIds('post'));
    expect(documentIds(memory, 'pages')).toEqual(await site.publishedIds('page'));
    for (const [i, post] of POSTS.entries()) {
      const id = posts[i]?.id ?? 0;
      const meta = sidecar(memory, 'posts', id);
      expect(meta.category, post.title).toBe([...post.category].sort().join(', '));
      if (post.tags.length) expect(meta.post_tag, post.title).toBe([...post.tags].sort().join(', '));
      else expect(meta, post.title).not.toHaveProperty('post_tag');
      // The type's label and the taxonomy's are the site's own names.
      expect(text(memory, `kb/posts/${id}.csv`)).toContain(`Posts: ${post.title}\nCategories: `);
    }
    expect(text(memory, `kb/pages/${pages[0]?.id}.csv`)).toContain('Metro línea 1');
  });

  it('wpkb init proposes posts and pages, and a run with it succeeds', async () => {
    const file = join(dir, 'plain.json');
    const outcome = await runInit({ wpUrl: site.url, file, write: true, print: () => {} });
    expect(outcome.ok, outcome.error).toBe(true);
    const written = JSON.parse(await readFile(file, 'utf8')).context.wpkb;
    expect(written.contentTypes).toEqual([{ name: 'posts' }, { name: 'pages' }]);
    const { report } = await run(loadConfig({ context: written }));
    expect(report.status).toBe('succeeded');
    expect(report.types.posts?.new).toBe((await site.publishedIds('post')).length);
  });
});
