import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WpkbConfig } from '../../../functions/core/shared/config/schema.js';
import { silentLog } from '../../../functions/core/shared/logger.js';
import { DATA_LOCK_KEY, tryAcquireDataLock } from '../../../functions/core/storage/data-lock.js';
import type { Storage } from '../../../functions/core/storage/port.js';
import { signWebhook } from '../../../functions/core/webhook/signature.js';
import type { DemoSiteServer } from '../../../functions/local/demo-site/server.js';
import { createLocalUpdater, type LocalUpdater } from '../../../functions/local/instant/updater.js';
import {
  chunkingFromConfig,
  embedderFromConfig,
} from '../../../functions/local/knowledge-base/from-config.js';
import { ingestLocalKb } from '../../../functions/local/knowledge-base/ingest.js';
import { openLocalKb } from '../../../functions/local/knowledge-base/retrieve.js';
import { webhookRoutes } from '../../../functions/local/serve/routes/webhook.js';
import { buildServe } from '../../../functions/local/serve/server.js';
import { createLocalStorage } from '../../../functions/local/storage/directory.js';
import { clientFor, nightly, setHours, storeWithHours, useDemoSite } from '../instant/helpers.js';

const SECRET = 'the-site-shared-secret-0123456789';

let server: DemoSiteServer;
let config: WpkbConfig;
useDemoSite((s, c) => {
  server = s;
  config = c;
});

interface Setup {
  dataDir: string;
  storage: Storage;
  updater: LocalUpdater;
  lines: string[];
  app: Awaited<ReturnType<typeof buildServe>>;
}
const setups: Setup[] = [];
afterEach(async () => {
  for (const s of setups.splice(0)) {
    await s.updater.close();
    await rm(s.dataDir, { recursive: true, force: true });
  }
});

/** A data directory after `npm start` (documents + local index), and `wpkb serve`'s webhook on it. */
async function setup(options: { secret?: string; site?: WpkbConfig } = {}): Promise<Setup> {
  const siteConfig = options.site ?? config;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'wpkb-serve-webhook-'));
  const storage = createLocalStorage(dataDir);
  await nightly(config, storage as never);
  const embedder = await embedderFromConfig(config);
  await ingestLocalKb({ storage, dataDir, chunking: chunkingFromConfig(config), embedder });
  const lines: string[] = [];
  const updater = createLocalUpdater({
    config: siteConfig,
    storage,
    client: clientFor(siteConfig),
    log: silentLog,
    now: () => new Date(),
    dataDir,
    chunking: chunkingFromConfig(config),
    embedder,
    print: (line) => lines.push(line),
    owner: 'serve:test',
    retryBaseMs: 1,
    lockRetryMs: 20,
  });
  const app = await buildServe({
    routes: [
      webhookRoutes({
        secret: options.secret === undefined ? SECRET : options.secret || undefined,
        siteUrl: config.site.url,
        contentTypes: config.contentTypes,
        clock: { now: () => new Date() },
        updater,
      }),
    ],
    log: (line) => lines.push(line),
  });
  const s = { dataDir, storage, updater, lines, app };
  setups.push(s);
  return s;
}

const hint = (id: number, over: Record<string, unknown> = {}) =>
  JSON.stringify({ site: config.site.url, type: 'stores', id, event: 'upsert', modified_gmt: null, ...over });
const nowSeconds = () => Math.floor(Date.now() / 1000);
const post = (body: string, signature: string | null = signWebhook(body, SECRET, nowSeconds())) => ({
  method: 'POST' as const,
  url: '/webhook',
  headers: {
    'content-type': 'application/json',
    ...(signature === null ? {} : { 'x-wpkb-signature': signature }),
  },
  payload: body,
});

const answers = async (dataDir: string, question: string) =>
  (await (await openLocalKb(dataDir, await embedderFromConfig(config))).retrieve(question, { k: 3 })).map(
    (p) => p.text,
  );

describe('wpkb serve: POST /webhook', () => {
  it('accepts a signed hint (202), updates the data directory and the local index, and says so in one line', async () => {
    const s = await setup();
    const item = storeWithHours(server.site, 0);
    setHours(item, 'Lunes a domingo de 9:00 a 23:30 horario extendido');
    const response = await s.app.inject(post(hint(item.id)));
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: 'queued' });
    await s.updater.idle();
    expect((await s.storage.get(`kb/stores/${item.id}.csv`))?.toString()).toContain('horario extendido');
    expect((await answers(s.dataDir, 'horario extendido')).join('\n')).toContain('horario extendido');
    const line = s.lines.find((l) => l.startsWith(`update stores/${item.id} (upsert)`));
    expect(line).toMatch(
      /written kb\/stores\/\d+\.csv, catalog updated, index \+\d+\/−\d+ chunks in \d+ ms$/,
    );
    expect(s.lines.some((l) => l.startsWith('POST /webhook 202'))).toBe(true);
  });

  it.each([
    ['unsigned', () => post(hint(1), null), 401],
    ['wrongly signed', () => post(hint(1), signWebhook(hint(1), 'not-the-secret-0123', nowSeconds())), 401],
    [
      'replayed (older than 5 minutes)',
      () => post(hint(1), signWebhook(hint(1), SECRET, nowSeconds() - 301)),
      401,
    ],
    ['oversized', () => post(hint(1, { padding: 'x'.repeat(17_000) })), 413],
    ['for another site', () => post(hint(1, { site: 'https://otro.example.cl' })), 400],
    ['for an unknown type', () => post(hint(1, { type: 'posts' })), 400],
  ])('refuses a request %s, and nothing changes', async (_name, request, status) => {
    const s = await setup();
    const before = await s.storage.list('');
    const response = await s.app.inject(request());
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ error: { code: expect.any(String) } });
    await s.updater.idle();
    expect(await s.storage.list('')).toEqual(before);
    expect(s.lines.join('\n')).not.toContain('padding');
  });

  it('refuses everything without a secret', async () => {
    const s = await setup({ secret: '' });
    expect((await s.app.inject(post(hint(1)))).statusCode).toBe(401);
  });

  it('waits while `npm start` holds the data lock, then applies the hint', async () => {
    const s = await setup();
    const run = await tryAcquireDataLock(s.storage, {
      owner: 'run:run-9',
      purpose: 'transform',
      ttlMs: 60_000,
    });
    if (!run.acquired) throw new Error('lock not taken');
    const item = storeWithHours(server.site, 1);
    setHours(item, 'Horario tras la espera');
    expect((await s.app.inject(post(hint(item.id)))).statusCode).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(
      s.lines.some((l) => l.startsWith('waiting: the data directory is locked by run:run-9 (transform)')),
    ).toBe(true);
    expect((await s.storage.get(`kb/stores/${item.id}.csv`))?.toString()).not.toContain('tras la espera');
    await run.lock.release();
    await s.updater.idle();
    expect((await s.storage.get(`kb/stores/${item.id}.csv`))?.toString()).toContain('tras la espera');
    expect(await s.storage.get(DATA_LOCK_KEY)).toBeUndefined();
  });

  it('reports a hint WordPress cannot answer on one error line after its retries, leaving the store as it was', async () => {
    const down = {
      ...config,
      site: { ...config.site, url: 'http://127.0.0.1:9' },
      wordpress: { ...config.wordpress, maxRetries: 0 },
    };
    const s = await setup({ site: down });
    const before = await s.storage.list('kb/');
    expect((await s.app.inject(post(hint(1)))).statusCode).toBe(202);
    await s.updater.idle();
    expect(s.lines.find((l) => l.startsWith('error: update stores:1 failed after 3 attempts'))).toContain(
      'the next npm start reconciles it',
    );
    expect(await s.storage.list('kb/')).toEqual(before);
  });
});
