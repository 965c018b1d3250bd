/**
 * Peak memory of extract and of transform for one content type, in a fresh process (so the peaks are
 * theirs): a full extract (plan, read batches, assemble) of the type from the site into a temp data
 * directory, then transform of what it stored. RSS is sampled every 10 ms while each step runs; the
 * figure is the step's peak minus the process's RSS before it (the baseline, also reported).
 * Reports to the parent over IPC and exits.
 *
 *   tsx test/bench/memory-process.ts <siteUrl> <type>
 */
import { extractType } from '../../functions/core/pipeline/extract.js';
import { loadExtracted } from '../../functions/core/pipeline/raw.js';
import { transform } from '../../functions/core/pipeline/transform.js';
import { loadConfig } from '../../functions/core/shared/config/load.js';
import { silentLog } from '../../functions/core/shared/logger.js';
import { createWordPressClient } from '../../functions/core/wordpress/client.js';
import { createLocalStorage } from '../../functions/local/storage/directory.js';
import { scratchDir } from './scratch.js';

export interface MemoryFigures {
  kind: 'memory';
  type: string;
  items: number;
  baselineMb: number;
  extractPeakMb: number;
  extractMs: number;
  transformPeakMb: number;
  transformMs: number;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

/** Runs `step` while sampling RSS; its peak above the RSS at the start. */
async function measured<T>(step: () => Promise<T>): Promise<{ value: T; peakMb: number; ms: number }> {
  global.gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const started = performance.now();
  try {
    const value = await step();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peakMb: mb(peak - start), ms: performance.now() - started };
  } finally {
    clearInterval(timer);
  }
}

const [siteUrl, typeName = 'stores'] = process.argv.slice(2);
if (!siteUrl) throw new Error('usage: memory-process.ts <siteUrl> <type>');
const config = loadConfig({ overrides: { site: { url: siteUrl } }, types: [typeName] });
const type = config.contentTypes[0];
if (!type) throw new Error(`no type ${typeName}`);
const dataDir = await scratchDir('memory-');
const storage = createLocalStorage(dataDir);
const client = createWordPressClient({ ...config.wordpress, siteUrl }, { log: silentLog });
const [resolution] = await client.resolveTypes([type]);
if (!resolution) throw new Error(`type ${typeName} did not resolve`);
global.gc?.();
const baselineMb = mb(process.memoryUsage().rss);
const extract = await measured(() =>
  extractType(resolution, 'bench', { client, storage, log: silentLog }, { wordpress: config.wordpress }),
);
const transformed = await measured(async () => {
  const inputs = await loadExtracted(storage, [type], [extract.value]);
  return transform({ config, storage, inputs, log: silentLog });
});
const figures: MemoryFigures = {
  kind: 'memory',
  type: typeName,
  items: extract.value.fetched,
  baselineMb,
  extractPeakMb: extract.peakMb,
  extractMs: extract.ms,
  transformPeakMb: transformed.peakMb,
  transformMs: transformed.ms,
};
if (
  transformed.value.types[typeName]?.new !==
  extract.value.fetched - (transformed.value.types[typeName]?.skipped ?? 0)
)
  throw new Error('transform did not write a document per item');
if (process.send) process.send(figures);
else console.log(figures);
