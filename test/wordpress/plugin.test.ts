/**
 * The wpkb-connector WordPress plugin inside a REAL WordPress (Debian's package, MariaDB, `php -S` on
 * 127.0.0.1; the harness installs and activates the plugin): change notifications caught by a capture
 * server and checked against the webhook contract with node:crypto, the settings page and its test
 * button as an administrator over HTTP, the visitor-token route, the shortcode, the block and the bubble.
 * Also `php -l` on every plugin file and the translation files being current.
 *
 * Needs `.ci/wordpress-setup.sh` (root). Run with `npm run test:wordpress`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CapturedRequest, type CaptureServer, startCaptureServer } from './capture-server.js';
import { PLUGIN_ROOT, type PostRow, startWordPress, type WordPressSite } from './harness.js';
import {
  chatElements,
  checkWebhookSignature,
  elements,
  formFields,
  openVisitorToken,
  parseHtml,
  textOf,
  WpSession,
} from './plugin-helpers.js';

const exec = promisify(execFile);
const PLUGIN_DIR = join(PLUGIN_ROOT, 'wpkb-connector');
const LANGUAGES = join(PLUGIN_DIR, 'languages');
const PHP_HELPERS = join(import.meta.dirname, 'php');

const SECRET = `wpkb-test-${randomBytes(16).toString('hex')}`;
const OTHER_SECRET = `wpkb-other-${randomBytes(16).toString('hex')}`;
const WATCHED = ['event', 'stores', 'restaurant'];
const CHAT_ENDPOINT = 'https://chat.example.invalid/prod/chat';
const EDITOR = { login: 'editora', password: randomBytes(9).toString('base64url') };

let site: WordPressSite;
let capture: CaptureServer;
let admin: WpSession;
/** Published items created before the plugin was configured (so they sent nothing), by title. */
const items: Record<string, PostRow> = {};

interface Hint {
  type: string;
  id: number;
  event: 'upsert' | 'delete' | 'type';
  modified_gmt: string | null;
}

/** `2026-03-01 12:00:00` (MariaDB) → `2026-03-01T12:00:00` (the REST API's and the contract's form). */
const rfc3339 = (mysql: string) => mysql.replace(' ', 'T');

const upsert = (row: PostRow): Hint => ({
  type: row.type,
  id: row.id,
  event: 'upsert',
  modified_gmt: rfc3339(row.modified_gmt),
});
const removal = (row: PostRow, modifiedGmt: string | null = rfc3339(row.modified_gmt)): Hint => ({
  type: row.type,
  id: row.id,
  event: 'delete',
  modified_gmt: modifiedGmt,
});

/** Every request is a signed POST to /webhook whose raw body is exactly the contract's object. */
function expectHints(requests: CapturedRequest[], hints: Hint[], secret = SECRET, siteUrl = site.url): void {
  expect(requests.map((request) => JSON.parse(request.body))).toEqual(
    hints.map((hint) => ({ site: siteUrl, ...hint })),
  );
  requests.forEach((request, index) => {
    const hint = hints[index] as Hint;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/webhook');
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    // Field order and types exactly as the contract writes them.
    expect(request.body).toBe(JSON.stringify({ site: siteUrl, ...hint }));
    const check = checkWebhookSignature(request.headers['x-wpkb-signature'], request.body, secret);
    expect(check).toMatchObject({ valid: true });
  });
}

async function options(
  set: Record<string, unknown>,
  get: readonly string[] = [],
): Promise<Record<string, unknown>> {
  const result = (await site.php('plugin.php', { op: 'options', set, get })) as {
    values: Record<string, unknown>;
  };
  return result.values;
}

/** Runs an operation of php/plugin.php that returns one post's row. */
async function changePost(
  input: { op: string; id: number | undefined } & Record<string, unknown>,
): Promise<PostRow> {
  return ((await site.php('plugin.php', input)) as { row: PostRow }).row;
}

const settingsPage = (session = admin) => session.get('/wp-admin/options-general.php?page=wpkb');

async function insertOne(spec: Parameters<WordPressSite['insert']>[0][number]): Promise<PostRow> {
  const [row] = await site.insert([spec]);
  if (!row) throw new Error(`insert ${spec.title}: no row`);
  return row;
}

/** A front-end page as a visitor gets it (redirects followed). */
async function visit(path: string): Promise<string> {
  const response = await axios.get<string>(`${site.url}${path}`, { responseType: 'text', timeout: 30_000 });
  return response.data;
}

/** Rows of the settings page's status list, as cell texts. */
function statusRows(html: string): string[][] {
  const table = elements(parseHtml(html), 'table').find((t) =>
    (t.attribs.class ?? '').split(/\s+/).includes('wpkb-notification-log'),
  );
  if (!table) return [];
  return elements(table, 'tr')
    .map((row) => elements(row, 'td').map((cell) => textOf(cell).trim()))
    .filter((cells) => cells.length > 0);
}

beforeAll(async () => {
  [site, capture] = await Promise.all([startWordPress(), startCaptureServer()]);
  const rows = await site.insert([
    {
      type: 'stores',
      title: 'Tienda Norte',
      terms: { categoria_tienda: ['Moda'] },
      acf: { horario: '10:00-21:00' },
    },
    { type: 'stores', title: 'Tienda Sur', terms: { categoria_tienda: ['Hogar'] } },
    { type: 'stores', title: 'Tienda Este' },
    { type: 'stores', title: 'Tienda Oeste' },
    { type: 'restaurant', title: 'Sushi Uno', terms: { tipo_comida: ['Sushi'] } },
    { type: 'event', title: 'Feria de Otoño' },
    { type: 'post', title: 'Noticia del mall' },
    ...[
      'draft',
      'pending',
      'private',
      'password',
      'trash',
      'untrash-draft',
      'untrash-restore',
      'delete',
      'trash-delete',
    ].map((name) => ({ type: 'stores', title: `Tienda ${name}` })),
  ]);
  for (const row of rows) items[row.title] = row;
  await site.createTerms('categoria_tienda', ['Sin uso']);
  await site.php('plugin.php', {
    op: 'add_user',
    login: EDITOR.login,
    password: EDITOR.password,
    role: 'editor',
  });
  await options({
    wpkb_endpoint: `${capture.url}/webhook`,
    wpkb_secret: SECRET,
    wpkb_post_types: WATCHED,
    wpkb_chat_endpoint: CHAT_ENDPOINT,
    wpkb_chat_bubble: false,
  });
  admin = await WpSession.login(site.url, 'admin', site.adminPassword);
  // Nothing was configured while the items above were created.
  expect(await capture.collect(0)).toEqual([]);
});

afterAll(async () => {
  await Promise.all([site?.stop(), capture?.close()]);
});

describe('plugin files', () => {
  it('every PHP file of the plugin and its tools passes php -l', async () => {
    const files = (await readdir(PLUGIN_ROOT, { recursive: true }))
      .filter((file) => file.endsWith('.php'))
      .map((file) => join(PLUGIN_ROOT, file));
    expect(files.map((file) => relative(PLUGIN_DIR, file))).toEqual(
      expect.arrayContaining([
        'wpkb-connector.php',
        'uninstall.php',
        'includes/class-wpkb-change-tracker.php',
      ]),
    );
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const file of files) {
      const { stdout } = await exec('php', ['-l', file]);
      expect(stdout).toContain('No syntax errors detected');
    }
  });

  it("the block's editor script is valid JavaScript", async () => {
    await exec(process.execPath, ['--check', join(PLUGIN_DIR, 'blocks/chat/index.js')]);
  });

  it('every translatable string names the text domain, and the translation files are current and complete', async () => {
    const php = (await readdir(PLUGIN_DIR, { recursive: true }))
      .filter((file) => file.endsWith('.php'))
      .map((file) => join(PLUGIN_DIR, file));
    const { stdout } = await exec('php', [join(PHP_HELPERS, 'text-domains.php'), 'wpkb-connector', ...php]);
    const domains = JSON.parse(stdout) as { calls: number; wrong: string[] };
    expect(domains.wrong).toEqual([]);
    expect(domains.calls).toBeGreaterThan(40);

    const out = await mkdtemp(join(tmpdir(), 'wpkb-i18n-'));
    try {
      const { stderr } = await exec('bash', [join(PLUGIN_ROOT, 'tools', 'i18n.sh'), out]);
      // msgfmt --statistics: every message translated, none fuzzy or untranslated.
      expect(stderr).toMatch(/^\d+ translated messages\.$/m);
      expect(stderr).not.toMatch(/untranslated|fuzzy/);
      for (const file of [
        'wpkb-connector.pot',
        'wpkb-connector-es_ES.po',
        'wpkb-connector-es_ES.mo',
        'wpkb-connector-es_ES-wpkb-chat-editor-script.json',
      ]) {
        const [fresh, committed] = await Promise.all([
          readFile(join(out, file)),
          readFile(join(LANGUAGES, file)),
        ]);
        expect(fresh.equals(committed), `${file} is out of date: run wordpress-plugin/tools/i18n.sh`).toBe(
          true,
        );
      }
      const pot = await readFile(join(LANGUAGES, 'wpkb-connector.pot'), 'utf8');
      const translated = Number(/^(\d+) translated/m.exec(stderr)?.[1]);
      expect(translated).toBe((pot.match(/^msgid "/gm) ?? []).length - 1);
      const json = JSON.parse(
        await readFile(join(LANGUAGES, 'wpkb-connector-es_ES-wpkb-chat-editor-script.json'), 'utf8'),
      ) as { locale_data: { messages: Record<string, unknown> } };
      expect(json.locale_data.messages.Mode).toEqual(['Modo']);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe('change notifications', () => {
  it('the plugin is active in the real WordPress', async () => {
    const rows = await site.sql("SELECT option_value FROM wp_options WHERE option_name = 'active_plugins'");
    expect(rows[0]?.[0]).toContain('wpkb-connector/wpkb-connector.php');
    const index = await axios.get(`${site.url}/wp-json/`);
    expect(index.data.namespaces).toContain('wpkb/v1');
  });

  it('publishing a watched item sends one signed upsert whose body is exactly the contract', async () => {
    const row = await insertOne({ type: 'stores', title: 'Tienda Nueva', acf: { local: '101' } });
    expectHints(await capture.collect(1), [upsert(row)]);
  });

  it('a draft that was never public sends nothing; publishing it sends an upsert', async () => {
    const draft = await insertOne({ type: 'restaurant', title: 'Café Borrador', status: 'draft' });
    expect(await capture.collect(0)).toEqual([]);
    await site.update(draft.id, { content: 'Todavía en borrador' });
    expect(await capture.collect(0)).toEqual([]);
    const published = await site.update(draft.id, { status: 'publish' });
    expectHints(await capture.collect(1), [upsert(published)]);
  });

  it('a scheduled item going live (wp_publish_post, as cron does) sends an upsert', async () => {
    const scheduled = await insertOne({
      type: 'event',
      title: 'Concierto programado',
      status: 'future',
      date: '2031-01-01 12:00:00',
    });
    expect(scheduled.status).toBe('future');
    expect(await capture.collect(0)).toEqual([]);
    const row = await changePost({ op: 'publish', id: scheduled.id });
    expect(row.status).toBe('publish');
    expectHints(await capture.collect(1), [upsert(row)]);
  });

  it('wp_update_post with ACF-like fields sends one upsert with the new modified_gmt', async () => {
    const row = await site.update(items['Tienda Norte']?.id ?? 0, {
      content: 'Nuevo horario',
      acf: { horario: '09:00-22:00' },
    });
    expectHints(await capture.collect(1), [upsert(row)]);
  });

  it('ACF-like fields saved on their own (no save_post) send an upsert', async () => {
    const row = await changePost({
      op: 'set_acf',
      id: items['Tienda Norte']?.id,
      acf: { horario: '08:00-23:00' },
    });
    expectHints(await capture.collect(1), [upsert(row)]);
  });

  it('terms assigned on their own send an upsert for the post', async () => {
    const row = await changePost({
      op: 'set_terms',
      id: items['Tienda Este']?.id,
      terms: { categoria_tienda: ['Moda'] },
    });
    expectHints(await capture.collect(1), [upsert(row)]);
  });

  it('several saves of one post in one request (titles, ACF, terms) send one notification, in the final state', async () => {
    const row = await changePost({
      op: 'multi_save',
      id: items['Tienda Oeste']?.id,
      titles: ['Tienda Oeste 1', 'Tienda Oeste 2', 'Tienda Oeste 3'],
      acf: { horario: '11:00-20:00' },
      terms: { categoria_tienda: ['Hogar'] },
    });
    expect(row.title).toBe('Tienda Oeste 3');
    expectHints(await capture.collect(1), [upsert(row)]);
  });

  it('several posts saved in one request send one notification each', async () => {
    const ids = ['Tienda Norte', 'Sushi Uno', 'Feria de Otoño'].map((title) => items[title]?.id);
    const { rows } = (await site.php('plugin.php', { op: 'touch_many', ids })) as { rows: PostRow[] };
    expectHints(await capture.collect(3), rows.map(upsert));
  });

  it.each([
    ['draft', { status: 'draft' }],
    ['pending', { status: 'pending' }],
    ['private', { status: 'private' }],
    ['password', { password: 'clave' }],
  ] as const)('%s: a published item that is no longer public sends a delete', async (name, change) => {
    const row = await site.update(items[`Tienda ${name}`]?.id ?? 0, change);
    expectHints(await capture.collect(1), [removal(row)]);
    // Later edits of the hidden item change nothing visitors see: nothing is sent.
    await site.update(row.id, { content: 'Sigue oculto' });
    expect(await capture.collect(0)).toEqual([]);
  });

  it('trash sends a delete', async () => {
    const row = await site.trash(items['Tienda trash']?.id ?? 0);
    expect(row.status).toBe('trash');
    expectHints(await capture.collect(1), [removal(row)]);
  });

  it('untrash: restored as a draft (WordPress ≥ 5.6) sends nothing; restored to its previous status, an upsert', async () => {
    const asDraft = await site.trash(items['Tienda untrash-draft']?.id ?? 0);
    expectHints(await capture.collect(1), [removal(asDraft)]);
    const draft = await site.untrash(asDraft.id);
    expect(draft.status).toBe('draft');
    expect(await capture.collect(0)).toEqual([]);

    const restored = await site.trash(items['Tienda untrash-restore']?.id ?? 0);
    expectHints(await capture.collect(1), [removal(restored)]);
    const back = await site.untrash(restored.id, { restorePreviousStatus: true });
    expect(back.status).toBe('publish');
    expectHints(await capture.collect(1), [upsert(back)]);
  });

  it('permanent deletion of a published item sends a delete (modified_gmt null); deleting from the trash sends nothing more', async () => {
    const published = items['Tienda delete'] as PostRow;
    await site.remove(published.id);
    expectHints(await capture.collect(1), [removal(published, null)]);

    const trashed = await site.trash(items['Tienda trash-delete']?.id ?? 0);
    expectHints(await capture.collect(1), [removal(trashed)]);
    await site.remove(trashed.id);
    expect(await capture.collect(0)).toEqual([]);
  });

  it('renaming a term of published watched items sends one "type" hint; a term no item uses sends nothing', async () => {
    await site.renameTerm('categoria_tienda', 'Moda', 'Moda y accesorios');
    expectHints(await capture.collect(1), [{ type: 'stores', id: 0, event: 'type', modified_gmt: null }]);
    await site.renameTerm('tipo_comida', 'Sushi', 'Sushi y ramen');
    expectHints(await capture.collect(1), [{ type: 'restaurant', id: 0, event: 'type', modified_gmt: null }]);
    await site.renameTerm('categoria_tienda', 'Sin uso', 'Todavía sin uso');
    expect(await capture.collect(0)).toEqual([]);
  });

  it('a term removed from a post on its own (wp_remove_object_terms) sends an upsert for the post', async () => {
    const row = await changePost({
      op: 'remove_terms',
      id: items['Tienda Este']?.id,
      taxonomy: 'categoria_tienda',
      names: ['Moda y accesorios'],
    });
    expectHints(await capture.collect(1), [upsert(row)]);
  });

  it('deleting a term of published watched items sends one "type" hint, not one notification per post', async () => {
    await site.deleteTerm('categoria_tienda', 'Hogar');
    expectHints(await capture.collect(1), [{ type: 'stores', id: 0, event: 'type', modified_gmt: null }]);
    await site.deleteTerm('categoria_tienda', 'Todavía sin uso');
    expect(await capture.collect(0)).toEqual([]);
  });

  it('post types that are not watched send nothing', async () => {
    const post = await insertOne({ type: 'post', title: 'Otra noticia' });
    await site.update(items['Noticia del mall']?.id ?? 0, { content: 'Actualizada' });
    await site.trash(post.id);
    expect(await capture.collect(0)).toEqual([]);
  });

  it("the editor's bookkeeping (post lock from the heartbeat) sends nothing", async () => {
    await site.php('plugin.php', { op: 'set_post_lock', id: items['Tienda Norte']?.id });
    expect(await capture.collect(0)).toEqual([]);
  });

  it("a save through the REST API (the block editor's path) sends one upsert", async () => {
    const id = items['Sushi Uno']?.id ?? 0;
    const response = await admin.rest('POST', `/wp/v2/restaurant/${id}`, { title: 'Sushi Uno (renovado)' });
    expect(response.status).toBe(200);
    expectHints(await capture.collect(1), [upsert(await site.get(id))]);
  });

  it('nothing is sent while the endpoint is not set', async () => {
    await options({ wpkb_endpoint: '' });
    await site.update(items['Tienda Norte']?.id ?? 0, { content: 'Sin destino' });
    expect(await capture.collect(0)).toEqual([]);
    await options({ wpkb_endpoint: `${capture.url}/webhook` });
  });

  it('WPKB_ENDPOINT and WPKB_SECRET in wp-config.php win over the options; the page shows them read-only and never the secret', async () => {
    const other = await startCaptureServer();
    try {
      await site.setConfigConstants({ WPKB_ENDPOINT: `${other.url}/webhook`, WPKB_SECRET: OTHER_SECRET });
      const row = await site.update(items['Tienda Norte']?.id ?? 0, { content: 'Con constantes' });
      const requests = await other.collect(1);
      expectHints(requests, [upsert(row)], OTHER_SECRET);
      expect(
        checkWebhookSignature(requests[0]?.headers['x-wpkb-signature'], requests[0]?.body ?? '', SECRET),
      ).toMatchObject({
        valid: false,
        reason: 'signature mismatch',
      });
      expect(await capture.collect(0)).toEqual([]);

      const page = await settingsPage();
      expect(page.status).toBe(200);
      const doc = parseHtml(page.data);
      const names = elements(doc, 'input').map((input) => input.attribs.name);
      expect(names).not.toContain('wpkb_endpoint');
      expect(names).not.toContain('wpkb_secret');
      expect(textOf(doc)).toContain(`${other.url}/webhook`);
      expect(textOf(doc)).toContain('Defined by WPKB_SECRET in wp-config.php');
      expect(textOf(doc)).toContain(`ending in …${OTHER_SECRET.slice(-4)}`);
      expect(page.data).not.toContain(OTHER_SECRET);
      expect(page.data).not.toContain(SECRET);

      const token = await axios.get(`${site.url}/wp-json/wpkb/v1/token`);
      expect(openVisitorToken(token.data.token, OTHER_SECRET).signatureValid).toBe(true);
    } finally {
      await site.setConfigConstants({});
      await other.close();
    }
    await site.update(items['Tienda Norte']?.id ?? 0, { content: 'Sin constantes' });
    expectHints(await capture.collect(1), [upsert(await site.get(items['Tienda Norte']?.id ?? 0))]);
  });
});

describe('settings page', () => {
  it('is for administrators only', async () => {
    const editor = await WpSession.login(site.url, EDITOR.login, EDITOR.password);
    expect((await settingsPage(editor)).status).toBe(403);
    const anonymous = await settingsPage(WpSession.anonymous(site.url));
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toContain('wp-login.php');
  });

  it('shows the stored options, but never the stored secret', async () => {
    const page = await settingsPage();
    expect(page.status).toBe(200);
    expect(page.data).not.toContain(SECRET);
    const doc = parseHtml(page.data);
    const input = (name: string) => elements(doc, 'input').filter((element) => element.attribs.name === name);
    expect(input('wpkb_endpoint')[0]?.attribs.value).toBe(`${capture.url}/webhook`);
    expect(input('wpkb_secret')[0]?.attribs).toMatchObject({ type: 'password', value: '' });
    expect(textOf(doc)).toContain(
      `A secret is stored (${SECRET.length} characters, ending in …${SECRET.slice(-4)})`,
    );
    const checked = input('wpkb_post_types[]')
      .filter((box) => box.attribs.type === 'checkbox' && box.attribs.checked !== undefined)
      .map((box) => box.attribs.value);
    expect(checked.sort()).toEqual([...WATCHED].sort());
    expect(input('wpkb_post_types[]').map((box) => box.attribs.value)).toEqual(
      expect.arrayContaining(['post', 'page']),
    );
    expect(input('wpkb_chat_endpoint')[0]?.attribs.value).toBe(CHAT_ENDPOINT);
  });

  it('saving through options.php checks every value: a bad URL or a short secret is refused (escaped message, old value kept), an empty secret keeps the stored one', async () => {
    const fields = formFields(parseHtml((await settingsPage()).data), 'options.php');
    expect(fields._wpnonce?.[0]).toMatch(/^[0-9a-f]{10}$/);
    const hostile = 'javascript:alert("<b>x</b>")';
    const saved = await admin.post('/wp-admin/options.php', {
      ...fields,
      wpkb_endpoint: hostile,
      wpkb_secret: '',
      'wpkb_post_types[]': ['', 'stores', 'event', 'restaurant', 'page', 'no-such-type'],
      wpkb_chat_endpoint: 'https://chat.example.invalid/v2/chat',
    });
    expect(saved.status).toBe(302);
    expect(
      await options({}, ['wpkb_endpoint', 'wpkb_secret', 'wpkb_post_types', 'wpkb_chat_endpoint']),
    ).toEqual({
      wpkb_endpoint: `${capture.url}/webhook`,
      wpkb_secret: SECRET,
      // Known types only, in WordPress's order of registration.
      wpkb_post_types: ['page', 'event', 'stores', 'restaurant'],
      wpkb_chat_endpoint: 'https://chat.example.invalid/v2/chat',
    });
    const after = await admin.get(saved.headers.location as string);
    const doc = parseHtml(after.data);
    expect(textOf(doc)).toContain(
      `“${hostile}” is not an http:// or https:// address; the previous value is kept.`,
    );
    expect(elements(doc, 'b').map((b) => textOf(b))).not.toContain('x');

    const short = await admin.post('/wp-admin/options.php', { ...fields, wpkb_secret: 'corto' });
    expect(short.status).toBe(302);
    expect(await options({}, ['wpkb_secret'])).toEqual({ wpkb_secret: SECRET });
    expect(textOf(parseHtml((await admin.get(short.headers.location as string)).data))).toContain(
      'Shared secret: use at least 16 characters without spaces; the previous secret is kept.',
    );
    await options({ wpkb_post_types: WATCHED, wpkb_chat_endpoint: CHAT_ENDPOINT });
  });

  it('the test button sends a signed upsert of the newest public item, waits for the answer and shows it', async () => {
    capture.respondWith(202, '{"accepted":true}');
    const fields = formFields(parseHtml((await settingsPage()).data), 'admin-post.php');
    expect(fields.action).toEqual(['wpkb_test_notification']);
    const pressed = await admin.post('/wp-admin/admin-post.php', fields);
    expect(pressed.status).toBe(302);
    expect(pressed.headers.location).toContain('wpkb-test=ok');

    const requests = await capture.collect(1);
    const body = JSON.parse(requests[0]?.body ?? '{}') as Hint;
    const newest = await site.sql(
      `SELECT ID FROM wp_posts WHERE post_type IN ('event','stores','restaurant') AND post_status = 'publish'
       AND post_password = '' AND post_modified = (SELECT MAX(post_modified) FROM wp_posts
       WHERE post_type IN ('event','stores','restaurant') AND post_status = 'publish' AND post_password = '')`,
    );
    expect(newest.map(([id]) => Number(id))).toContain(body.id);
    expectHints(requests, [upsert(await site.get(body.id))]);

    const page = await admin.get(pressed.headers.location as string);
    expect(textOf(parseHtml(page.data))).toContain('Test notification accepted: HTTP 202');
    expect(statusRows(page.data)[0]).toEqual([
      expect.any(String),
      'test button',
      'upsert',
      body.type,
      expect.stringMatching(new RegExp(`^#${body.id} `)),
      'HTTP 202',
    ]);
  });

  it("a refused test shows wpkb's answer as text, never as markup", async () => {
    capture.respondWith(401, '{"error":"<script>alert(1)</script>"}');
    try {
      const fields = formFields(parseHtml((await settingsPage()).data), 'admin-post.php');
      const pressed = await admin.post('/wp-admin/admin-post.php', fields);
      expect(pressed.headers.location).toContain('wpkb-test=failed');
      expect(await capture.collect(1)).toHaveLength(1);
      const page = await admin.get(pressed.headers.location as string);
      const doc = parseHtml(page.data);
      expect(textOf(doc)).toContain(
        'Test notification failed: HTTP 401 {"error":"<script>alert(1)</script>"}',
      );
      expect(elements(doc, 'script').map((script) => textOf(script))).not.toContain('alert(1)');
      expect(statusRows(page.data)[0]?.[5]).toBe('HTTP 401 {"error":"<script>alert(1)</script>"}');
    } finally {
      capture.respondWith(202);
    }
  });

  it('the test action refuses editors, a wrong nonce and visitors, and sends nothing', async () => {
    const fields = formFields(parseHtml((await settingsPage()).data), 'admin-post.php');
    const editor = await WpSession.login(site.url, EDITOR.login, EDITOR.password);
    expect((await editor.post('/wp-admin/admin-post.php', fields)).status).toBe(403);
    expect((await admin.post('/wp-admin/admin-post.php', { ...fields, _wpnonce: '0123456789' })).status).toBe(
      403,
    );
    const anonymous = await WpSession.anonymous(site.url).post('/wp-admin/admin-post.php', fields);
    expect(anonymous.headers.location ?? '').not.toContain('wpkb-test');
    expect(await capture.collect(0)).toEqual([]);
  });

  it('the status list keeps the last 10 notifications, newest first, titles as text', async () => {
    const touched = (await Promise.all(WATCHED.map((type) => site.publishedIds(type)))).flat();
    expect(touched.length).toBeGreaterThanOrEqual(9);
    await site.php('plugin.php', { op: 'touch_many', ids: touched });
    expect(await capture.collect(touched.length)).toHaveLength(touched.length);
    const hostile = await insertOne({ type: 'event', title: '<img src=x onerror=alert(1)>' });
    expect(await capture.collect(1)).toHaveLength(1);

    const page = await settingsPage();
    const rows = statusRows(page.data);
    expect(rows).toHaveLength(10);
    expect(rows[0]?.[4]).toBe(`#${hostile.id} <img src=x onerror=alert(1)>`);
    expect(rows.slice(1).map((row) => Number(/^#(\d+)/.exec(row[4] ?? '')?.[1]))).toEqual(
      touched.slice(-9).reverse(),
    );
    expect(rows.every((row) => row[1] === 'change' && row[5] === 'sent')).toBe(true);
    expect(elements(parseHtml(page.data), 'img').filter((img) => img.attribs.onerror)).toEqual([]);
  });

  it('speaks Spanish to an administrator whose language is Spanish', async () => {
    await site.php('plugin.php', { op: 'set_locale', login: 'admin', locale: 'es_ES' });
    try {
      const doc = parseHtml((await settingsPage()).data);
      const text = textOf(doc);
      expect(text).toContain('Notificaciones de cambios');
      expect(text).toContain('Secreto compartido');
      expect(text).toContain('Últimas notificaciones');
      expect(text).toContain('botón de prueba');
      const buttons = elements(doc, 'input').filter((input) => input.attribs.type === 'submit');
      expect(buttons.map((button) => button.attribs.value)).toContain('Enviar notificación de prueba');
    } finally {
      await site.php('plugin.php', { op: 'set_locale', login: 'admin', locale: '' });
    }
  });
});

describe('visitor token route', () => {
  it('mints a token anyone may fetch: shape, signature (node:crypto), site, 900 s lifetime, no-store', async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await axios.get(`${site.url}/wp-json/wpkb/v1/token`);
    const after = Math.floor(Date.now() / 1000);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(Object.keys(response.data)).toEqual(['token', 'expiresAt']);
    const { token, expiresAt } = response.data as { token: string; expiresAt: number };
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const opened = openVisitorToken(token, SECRET);
    expect(opened.signatureValid).toBe(true);
    expect(openVisitorToken(token, OTHER_SECRET).signatureValid).toBe(false);
    expect(Object.keys(opened.payload)).toEqual(['site', 'iat', 'exp']);
    expect(opened.payload.site).toBe(site.url);
    expect(opened.payload.iat).toBeGreaterThanOrEqual(before);
    expect(opened.payload.iat).toBeLessThanOrEqual(after);
    expect(opened.payload.exp - opened.payload.iat).toBe(900);
    expect(expiresAt).toBe(opened.payload.exp);
    // A token whose payload was altered no longer verifies.
    const [, payload = '', signature = ''] = token.split('.');
    const forged = Buffer.from(
      opened.json.replace(/"exp":\d+/, `"exp":${opened.payload.exp + 3600}`),
    ).toString('base64url');
    expect(forged).not.toBe(payload);
    expect(openVisitorToken(`v1.${forged}.${signature}`, SECRET).signatureValid).toBe(false);
  });

  it('binds the token to the site as WordPress names it (plain permalinks: ?rest_route=)', async () => {
    const response = await axios.get(`${site.plainUrl}/?rest_route=/wpkb/v1/token`);
    expect(response.headers['cache-control']).toBe('no-store');
    const opened = openVisitorToken(response.data.token, SECRET);
    expect(opened).toMatchObject({ signatureValid: true, payload: { site: site.plainUrl } });
  });

  it('refuses with a clear error while no secret is configured', async () => {
    await options({ wpkb_secret: null });
    try {
      const response = await axios.get(`${site.url}/wp-json/wpkb/v1/token`, { validateStatus: () => true });
      expect(response.status).toBe(503);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.data).toMatchObject({ code: 'wpkb_not_configured', data: { status: 503 } });
      expect(response.data.message).toMatch(/no shared secret/);
      expect(response.data.token).toBeUndefined();
    } finally {
      await options({ wpkb_secret: SECRET });
    }
  });
});

describe('chat widget', () => {
  const tokenUrl = () => `${site.url}/wp-json/wpkb/v1/token`;
  const scriptPrefix = () => `${site.url}/wp-content/plugins/wpkb-connector/assets/wpkb-chat.js?ver=`;
  const widgetScripts = (html: string) =>
    elements(parseHtml(html), 'script').filter((script) =>
      (script.attribs.src ?? '').startsWith(scriptPrefix()),
    );

  it('[wpkb_chat] renders the element with escaped, checked attributes and enqueues the script once, in the footer', async () => {
    const page = await insertOne({
      type: 'page',
      title: 'Asistente',
      slug: 'asistente',
      content:
        '[wpkb_chat]\n\n[wpkb_chat mode="bubble" lang="en-GB"]\n\n[wpkb_chat mode="sideways" lang="<b>"]\n\n[wpkb_chat mode="bubble"]',
    });
    const html = await visit(`/?page_id=${page.id}`);
    expect(chatElements(html)).toEqual([
      { endpoint: CHAT_ENDPOINT, 'token-url': tokenUrl(), mode: 'inline', lang: 'en' },
      { endpoint: CHAT_ENDPOINT, 'token-url': tokenUrl(), mode: 'bubble', lang: 'en-GB' },
      { endpoint: CHAT_ENDPOINT, 'token-url': tokenUrl(), mode: 'inline', lang: 'en' },
      // A second bubble on the same page is left out.
    ]);
    expect(widgetScripts(html)).toHaveLength(1);
    expect(html.indexOf(scriptPrefix())).toBeGreaterThan(html.lastIndexOf('</wpkb-chat>'));
  });

  it('the "wpkb chat" block is rendered on the server, invalid attributes falling back to the defaults', async () => {
    const post = await insertOne({
      type: 'page',
      title: 'Bloque',
      content:
        '<!-- wp:wpkb/chat {"mode":"bubble","lang":"es"} /-->\n<!-- wp:wpkb/chat {"mode":"<script>"} /-->',
    });
    const html = await visit(`/?page_id=${post.id}`);
    const wrappers = elements(parseHtml(html), 'div').filter((div) =>
      (div.attribs.class ?? '').split(/\s+/).includes('wp-block-wpkb-chat'),
    );
    expect(wrappers).toHaveLength(2);
    expect(chatElements(html)).toEqual([
      { endpoint: CHAT_ENDPOINT, 'token-url': tokenUrl(), mode: 'bubble', lang: 'es' },
      { endpoint: CHAT_ENDPOINT, 'token-url': tokenUrl(), mode: 'inline', lang: 'en' },
    ]);
    expect(widgetScripts(html)).toHaveLength(1);
  });

  it('the block is registered from block.json, and its editor script is served', async () => {
    const response = await admin.rest('GET', '/wp/v2/block-types/wpkb/chat');
    expect(response.status).toBe(200);
    const block = JSON.parse(response.data) as {
      name: string;
      is_dynamic: boolean;
      attributes: Record<string, { enum?: string[]; default?: string }>;
      editor_script: string;
    };
    expect(block).toMatchObject({
      name: 'wpkb/chat',
      is_dynamic: true,
      editor_script: 'wpkb-chat-editor-script',
    });
    expect(block.attributes.mode).toMatchObject({ enum: ['inline', 'bubble'], default: 'inline' });
    const served = await axios.get(`${site.url}/wp-content/plugins/wpkb-connector/blocks/chat/index.js`, {
      responseType: 'text',
    });
    expect(served.data).toBe(await readFile(join(PLUGIN_DIR, 'blocks/chat/index.js'), 'utf8'));
  });

  it('the floating bubble option puts one bubble on every page', async () => {
    expect(chatElements(await visit('/'))).toEqual([]);
    await options({ wpkb_chat_bubble: true });
    try {
      const home = await visit('/');
      expect(chatElements(home)).toEqual([
        { endpoint: CHAT_ENDPOINT, 'token-url': tokenUrl(), mode: 'bubble', lang: 'en' },
      ]);
      expect(widgetScripts(home)).toHaveLength(1);
      // The page already has a bubble from its shortcode: still one.
      const assistant = chatElements(await visit('/asistente/'));
      expect(assistant.filter((element) => element.mode === 'bubble')).toHaveLength(1);
    } finally {
      await options({ wpkb_chat_bubble: false });
    }
  });

  it('without a chat endpoint visitors get no widget and administrators a hint', async () => {
    await options({ wpkb_chat_endpoint: '' });
    try {
      const html = await visit('/asistente/');
      expect(chatElements(html)).toEqual([]);
      expect(widgetScripts(html)).toEqual([]);
      const asAdmin = await admin.get('/asistente/');
      expect(textOf(parseHtml(asAdmin.data))).toContain('wpkb chat: set the chat endpoint URL');
    } finally {
      await options({ wpkb_chat_endpoint: CHAT_ENDPOINT });
    }
  });

  const widget = join(PLUGIN_DIR, 'assets', 'wpkb-chat.js');
  it.runIf(existsSync(widget))('the enqueued widget script is served from the plugin', async () => {
    const [script] = widgetScripts(await visit('/asistente/'));
    const served = await axios.get(script?.attribs.src ?? '', { responseType: 'text' });
    expect(served.data).toBe(await readFile(widget, 'utf8'));
  });
});
