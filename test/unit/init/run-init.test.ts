import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../../functions/core/pipeline/run.js';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import { createMemoryStorage } from '../../../functions/core/storage/memory.js';
import { generateDemoSite } from '../../../functions/local/demo-site/generate.js';
import { type DemoSiteServer, startDemoSite } from '../../../functions/local/demo-site/server.js';
import { runInit } from '../../../functions/local/init/run-init.js';

const root = path.resolve(import.meta.dirname, '../../..');

let demo: DemoSiteServer;
let dir: string;
beforeAll(async () => {
  demo = await startDemoSite({ site: generateDemoSite({ scale: 0.3, seed: 4 }) });
  dir = await mkdtemp(path.join(tmpdir(), 'wpkb-init-'));
});
afterAll(async () => {
  await demo?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('wpkb init on the demo site', () => {
  it('prints what it found and chose, proposes a valid block, and writes nothing without --write', async () => {
    const file = path.join(dir, 'print-only.json');
    await writeFile(file, await readFile(path.join(root, 'cdk.json')));
    const before = await readFile(file, 'utf8');
    const lines: string[] = [];
    const outcome = await runInit({ wpUrl: demo.url, file, write: false, print: (l) => lines.push(l) });
    expect(outcome.ok, outcome.error).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(before);
    const text = lines.join('\n');
    expect(text).toMatch(/│ event\s+│ event\s+│ \d+\s+│ categoria_evento \(Categorías de evento\)\s+│ yes/);
    expect(text).toMatch(/│ attachment\s+│ media .*│ no: WordPress-internal type/);
    expect(text).toMatch(/│ post\s+│ posts\s+│ 0 .*│ no: no items/);
    expect(text).toContain('acf.informacion_tienda.0.cards.0.data.date');
    expect(text).toContain('nothing written: add --write');
    // Just what differs from the defaults: no labels, no taxonomies (auto), no default text fields.
    const types = outcome.wpkb?.contentTypes as Record<string, unknown>[];
    expect(types.map((t) => t.name)).toEqual(['event', 'stores', 'restaurant']);
    for (const type of types) {
      expect(Object.keys(type).filter((k) => !['name', 'dateField', 'metadata'].includes(k))).toEqual([]);
    }
    expect(types[0]?.dateField).toBe('acf.informacion_tienda.0.cards.0.data.date');
    expect(types[1]?.metadata).toEqual(
      expect.arrayContaining([
        { name: 'level', path: 'acf.informacion_tienda.0.info.level' },
        { name: 'local', path: 'acf.informacion_tienda.0.info.local' },
      ]),
    );
    expect(outcome.wpkb?.environments).toEqual(JSON.parse(before).context.wpkb.environments);
  });

  it('--write: cdk.json gets the block, keeps the rest, and a run with it succeeds', async () => {
    const file = path.join(dir, 'cdk.json');
    const original = await readFile(path.join(root, 'cdk.json'), 'utf8');
    await writeFile(file, original);
    const outcome = await runInit({ wpUrl: demo.url, file, write: true, print: () => {} });
    expect(outcome.ok, outcome.error).toBe(true);
    const written = JSON.parse(await readFile(file, 'utf8'));
    const before = JSON.parse(original);
    expect(written.app).toBe(before.app);
    expect(written.context.wpkb.environments).toEqual(before.context.wpkb.environments);
    expect(written.context.wpkb.contentTypes).toEqual(outcome.wpkb?.contentTypes);

    // What `npm start -- --wp-url URL` does with it: the same configuration, the whole pipeline.
    const config = loadConfig({ context: written.context.wpkb, overrides: { site: { url: demo.url } } });
    const report = await runPipeline({ config, storage: createMemoryStorage(), runId: 'init-1' });
    expect(report.status).toBe('succeeded');
    expect(report.warnings).toEqual([]);
    for (const name of ['event', 'stores', 'restaurant']) {
      expect(report.types[name]?.new, name).toBeGreaterThan(0);
    }
  });

  it('--types: only the named post types, by REST base or slug', async () => {
    const outcome = await runInit({
      wpUrl: demo.url,
      types: ['stores', 'post'],
      file: path.join(dir, 'none.json'),
      write: false,
      print: () => {},
    });
    expect(outcome.ok, outcome.error).toBe(true);
    expect((outcome.wpkb?.contentTypes as { name: string }[] | undefined)?.map((t) => t.name)).toEqual([
      'posts',
      'stores',
    ]);
  });
});

describe('wpkb init on a site that is not WordPress', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html><body>Just a shop</body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('says so in one line and writes nothing', async () => {
    const file = path.join(dir, 'untouched.json');
    await writeFile(file, '{ "app": "x" }\n');
    const printed: string[] = [];
    const outcome = await runInit({ wpUrl: url, file, write: true, print: (l) => printed.push(l) });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(
      /^WordPress discovery: no WordPress REST API at http:\/\/127\.0\.0\.1:\d+: /,
    );
    expect(outcome.error).not.toContain('\n');
    expect(printed).toEqual([]);
    expect(await readFile(file, 'utf8')).toBe('{ "app": "x" }\n');
  });
});
