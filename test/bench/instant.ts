/**
 * Instant-update benchmark (part of `npm run bench`, or alone with `tsx test/bench/instant.ts [--edits 25]`):
 * edit → answerable, locally. The demo site (in this process) and a data directory built by the real
 * pipeline and local ingestion (not timed); `wpkb serve`'s webhook route and local updater on 127.0.0.1.
 * Each edit changes one store's opening hours on the site, then POSTs the signed notification the plugin
 * would send; the clock runs until the local knowledge base returns a passage with the new hours (polled
 * every 10 ms with the retrieval `wpkb ask` uses). Figures only: p50 / p95 / max, target p95 ≤ 2 s.
 */
import { parseArgs } from 'node:util';
import axios from 'axios';
import { runPipeline } from '../../functions/core/pipeline/run.js';
import { loadConfig } from '../../functions/core/shared/config/load.js';
import { silentLog } from '../../functions/core/shared/logger.js';
import { signWebhook } from '../../functions/core/webhook/signature.js';
import { createWordPressClient } from '../../functions/core/wordpress/client.js';
import { startDemoSite } from '../../functions/local/demo-site/server.js';
import type { DemoItem } from '../../functions/local/demo-site/site.js';
import { createLocalUpdater } from '../../functions/local/instant/updater.js';
import { chunkingFromConfig, embedderFromConfig } from '../../functions/local/knowledge-base/from-config.js';
import { ingestLocalKb } from '../../functions/local/knowledge-base/ingest.js';
import { openLocalKb } from '../../functions/local/knowledge-base/retrieve.js';
import { webhookRoutes } from '../../functions/local/serve/routes/webhook.js';
import { startServe } from '../../functions/local/serve/server.js';
import { createLocalStorage } from '../../functions/local/storage/directory.js';
import { scratchDir } from './scratch.js';

const SECRET = 'wpkb-bench-webhook-secret-0123456789';
const WORDS = ['alba', 'brisa', 'cumbre', 'delta', 'estero', 'fiordo', 'glaciar', 'humedal', 'isla', 'junco'];

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

/** A store of the demo site with ACF opening hours to edit. */
function editableStores(items: readonly DemoItem[]): DemoItem[] {
  return items.filter(
    (item) =>
      item.status === 'publish' &&
      !item.content.protected &&
      Array.isArray((item.acf as { informacion_tienda?: unknown[] })?.informacion_tienda),
  );
}

export async function instantBench(edits = 25): Promise<string[]> {
  const site = await startDemoSite();
  const dataDir = await scratchDir('instant-');
  try {
    const config = loadConfig({ overrides: { site: { url: site.url } } });
    const storage = createLocalStorage(dataDir);
    const embedder = await embedderFromConfig(config);
    const chunking = chunkingFromConfig(config);
    await runPipeline({ config, storage });
    await ingestLocalKb({ storage, dataDir, chunking, embedder });

    const updater = createLocalUpdater({
      config,
      storage,
      client: createWordPressClient({ ...config.wordpress, siteUrl: site.url }, { log: silentLog }),
      log: silentLog,
      now: () => new Date(),
      dataDir,
      chunking,
      embedder,
      print: () => {},
      owner: 'serve:bench',
    });
    const serve = await startServe({
      port: 0,
      routes: [
        webhookRoutes({
          secret: SECRET,
          siteUrl: site.url,
          contentTypes: config.contentTypes,
          clock: { now: () => new Date() },
          updater,
        }),
      ],
    });
    const stores = editableStores(site.site.items.stores ?? []);
    const latencies: number[] = [];
    try {
      for (let n = 0; n < edits; n++) {
        const store = stores[n % stores.length] as DemoItem;
        const marker = `${WORDS[n % WORDS.length]}${n}`;
        const info = (store.acf as { informacion_tienda: { info: Record<string, unknown> }[] })
          .informacion_tienda[0];
        if (!info) throw new Error(`store ${store.id} has no info`);
        info.info.schedule = `Horario ${marker}: lunes a domingo de 9:${String(n % 60).padStart(2, '0')} a 22:00`;
        store.modified_gmt = new Date(Date.UTC(2026, 2, 2, 10, 0, n)).toISOString().slice(0, 19);
        const body = JSON.stringify({
          site: site.url,
          type: 'stores',
          id: store.id,
          event: 'upsert',
          modified_gmt: store.modified_gmt,
        });
        const started = performance.now();
        await axios.post(`${serve.url}/webhook`, body, {
          headers: {
            'content-type': 'application/json',
            'x-wpkb-signature': signWebhook(body, SECRET, Math.floor(Date.now() / 1000)),
          },
        });
        for (;;) {
          const kb = await openLocalKb(dataDir, embedder);
          const passages = await kb.retrieve(`horario ${marker}`, { k: 3 });
          if (passages.some((p) => p.text.includes(marker))) break;
          if (performance.now() - started > 30_000) throw new Error(`edit ${n}: not answerable within 30 s`);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        latencies.push(performance.now() - started);
      }
    } finally {
      await serve.close();
      await updater.close();
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const ms = (value: number) => `${Math.round(value)} ms`;
    const p95 = percentile(sorted, 95);
    return [
      `Instant updates (local: demo site, ${sorted.length} edits, one at a time; signed POST /webhook → updater → local index)`,
      `edit → answerable: p50 ${ms(percentile(sorted, 50))}, p95 ${ms(p95)}, max ${ms(sorted.at(-1) ?? Number.NaN)} (target p95 ≤ 2000 ms: ${p95 <= 2000 ? 'met' : 'NOT met'})`,
    ];
  } finally {
    await site.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { edits: { type: 'string', default: '25' } } });
  instantBench(Number(values.edits)).then(
    (lines) => console.log(lines.join('\n')),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
