/**
 * Extraction benchmark (`npm run bench`): the project's WordPress client (bounded concurrency after
 * page 1) against a plain sequential page loop, over the same types of the demo site, in one run.
 *
 *   npm run bench -- --scale 15 --latency 100 --concurrency 4
 *
 * Both read the same URLs (per_page, orderby, _fields as the client sends them). The headline
 * `speed-up` is the sequential loop over every type against the client used as the pipeline uses it
 * (every type at once through one client, whose limiter keeps `concurrency` requests in flight
 * overall); the per-type table shows each type read alone. Discovery is done once before timing and
 * reported apart. The
 * demo site runs in a child process (a remote site has its own CPU) on 127.0.0.1 and adds `latency`
 * ms to every request. Exit code 1 when the two reads disagree on the items.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import axios from 'axios';
import Table from 'cli-table3';
import { loadConfig } from '../../functions/core/shared/config/load.js';
import type { ResolvedContentType } from '../../functions/core/shared/config/schema.js';
import { wordpressSchema } from '../../functions/core/shared/config/schema.js';
import { silentLog } from '../../functions/core/shared/logger.js';
import { createWordPressClient, restFieldsFor } from '../../functions/core/wordpress/client.js';
import { instantBench } from './instant.js';
import { localKbBench } from './local-kb.js';
import type { SiteReady, SiteStats } from './site-process.js';
import { widgetSize, widgetSizeLine } from './widget-size.js';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '15' },
    latency: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '4' },
  },
});
const scale = Number(args.scale);
const latencyMs = Number(args.latency);
const concurrency = Number(args.concurrency);

interface SequentialResult {
  ids: number[];
  pages: number;
  durationMs: number;
}

/** The naive way: page 1, 2, … one request at a time until X-WP-TotalPages. */
async function sequential(
  siteUrl: string,
  type: ResolvedContentType,
  perPage: number,
): Promise<SequentialResult> {
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

const ms = (value: number): string => Math.round(value).toLocaleString('en-US');
const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}×`;
/** Fewest latency rounds for `pages` pages when page 1 must come first and `c` go at once after it. */
const rounds = (pages: number, c: number): number => (pages <= 1 ? pages : 1 + Math.ceil((pages - 1) / c));
const sameIds = (a: readonly number[], b: readonly number[]): boolean => {
  const set = new Set(a);
  return a.length === b.length && set.size === a.length && b.every((id) => set.has(id));
};

/** Next message of a kind from the site process. */
async function message<T extends { kind: string }>(child: ChildProcess, kind: T['kind']): Promise<T> {
  for (;;) {
    const [value] = (await once(child, 'message')) as [T];
    if (value.kind === kind) return value;
  }
}

async function startSite(): Promise<{ child: ChildProcess; ready: SiteReady }> {
  const script = fileURLToPath(new URL('./site-process.ts', import.meta.url));
  // fork passes process.execArgv on, tsx's loader included, so the child runs TypeScript too.
  const child = fork(script, [String(scale), String(latencyMs)], { stdio: 'inherit' });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`demo site process exited (code ${String(code)}) before it was ready`);
  });
  const ready = await Promise.race([message<SiteReady>(child, 'ready'), exited]);
  exited.catch(() => {});
  return { child, ready };
}

/** The extraction headline, printed last so the run ends with it. */
let speedUpLine = '';

async function main(): Promise<number> {
  const { child, ready } = await startSite();
  const siteUrl = ready.url;
  try {
    const config = loadConfig({ overrides: { site: { url: siteUrl } } });
    const wordpress = wordpressSchema.parse({ concurrency });
    const client = createWordPressClient({ ...wordpress, siteUrl }, { log: silentLog });

    const discoveryStarted = performance.now();
    const types = (await client.resolveTypes(config.contentTypes)).map((resolution) => resolution.type);
    const discoveryMs = performance.now() - discoveryStarted;
    const stored = types.map((t) => `${t.restBase} ${ready.stored[t.restBase] ?? 0}`).join(', ');
    console.log(
      `demo site ${siteUrl} in its own process: scale ${scale} (${stored} stored, non-public included; ` +
        `generated in ${ms(ready.generationMs)} ms), latency ${latencyMs} ms/request, ` +
        `per_page ${wordpress.perPage}, client concurrency ${wordpress.concurrency}`,
    );

    const table = new Table({
      head: ['type', 'items', 'pages', 'sequential ms', 'client ms', 'speed-up', 'ideal'],
      colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    });
    let sequentialTotal = 0;
    let clientTotal = 0;
    let sequentialRounds = 0;
    let clientRounds = 0;
    let mismatch = false;
    for (const type of types) {
      const seq = await sequential(siteUrl, type, wordpress.perPage);
      const fetched = await client.fetchAll(type);
      if (
        !sameIds(
          seq.ids,
          fetched.items.map((i) => i.id),
        ) ||
        fetched.total !== seq.ids.length
      ) {
        mismatch = true;
        console.error(
          `${type.name}: the reads differ: sequential ${seq.ids.length} items, client ${fetched.total}`,
        );
      }
      sequentialTotal += seq.durationMs;
      clientTotal += fetched.durationMs;
      sequentialRounds += seq.pages;
      clientRounds += rounds(fetched.pages, wordpress.concurrency);
      table.push([
        type.name,
        fetched.total,
        fetched.pages,
        ms(seq.durationMs),
        ms(fetched.durationMs),
        ratio(seq.durationMs, fetched.durationMs),
        ratio(seq.pages, rounds(fetched.pages, wordpress.concurrency)),
      ]);
    }
    table.push([
      'total',
      '',
      '',
      ms(sequentialTotal),
      ms(clientTotal),
      ratio(sequentialTotal, clientTotal),
      ratio(sequentialRounds, clientRounds),
    ]);
    console.log(table.toString());
    console.log(
      `ideal = latency rounds sequential / client (page 1 first, then ${wordpress.concurrency} at a time); ` +
        `discovery ${ms(discoveryMs)} ms, once, not in the table`,
    );

    // The same client reading every type at once: its one limiter keeps the site at `concurrency`.
    const together = createWordPressClient({ ...wordpress, siteUrl }, { log: silentLog });
    await together.discover();
    const togetherStarted = performance.now();
    const all = await Promise.all(types.map((t) => together.fetchAll(t)));
    const togetherMs = performance.now() - togetherStarted;
    const togetherItems = all.reduce((n, r) => n + r.total, 0);
    if (togetherItems !== all.reduce((n, r) => n + new Set(r.items.map((i) => i.id)).size, 0))
      mismatch = true;
    console.log(
      `as the pipeline reads: every type at once through one client (${wordpress.concurrency} in flight overall): ` +
        `${ms(togetherMs)} ms for ${togetherItems} items, sequential ${ms(sequentialTotal)} ms`,
    );

    child.send('stats');
    const stats = await message<SiteStats>(child, 'stats');
    const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;
    console.log(
      `memory peak (maxRSS): ${mb(process.resourceUsage().maxRSS)} benchmark process, ` +
        `${mb(stats.maxRssKb)} demo site process; requests served: ${stats.requests}`,
    );
    speedUpLine = `speed-up: ${(sequentialTotal / togetherMs).toFixed(1)}×`;
    return mismatch ? 1 : 0;
  } finally {
    child.send('close');
    if (child.exitCode === null) await once(child, 'exit');
  }
}

main().then(
  async (code) => {
    process.exitCode = code;
    await localKbBench().catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
    await instantBench()
      .then((lines) => console.log(`\n${lines.join('\n')}`))
      .catch((error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      });
    console.log(`\n${widgetSizeLine(await widgetSize())}`);
    console.log(`\n${speedUpLine}`);
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
