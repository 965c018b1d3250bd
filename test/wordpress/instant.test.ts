/**
 * Instant updates end to end against a REAL WordPress (Debian's package, MariaDB, `php -S`): the
 * wpkb-connector plugin, activated by the harness and pointed at a real `wpkb serve` (the CLI, in a child
 * process) whose data directory `wpkb run` filled. Edits made through WordPress's own PHP API
 * (wp_update_post and the ACF meta, status changes, trash, term renames, a bulk import) reach the data
 * directory and the local index through the plugin's signed notifications; forged ones change nothing.
 *
 * Needs `.ci/wordpress-setup.sh` (root). Run with `npm run test:wordpress`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/core/shared/config/load.js';
import type { Storage } from '../../functions/core/storage/port.js';
import { signWebhook } from '../../functions/core/webhook/signature.js';
import { embedderFromConfig } from '../../functions/local/knowledge-base/from-config.js';
import { readIndexFile } from '../../functions/local/knowledge-base/index-file.js';
import { openLocalKb } from '../../functions/local/knowledge-base/retrieve.js';
import { createLocalStorage } from '../../functions/local/storage/directory.js';
import { type PostRow, startWordPress, type WordPressSite } from './harness.js';
import { type ServeProcess, startServeProcess, wpkb } from './serve-process.js';

const SECRET = `wpkb-instant-${randomBytes(16).toString('hex')}`;
const BURST = 50;

let site: WordPressSite;
let dataDir: string;
let storage: Storage;
let serve: ServeProcess;
const stores: Record<string, PostRow> = {};
let burst: PostRow[] = [];

/** The ACF-like fields of a store of the reference mall: its opening hours, level and local. */
const storeInfo = (schedule: string, local = '101') => ({
  informacion_tienda: [{ info: { schedule, level: '1', local } }],
});

const documentOf = async (row: PostRow) =>
  (await storage.get(`kb/${row.type}/${row.id}.csv`))?.toString('utf8');
const catalogIds = async (type: string): Promise<string[]> =>
  JSON.parse((await storage.get(`catalog/${type}.json`))?.toString('utf8') ?? '{"items":[]}').items.map(
    (e: { source_id: string }) => e.source_id,
  );
const indexedKeys = async () => Object.keys((await readIndexFile(dataDir))?.manifest.files ?? {});

/** What the local knowledge base answers, as `wpkb ask` retrieves it (the passages' text). */
async function localAnswers(question: string, k = 5): Promise<string[]> {
  const config = loadConfig({ overrides: { site: { url: site.url } } });
  const kb = await openLocalKb(dataDir, await embedderFromConfig(config));
  return (await kb.retrieve(question, { k })).map((p) => `${p.source_id} ${p.text}`);
}

/** Polls until `check` holds (every 100 ms, at most `timeoutMs`); how long it took. */
async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `${what}: not within ${timeoutMs} ms; serve said: ${serve.lines.slice(-6).join(' | ')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The data directory once neither it nor wpkb serve's output changed for 2.5 s: hints still queued or
 * being applied (the unchanged re-reads after a burst) are done.
 */
async function settled(): Promise<Awaited<ReturnType<Storage['list']>>> {
  let previous = JSON.stringify([await storage.list(''), serve.lines.length]);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const listing = await storage.list('');
    const now = JSON.stringify([listing, serve.lines.length]);
    if (now === previous) return listing;
    previous = now;
  }
}

beforeAll(async () => {
  site = await startWordPress();
  const rows = await site.insert([
    {
      type: 'stores',
      title: 'Librería Aurora',
      acf: storeInfo('Lunes a viernes de 10:00 a 20:00'),
      terms: { categoria_tienda: ['Libros'] },
    },
    { type: 'stores', title: 'Tienda Borrador', acf: storeInfo('Todos los días de 10:00 a 21:00', '102') },
    { type: 'stores', title: 'Tienda Privada', acf: storeInfo('Todos los días de 10:00 a 21:00', '103') },
    { type: 'stores', title: 'Tienda Clave', acf: storeInfo('Todos los días de 10:00 a 21:00', '104') },
    { type: 'stores', title: 'Tienda Papelera', acf: storeInfo('Todos los días de 10:00 a 21:00', '105') },
    {
      type: 'stores',
      title: 'Papelería Cometa',
      acf: storeInfo('Lunes a sábado de 9:00 a 19:00', '106'),
      terms: { categoria_tienda: ['Libros'] },
    },
    { type: 'stores', title: 'Tienda Forjada', acf: storeInfo('Todos los días de 10:00 a 21:00', '107') },
    { type: 'restaurant', title: 'Sushi Aurora', terms: { tipo_comida: ['Sushi'] } },
    { type: 'event', title: 'Feria del Libro', acf: false },
  ]);
  for (const row of rows) stores[row.title] = row;
  burst = await site.insert(
    Array.from({ length: BURST }, (_, i) => ({
      type: 'stores',
      title: `Tienda Importada ${i + 1}`,
      acf: storeInfo('Horario por confirmar', String(200 + i)),
    })),
  );
  dataDir = await mkdtemp(join(tmpdir(), 'wpkb-instant-'));
  storage = createLocalStorage(dataDir);
  // What `npm start` does, against the real site: documents, catalog and the local index.
  await wpkb(['run', '--wp-url', site.url, '--data-dir', dataDir]);
  serve = await startServeProcess(['--data-dir', dataDir, '--wp-url', site.url, '--secret', SECRET]);
  await site.php('plugin.php', {
    op: 'options',
    set: {
      wpkb_endpoint: `${serve.url}/webhook`,
      wpkb_secret: SECRET,
      wpkb_post_types: ['event', 'stores', 'restaurant'],
    },
  });
}, 300_000);

afterAll(async () => {
  const code = await serve?.stop();
  expect(serve ? code : 0).toBe(0); // SIGTERM stops it cleanly
  await site?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('instant updates from the plugin to wpkb serve', () => {
  it('an edit of a store’s hours (wp_update_post + its ACF meta) is answered by the local knowledge base within seconds', async () => {
    const aurora = stores['Librería Aurora'] as PostRow;
    expect(await documentOf(aurora)).toContain('Lunes a viernes de 10:00 a 20:00');
    await site.update(aurora.id, { acf: storeInfo('Lunes a domingo de 8:30 a 23:30, horario de verano') });
    const ms = await waitUntil('the new hours in the local index', async () =>
      (await localAnswers('horario de verano Librería Aurora')).some((text) => text.includes('8:30 a 23:30')),
    );
    expect(await documentOf(aurora)).toContain('Lunes a domingo de 8:30 a 23:30, horario de verano');
    const line = await serve.waitForLine((l) => l.startsWith(`update stores/${aurora.id} (upsert): written`));
    expect(line).toMatch(/catalog updated, index \+\d+\/−\d+ chunks in \d+ ms$/);
    // `wpkb ask` (the CLI, as a person runs it) finds the new hours.
    const asked = JSON.parse(
      await wpkb(['ask', 'horario de verano Librería Aurora', '--data-dir', dataDir, '--json']),
    );
    expect(asked.results[0]).toMatchObject({ source_id: String(aurora.id) });
    expect(asked.results[0].text).toContain('8:30 a 23:30');
    console.log(`edit → answerable: ${ms} ms (polled every 100 ms)`);
  });

  it('draft, private, password and trash take a store out of kb/, catalog/ and the local index; untrash brings it back', async () => {
    const hidden = ['Tienda Borrador', 'Tienda Privada', 'Tienda Clave', 'Tienda Papelera'].map(
      (t) => stores[t] as PostRow,
    );
    const [draft, priv, password, trashed] = hidden as [PostRow, PostRow, PostRow, PostRow];
    for (const row of hidden) expect(await documentOf(row)).toBeDefined();
    await site.update(draft.id, { status: 'draft' });
    await site.update(priv.id, { status: 'private' });
    await site.update(password.id, { password: 'secreto' });
    await site.trash(trashed.id);
    // Document, sidecar, catalog entry and local index: all four places, for all four stores.
    await waitUntil('the four stores gone from kb/, catalog/ and the local index', async () => {
      const [ids, keys] = [await catalogIds('stores'), await indexedKeys()];
      const gone = await Promise.all(
        hidden.map(
          async (row) =>
            (await documentOf(row)) === undefined &&
            (await storage.get(`kb/stores/${row.id}.csv.metadata.json`)) === undefined &&
            !ids.includes(String(row.id)) &&
            !keys.includes(`kb/stores/${row.id}.csv`),
        ),
      );
      return gone.every(Boolean);
    });
    expect((await localAnswers('Tienda Papelera')).some((t) => t.startsWith(`${trashed.id} `))).toBe(false);

    await site.untrash(trashed.id, { restorePreviousStatus: true });
    await waitUntil('the untrashed store back in kb/', async () => (await documentOf(trashed)) !== undefined);
    expect(await catalogIds('stores')).toContain(String(trashed.id));
    await waitUntil('the untrashed store back in the local index', async () =>
      (await indexedKeys()).includes(`kb/stores/${trashed.id}.csv`),
    );
  });

  it('a term rename updates the documents of the stores that carry it', async () => {
    const [aurora, cometa] = [stores['Librería Aurora'], stores['Papelería Cometa']] as [PostRow, PostRow];
    const other = stores['Tienda Forjada'] as PostRow;
    const untouched = await documentOf(other);
    await site.renameTerm('categoria_tienda', 'Libros', 'Libros y Papelería');
    await waitUntil('the renamed term in both documents', async () =>
      (await Promise.all([aurora, cometa].map(documentOf))).every((doc) =>
        doc?.includes('Categoría: Libros y Papelería'),
      ),
    );
    await serve.waitForLine((l) => l.startsWith('update stores (all items) (type): written 2 documents'));
    expect(await documentOf(other)).toBe(untouched);
  });

  it(`a burst of ${BURST} edits in one request, saved twice, leaves every store in its final state`, async () => {
    const save = (label: string) =>
      site.php('posts.php', {
        op: 'update_many',
        updates: burst.map((row, i) => ({
          id: row.id,
          acf: storeInfo(`${label} ${i + 1}: 11:00 a 19:00`, String(200 + i)),
        })),
      });
    await save('Horario provisorio');
    await save('Horario definitivo');
    const final = (i: number) => `Horario definitivo ${i + 1}:`;
    const ms = await waitUntil(
      `all ${BURST} stores in their final state in kb/, catalog/ and the local index`,
      async () => {
        const catalog = JSON.parse((await storage.get('catalog/stores.json'))?.toString('utf8') ?? '{}');
        const files = (await readIndexFile(dataDir))?.manifest.files ?? {};
        const states = await Promise.all(
          burst.map(async (row, i) => {
            const key = `kb/stores/${row.id}.csv`;
            const document = await storage.getTagged(key);
            const entry = catalog.items?.find((e: { source_id: string }) => e.source_id === String(row.id));
            return (
              document?.body.toString('utf8').includes(final(i)) === true &&
              JSON.stringify(entry?.fields ?? []).includes(final(i)) &&
              files[key]?.md5 === document.etag
            );
          }),
        );
        return states.every(Boolean);
      },
      90_000,
    );
    expect(serve.lines.filter((l) => l.startsWith('error:') || l.startsWith('retrying'))).toEqual([]);
    console.log(`burst of ${BURST} × 2 saves → all final: ${ms} ms`);
  });

  it('a wrongly signed or replayed notification is refused with 401 and changes nothing', async () => {
    const forged = stores['Tienda Forjada'] as PostRow;
    await site.sql(
      `UPDATE wp_postmeta SET meta_value = '${JSON.stringify(storeInfo('Cerrado para siempre', '107'))}' WHERE post_id = ${forged.id} AND meta_key = '_wpkb_acf'`,
    );
    const before = await settled();
    const body = JSON.stringify({
      site: site.url,
      type: 'stores',
      id: forged.id,
      event: 'upsert',
      modified_gmt: null,
    });
    const now = Math.floor(Date.now() / 1000);
    for (const signature of [
      signWebhook(body, `${SECRET}-wrong`, now),
      signWebhook(body, SECRET, now - 600),
      `t=${now},v1=${'0'.repeat(64)}`,
    ]) {
      const response = await axios.post(`${serve.url}/webhook`, body, {
        headers: { 'content-type': 'application/json', 'x-wpkb-signature': signature },
        validateStatus: () => true,
      });
      expect(response.status).toBe(401);
      expect(response.data).toMatchObject({ error: { code: 'unauthorized' } });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await storage.list('')).toEqual(before);
    expect(await documentOf(forged)).not.toContain('Cerrado para siempre');
    expect(serve.lines.some((l) => l.startsWith(`update stores/${forged.id} `))).toBe(false);
  });
});
