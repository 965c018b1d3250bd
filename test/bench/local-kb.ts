/**
 * Local knowledge base benchmark (run at the end of `npm run bench`, or alone with
 * `tsx test/bench/local-kb.ts [--scales 1,10]`): for the demo site and a 10× synthetic one (the demo
 * site generated at scale 10), builds kb/ with the real pipeline (not timed), then in a fresh process
 * per site measures local ingestion throughput, a no-op re-ingestion, opening the index, `ask` latency
 * (p50/p95 over the demo question set, freshness filter on, in process: embedding + hybrid search) and
 * the process's memory peak. Figures only, no timed assertions.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { runPipeline } from '../../functions/core/pipeline/run.js';
import { loadConfig } from '../../functions/core/shared/config/load.js';
import { startDemoSite } from '../../functions/local/demo-site/server.js';
import { mirrorKnowledgeDir } from '../../functions/local/runner/knowledge.js';
import { createLocalStorage } from '../../functions/local/storage/directory.js';
import type { LocalKbFigures } from './local-kb-process.js';
import { scratchDir } from './scratch.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** kb/ of the demo site at this scale, written by the real pipeline into a new directory. */
async function buildDataDir(scale: number): Promise<string> {
  const dataDir = await scratchDir(`kb-${scale}x-`);
  const site = await startDemoSite({ scale });
  try {
    const storage = createLocalStorage(dataDir);
    await mirrorKnowledgeDir(path.join(root, 'knowledge'), storage);
    await runPipeline({ config: loadConfig({ overrides: { site: { url: site.url } } }), storage });
  } finally {
    await site.close();
  }
  return dataDir;
}

async function measure(dataDir: string, rounds: number): Promise<LocalKbFigures> {
  const script = fileURLToPath(new URL('./local-kb-process.ts', import.meta.url));
  // fork passes process.execArgv on, tsx's loader included.
  const child: ChildProcess = fork(script, [dataDir, String(rounds)], { stdio: 'inherit' });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`local-kb benchmark process exited (code ${String(code)}) without figures`);
  });
  const [figures] = (await Promise.race([once(child, 'message'), exited])) as [LocalKbFigures];
  exited.catch(() => {});
  if (child.exitCode === null) await once(child, 'exit');
  return figures;
}

const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export async function localKbBench(scales: readonly number[] = [1, 10]): Promise<void> {
  const table = new Table({
    head: [
      'site',
      'kb files',
      'chunks',
      'ingest ms',
      'files/s',
      'chunks/s',
      'no-op ms',
      'index MB',
      'open ms',
      'asks',
      'ask p50',
      'ask p95',
      'max RSS',
    ],
    colAligns: ['left', ...Array<'right'>(12).fill('right')],
  });
  let embedder = '';
  for (const scale of scales) {
    const dataDir = await buildDataDir(scale);
    const f = await measure(dataDir, scale === 1 ? 4 : 2);
    embedder = f.embedder;
    table.push([
      scale === 1 ? 'demo' : `${scale}× synthetic`,
      n(f.files),
      n(f.chunks),
      n(f.ingestMs),
      n(f.files / (f.ingestMs / 1000)),
      n(f.chunks / (f.ingestMs / 1000)),
      n(f.noopMs),
      n(f.indexBytes / 1024 / 1024, 1),
      n(f.openMs),
      n(f.queries),
      `${n(f.p50Ms, 1)} ms`,
      `${n(f.p95Ms, 1)} ms`,
      `${n(f.maxRssKb / 1024)} MB`,
    ]);
  }
  console.log(
    `\nlocal knowledge base (${embedder}, chunking as the cloud data source): asks = the demo question set, repeated; each = embed + hybrid search with the freshness filter, in process`,
  );
  console.log(table.toString());
  console.log(
    'ingest = full build from kb/ (read, chunk, embed, index, write); no-op = a second run on unchanged kb/; open = load the index file; max RSS = peak of the measuring process',
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({ options: { scales: { type: 'string', default: '1,10' } } });
  await localKbBench(values.scales.split(',').map(Number));
}
