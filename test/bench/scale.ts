/**
 * Scale benchmarks (part of `npm run bench`; alone: `tsx test/bench/scale.ts [--items 5000,30000] [--big]`):
 *
 * - peak memory of extract and of transform for one content type (stores) at several sizes, each in a
 *   fresh process against the demo site in its own process;
 * - an unchanged night on ~5k stores: the incremental run's requests, bytes and time against a full read;
 * - `npm start` end to end on ~5k stores behind 100 ms per request, first run and rerun, against a bare
 *   sequential page loop over the same site, with what this machine's disk cost that minute beside it.
 *
 * Figures only, no timed assertions.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import axios from 'axios';
import Table from 'cli-table3';
import pLimit from 'p-limit';
import { runPipeline } from '../../functions/core/pipeline/run.js';
import { WRITE_CONCURRENCY } from '../../functions/core/pipeline/transform.js';
import { loadConfig } from '../../functions/core/shared/config/load.js';
import type { ResolvedContentType } from '../../functions/core/shared/config/schema.js';
import { silentLog } from '../../functions/core/shared/logger.js';
import { createWordPressClient, restFieldsFor } from '../../functions/core/wordpress/client.js';
import { createLocalStorage } from '../../functions/local/storage/directory.js';
import type { MemoryFigures } from './memory-process.js';
import { scratchDir, scratchEnv } from './scratch.js';
import type { SiteReady, SiteStats } from './site-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Stores per unit of demo-site scale. */
const STORES_PER_SCALE = 180;

const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function message<T extends { kind: string }>(child: ChildProcess, kind: T['kind']): Promise<T> {
  for (;;) {
    const [value] = (await once(child, 'message')) as [T];
    if (value.kind === kind) return value;
  }
}

export interface Site {
  url: string;
  ready: SiteReady;
  stats(): Promise<SiteStats>;
  close(): Promise<void>;
}

/** The demo site in its own process (a remote site has its own CPU). */
export async function startSiteProcess(scale: number, latencyMs: number): Promise<Site> {
  const script = fileURLToPath(new URL('./site-process.ts', import.meta.url));
  const child = fork(script, [String(scale), String(latencyMs)], { stdio: 'inherit' });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`demo site process exited (code ${String(code)}) before it was ready`);
  });
  const ready = await Promise.race([message<SiteReady>(child, 'ready'), exited]);
  exited.catch(() => {});
  return {
    url: ready.url,
    ready,
    stats: async () => {
      child.send('stats');
      return message<SiteStats>(child, 'stats');
    },
    close: async () => {
      if (child.exitCode !== null) return;
      child.send('close');
      await once(child, 'exit');
    },
  };
}

async function measureMemory(siteUrl: string): Promise<MemoryFigures> {
  const script = fileURLToPath(new URL('./memory-process.ts', import.meta.url));
  const child = fork(script, [siteUrl, 'stores'], {
    stdio: 'inherit',
    env: await scratchEnv(),
    execArgv: [...process.execArgv, '--expose-gc'],
  });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`memory benchmark process exited (code ${String(code)}) without figures`);
  });
  const figures = await Promise.race([message<MemoryFigures>(child, 'memory'), exited]);
  exited.catch(() => {});
  if (child.exitCode === null) await once(child, 'exit');
  return figures;
}

/** Peak memory of extract and transform at each number of stores. */
export async function memoryBench(sizes: readonly number[]): Promise<MemoryFigures[]> {
  const table = new Table({
    head: ['stores', 'extract MB', 'MB / 10k', 'extract s', 'transform MB', 'MB / 10k', 'transform s'],
    colAligns: ['right', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  const all: MemoryFigures[] = [];
  let baseline = 0;
  for (const size of sizes) {
    const site = await startSiteProcess(size / STORES_PER_SCALE, 0);
    try {
      const f = await measureMemory(site.url);
      all.push(f);
      baseline = f.baselineMb;
      const per10k = (mb: number) => n((mb / f.items) * 10_000, 1);
      table.push([
        n(f.items),
        n(f.extractPeakMb),
        per10k(f.extractPeakMb),
        n(f.extractMs / 1000, 1),
        n(f.transformPeakMb),
        per10k(f.transformPeakMb),
        n(f.transformMs / 1000, 1),
      ]);
    } finally {
      await site.close();
    }
  }
  console.log(
    `\npeak memory of one content type (stores), each step in a fresh process: RSS peak above the process's ${n(baseline)} MB before the step (Node + modules); demo site in its own process, no latency`,
  );
  console.log(table.toString());
  const largest = all.at(-1);
  if (largest) {
    const total = (peak: number) => n(baseline + peak);
    console.log(
      `largest: ${n(largest.items)} stores — extract ${total(largest.extractPeakMb)} MB, transform ${total(largest.transformPeakMb)} MB with the baseline (target for 100,000: within 1,769 MB)`,
    );
  }
  return all;
}

interface RunFigures {
  requests: number;
  bytes: number;
  ms: number;
  mode: string;
}

/** An unchanged night on ~5k stores: incremental against a full read of the same site. */
export async function unchangedNightBench(stores = 5000): Promise<void> {
  const site = await startSiteProcess(stores / STORES_PER_SCALE, 0);
  const dataDir = await scratchDir('night-');
  try {
    const config = loadConfig({ overrides: { site: { url: site.url } }, types: ['stores'] });
    const storage = createLocalStorage(dataDir);
    const run = async (runId: string, full: boolean): Promise<RunFigures> => {
      const started = performance.now();
      const report = await runPipeline({ config, storage, runId, full, log: silentLog });
      const ms = performance.now() - started;
      const extract = report.extract.stores;
      if (!extract) throw new Error('no extract figures');
      return { requests: extract.requests, bytes: extract.bytes ?? 0, ms, mode: extract.mode ?? '?' };
    };
    await run('first', false);
    const night = await run('night', false);
    const full = await run('full', true);
    const table = new Table({
      head: ['run', 'mode', 'requests', 'KB received', 'time s'],
      colAligns: ['left', 'left', 'right', 'right', 'right'],
    });
    for (const [name, f] of [
      ['unchanged night', night],
      ['full read', full],
    ] as const) {
      table.push([name, f.mode, n(f.requests), n(f.bytes / 1024), n(f.ms / 1000, 2)]);
    }
    console.log(
      `\nan unchanged night on ${n(site.ready.stored.stores ?? 0)} stored stores (whole pipeline: extract + transform, no index)`,
    );
    console.log(table.toString());
    console.log(
      `unchanged night: ${n((night.bytes / full.bytes) * 100, 1)} % of a full read's bytes, ${n((night.requests / full.requests) * 100, 0)} % of its requests, ${n((night.ms / full.ms) * 100, 0)} % of its time (target ≤ 10 % of the bytes)`,
    );
  } finally {
    await site.close();
  }
}

/** The naive way: page 1, 2, … one request at a time until X-WP-TotalPages. */
export async function sequentialPages(siteUrl: string, type: ResolvedContentType, perPage: number) {
  const started = performance.now();
  const ids: number[] = [];
  const fields = restFieldsFor(type).join(',');
  let totalPages = 1;
  for (let page = 1; page <= totalPages; page++) {
    const response = await axios.get<{ id: number }[]>(`${siteUrl}/wp-json/wp/v2/${type.restBase}`, {
      params: { page, per_page: perPage, orderby: 'id', order: 'asc', _fields: fields },
    });
    totalPages = Number(response.headers['x-wp-totalpages']);
    for (const item of response.data) ids.push(item.id);
  }
  return { ids, pages: totalPages, durationMs: performance.now() - started };
}

/** `wpkb run` (what `npm start` runs) in its own process; its wall time. */
async function npmStart(siteUrl: string, dataDir: string): Promise<{ ms: number; output: string }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      path.join(root, 'bin/wpkb.ts'),
      'run',
      '--wp-url',
      siteUrl,
      '--types',
      'stores',
      '--data-dir',
      dataDir,
      '--knowledge-dir',
      path.join(root, 'knowledge'),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`npm start failed (exit ${String(code)}):\n${output}`);
  return { ms: performance.now() - started, output };
}

/**
 * This machine's disk, measured where the first run wrote: the first run's `kb/` files (same count, same
 * sizes) written again into a fresh directory through the local storage adapter, as many at once as
 * transform writes them, with nothing else running. The first run pays at least this; on this VM it varies several
 * times over from one minute to the next, which is why the first run's figure does.
 */
async function diskCheck(dataDir: string): Promise<{ files: number; ms: number; sysMs: number }> {
  const kb = path.join(dataDir, 'kb');
  const entries = await readdir(kb, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
  const sizes = await Promise.all(files.map(async (file) => (await stat(file)).size));
  const storage = createLocalStorage(await scratchDir('disk-'));
  const limit = pLimit(WRITE_CONCURRENCY);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    files.map((file, i) =>
      limit(() =>
        storage.put(
          path.relative(dataDir, file).split(path.sep).join('/'),
          Buffer.alloc(sizes[i] ?? 0, 120),
          {
            atomic: false,
          },
        ),
      ),
    ),
  );
  const ms = performance.now() - started;
  return { files: files.length, ms, sysMs: process.cpuUsage(cpu).system / 1000 };
}

/**
 * `npm start` on ~5k stores behind `latencyMs` per request, first run and rerun, against a bare sequential
 * page loop over the same site. Returns the two headline lines.
 */
export async function endToEndBench(stores = 5041, latencyMs = 100): Promise<string[]> {
  const site = await startSiteProcess(stores / STORES_PER_SCALE, latencyMs);
  const dataDir = await scratchDir('e2e-');
  try {
    const config = loadConfig({ overrides: { site: { url: site.url } }, types: ['stores'] });
    const client = createWordPressClient({ ...config.wordpress, siteUrl: site.url }, { log: silentLog });
    const [resolution] = await client.resolveTypes(config.contentTypes);
    if (!resolution) throw new Error('stores did not resolve');
    const { type } = resolution;
    const loop = await sequentialPages(site.url, type, config.wordpress.perPage);
    const first = await npmStart(site.url, dataDir);
    const disk = await diskCheck(dataDir);
    const rerun = await npmStart(site.url, dataDir);
    const table = new Table({
      head: ['run', 'time s', 'vs the loop'],
      colAligns: ['left', 'right', 'right'],
    });
    table.push(['bare sequential page loop', n(loop.durationMs / 1000, 1), '1.0×']);
    for (const [name, r] of [
      ['npm start, first run', first],
      ['npm start, rerun', rerun],
    ] as const) {
      table.push([name, n(r.ms / 1000, 1), `${(loop.durationMs / r.ms).toFixed(1)}×`]);
    }
    console.log(
      `\nend to end: npm start (its own process: start-up, extract, transform, local index) on ${n(loop.ids.length)} stores, ${latencyMs} ms per request, against a bare sequential loop over the same pages (${loop.pages} pages, the stores only)`,
    );
    console.log(table.toString());
    console.log(
      `  the disk: the first run's ${n(disk.files)} kb/ files written again alone, ${WRITE_CONCURRENCY} at once: ${n(disk.ms / 1000, 1)} s (${n(disk.sysMs / 1000, 1)} s of kernel CPU); the first run pays at least this`,
    );
    const steps = (output: string) =>
      output
        .split('\n')
        .filter((line) => line.startsWith('▸'))
        .map((line) => `    ${line}`)
        .join('\n');
    console.log(`  first run:\n${steps(first.output)}\n  rerun:\n${steps(rerun.output)}`);
    return [
      `end-to-end first: ${(loop.durationMs / first.ms).toFixed(1)}×`,
      `end-to-end rerun: ${(loop.durationMs / rerun.ms).toFixed(1)}×`,
    ];
  } finally {
    await site.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({
    options: {
      items: { type: 'string', default: '5000,30000' },
      big: { type: 'boolean', default: false },
      only: { type: 'string', default: 'memory,night,e2e' },
    },
  });
  const only = values.only.split(',');
  const sizes = values.items.split(',').map(Number);
  if (values.big) sizes.push(100_000);
  if (only.includes('memory')) await memoryBench(sizes);
  if (only.includes('night')) await unchangedNightBench();
  if (only.includes('e2e')) console.log((await endToEndBench()).join('\n'));
}
