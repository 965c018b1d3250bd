import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRAND_BLOCK } from '../../../functions/local/demo-site/data/vocabulary.js';
import { type DemoSiteServer, startDemoSite } from '../../../functions/local/demo-site/server.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');

/** `npm start -- …` as a user types it: the CLI in its own process. */
async function wpkb(...args: string[]) {
  return wpkbWith({}, ...args);
}

async function wpkbWith(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'bin/wpkb.ts', 'run', ...args],
      {
        cwd: root,
        env: { ...process.env, NO_COLOR: '1', ...env },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function files(dir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, file), (await stat(file)).mtimeMs);
  }
  return out;
}

describe('wpkb run (the local pipeline CLI)', () => {
  let dataDir: string;
  let site: DemoSiteServer;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'wpkb-cli-'));
    site = await startDemoSite();
  });
  afterAll(async () => {
    await site.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs on a site, prints a summary, writes the report, and rewrites nothing the second time', async () => {
    const first = await wpkb('--wp-url', site.url, '--data-dir', dataDir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/▸ extract\s+stores\s+\d+ items/);
    expect(first.stdout).toMatch(/│ total\s+│/);
    // The reference mall names tags for events; the demo site tags posts only: a warning, not a failure.
    const warning =
      'event: taxonomy "tags" does not classify post type "event" (it classifies: post); documents go without it';
    expect(first.stdout).toContain(`  warning    ${warning}\n`);
    expect(first.stdout).toContain('1 warning: the documents go without what it names');
    const latest = JSON.parse(await readFile(path.join(dataDir, 'runs/latest.json'), 'utf8'));
    expect(latest.status).toBe('succeeded');
    expect(latest.warnings).toEqual([warning]);
    const published = site.site.items.stores?.filter((i) => i.status === 'publish').length;
    expect(latest.types.stores.fetched).toBe(published);
    expect(latest.types.stores.new).toBe(published);
    for (const step of ['extract', 'transform', 'total'])
      expect(latest.durationsMs[step]).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(await readFile(path.join(dataDir, `runs/${latest.runId}.json`), 'utf8'))).toEqual(
      latest,
    );
    // The brand paragraph pasted into other stores' pages is boilerplate: counted, and left out of every
    // store's document but the brand's own.
    const holders = (site.site.items.stores ?? []).filter(
      (i) => i.status === 'publish' && i.content.rendered.includes(BRAND_BLOCK),
    );
    expect(holders.length).toBeGreaterThanOrEqual(0.3 * (published ?? Number.POSITIVE_INFINITY));
    expect(latest.boilerplate.stores).toMatchObject({ enabled: true, paragraphsRemoved: holders.length - 1 });
    expect(latest.boilerplate.stores.blocks).toBeGreaterThanOrEqual(1);
    expect(first.stdout).toMatch(
      new RegExp(`boilerplate left out: .*stores \\d+ blocks? \\(${holders.length - 1} paragraphs\\)`),
    );
    const keeping = [];
    for (const file of (await readdir(path.join(dataDir, 'kb/stores'))).filter((f) => f.endsWith('.csv')))
      if ((await readFile(path.join(dataDir, 'kb/stores', file), 'utf8')).includes('Buscas muebles'))
        keeping.push(file);
    expect(keeping).toEqual([`${holders.find((i) => i.title.rendered === 'B+D')?.id}.csv`]);

    const before = await files(dataDir);
    const second = await wpkb('--wp-url', site.url, '--data-dir', dataDir);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('nothing changed');
    const report = JSON.parse(await readFile(path.join(dataDir, 'runs/latest.json'), 'utf8'));
    for (const counts of Object.values(report.types) as { new: number; changed: number; deleted: number }[]) {
      expect([counts.new, counts.changed, counts.deleted]).toEqual([0, 0, 0]);
    }
    const after = await files(dataDir);
    const rewritten = [...before].filter(([file, mtime]) => after.get(file) !== mtime).map(([file]) => file);
    // The report, and each type's state (it now names this run's raw file); nothing under kb/ or catalog/.
    // (and the local store's MD5 cache, which is not an object of the store).
    expect(rewritten.sort()).toEqual([
      '.wpkb-cache/md5.json',
      'runs/latest.json',
      'state/event.json',
      'state/restaurant.json',
      'state/stores.json',
    ]);
    expect(second.stdout).toMatch(/stores +\d+ items +incremental read: unchanged configuration/);
    const added = [...after.keys()].filter((file) => !before.has(file));
    expect(added.every((file) => file.startsWith('raw/') || file.startsWith('runs/'))).toBe(true);
  }, 60_000);

  it('stops on an unknown configuration key with one line naming it and the closest known key', async () => {
    const misspelt = { WPKB_CONFIG: JSON.stringify({ wordpres: { maxRetries: 1 } }) };
    const result = await wpkbWith(misspelt, '--wp-url', site.url, '--data-dir', dataDir);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'wpkb: failed: config key wordpres: unknown key, did you mean "wordpress"?',
    );
  });

  it('fails with one line naming the URL, exit 1, and leaves kb/ as it was', async () => {
    const before = await files(path.join(dataDir, 'kb'));
    // few, short retries: the retry policy itself is tested in test/unit/wordpress
    const fast = { WPKB_CONFIG: JSON.stringify({ wordpress: { maxRetries: 1, retryBaseMs: 10 } }) };
    const result = await wpkbWith(fast, '--wp-url', 'http://127.0.0.1:9', '--data-dir', dataDir);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^wpkb: failed: .*http:\/\/127\.0\.0\.1:9/);
    expect(await files(path.join(dataDir, 'kb'))).toEqual(before);
    const latest = JSON.parse(await readFile(path.join(dataDir, 'runs/latest.json'), 'utf8'));
    expect(latest.status).toBe('failed');
    expect(latest.error).toContain('127.0.0.1:9');
  }, 60_000);

  it('stops on a type the site does not have, with one line naming it and what the site has', async () => {
    const result = await wpkb('--wp-url', site.url, '--data-dir', dataDir, '--types', 'stores,tiendas');
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `wpkb: failed: WordPress site ${site.url} has no post type with REST base "tiendas" (type tiendas); the site has: posts (post), pages (page), media (attachment), event (event), stores (stores), restaurant (restaurant)`,
    );
  });

  it('refuses a run that would delete too much, unless forced', async () => {
    const stores = site.site.items.stores ?? [];
    const removed = stores.splice(0, Math.ceil(stores.length / 3));
    try {
      const guarded = await wpkb('--wp-url', site.url, '--data-dir', dataDir, '--types', 'stores');
      expect(guarded.code).toBe(1);
      expect(guarded.stderr).toMatch(/deletion guard: stores would delete \d+ of \d+ documents/);
      const forced = await wpkb('--wp-url', site.url, '--data-dir', dataDir, '--types', 'stores', '--force');
      expect(forced.code, forced.stderr).toBe(0);
      const report = JSON.parse(await readFile(path.join(dataDir, 'runs/latest.json'), 'utf8'));
      expect(report.types.stores.deleted).toBe(
        removed.filter((i) => i.status === 'publish' && !i.content.protected).length,
      );
    } finally {
      stores.unshift(...removed);
    }
  }, 60_000);
});
