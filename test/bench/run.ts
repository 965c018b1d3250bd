import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { loadConfig } from '../../functions/core/shared/config/load.js';
import { wordpressSchema } from '../../functions/core/shared/config/schema.js';
import { silentLog } from '../../functions/core/shared/logger.js';
import { createWordPressClient } from '../../functions/core/wordpress/client.js';
import { instantBench } from './instant.js';
import { localKbBench } from './local-kb.js';
import {
  endToEndBench,
  memoryBench,
  sequentialPages,
  startSiteProcess,
  unchangedNightBench,
} from './scale.js';
import { widgetSize, widgetSizeLine } from './widget-size.js';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '15' },
    latency: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '4' },
    /** Also measure memory at 100,000 stores (a few minutes more). */
    big: { type: 'boolean', default: false },
  },
});
const scale = Number(args.scale);
const latencyMs = Number(args.latency);
const concurrency = Number(args.concurrency);

const ms = (value: number): string => Math.round(value).toLocaleString('en-US');
const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}×`;
/** Fewest latency rounds for `pages` pages when page 1 must come first and `c` go at once after it. */
const rounds = (pages: number, c: number): number => (pages <= 1 ? pages : 1 + Math.ceil((pages - 1) / c));
const sameIds = (a: readonly number[], b: readonly number[]): boolean => {
  const set = new Set(a);
  return a.length === b.length && set.size === a.length && b.every((id) => set.has(id));
};

/** The extraction headline, printed last so the run ends with it. */
let speedUpLine = '';

async function main(): Promise<number> {
  const site = await startSiteProcess(scale, latencyMs);
  const { ready } = site;
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
      const seq = await sequentialPages(siteUrl, type, wordpress.perPage);
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

    const stats = await site.stats();
    const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;
    console.log(
      `memory peak (maxRSS): ${mb(process.resourceUsage().maxRSS)} benchmark process, ` +
        `${mb(stats.maxRssKb)} demo site process; requests served: ${stats.requests}`,
    );
    speedUpLine = `speed-up: ${(sequentialTotal / togetherMs).toFixed(1)}×`;
    return mismatch ? 1 : 0;
  } finally {
    await site.close();
  }
}

main().then(
  async (code) => {
    process.exitCode = code;
    await localKbBench().catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
    console.log(`\n${widgetSizeLine(await widgetSize())}`);
    await instantBench()
      .then((lines) => console.log(`\n${lines.join('\n')}`))
      .catch((error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      });
    let endToEnd: string[] = [];
    try {
      await memoryBench(args.big ? [5000, 30000, 100_000] : [5000, 30000]);
      await unchangedNightBench();
      endToEnd = await endToEndBench();
    } catch (error) {
      console.error(error);
      process.exitCode = 1;
    }
    console.log(`\n${speedUpLine}`);
    for (const line of endToEnd) console.log(line);
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
