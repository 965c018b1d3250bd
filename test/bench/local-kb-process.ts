/**
 * One local knowledge base measurement in a fresh process (so its memory peak is its own): full
 * ingestion of the data directory's kb/, a no-op re-ingestion, opening the index, and `ask` latency
 * over the demo question set. Reports to the parent over IPC and exits.
 *
 *   tsx test/bench/local-kb-process.ts <dataDir> <rounds>
 */

import { loadConfig } from '../../functions/core/shared/config/load.js';
import { DEMO_QUESTIONS } from '../../functions/local/eval/command.js';
import { loadQuestionSet } from '../../functions/local/eval/questions.js';
import { retrievalFilterFor } from '../../functions/local/knowledge-base/ask.js';
import {
  chunkingFromConfig,
  embedderFromConfig,
  tuningFromConfig,
} from '../../functions/local/knowledge-base/from-config.js';
import { removeIndexFile } from '../../functions/local/knowledge-base/index-file.js';
import { ingestLocalKb } from '../../functions/local/knowledge-base/ingest.js';
import { openLocalKb } from '../../functions/local/knowledge-base/retrieve.js';
import { createLocalStorage } from '../../functions/local/storage/directory.js';

export interface LocalKbFigures {
  kind: 'figures';
  files: number;
  chunks: number;
  ingestMs: number;
  noopMs: number;
  indexBytes: number;
  openMs: number;
  queries: number;
  p50Ms: number;
  p95Ms: number;
  embedder: string;
  maxRssKb: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

async function measure(dataDir: string, rounds: number): Promise<LocalKbFigures> {
  const config = loadConfig({});
  const embedder = await embedderFromConfig(config);
  const storage = createLocalStorage(dataDir);
  const options = { storage, dataDir, chunking: chunkingFromConfig(config), embedder };
  await removeIndexFile(dataDir);
  let started = performance.now();
  const full = await ingestLocalKb(options);
  const ingestMs = performance.now() - started;
  started = performance.now();
  const noop = await ingestLocalKb(options);
  const noopMs = performance.now() - started;
  if (noop.chunksAdded || noop.chunksRemoved) throw new Error('the no-op ingestion changed the index');

  const { stat } = await import('node:fs/promises');
  const { indexFileOf } = await import('../../functions/local/knowledge-base/index-file.js');
  const indexBytes = (await stat(indexFileOf(dataDir))).size;
  started = performance.now();
  const kb = await openLocalKb(dataDir, embedder);
  const openMs = performance.now() - started;

  const set = await loadQuestionSet(DEMO_QUESTIONS);
  const tuning = tuningFromConfig(config);
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const q of set.questions) {
      const filter = retrievalFilterFor(config, {
        today: set.today ?? '2026-03-01',
        ...(q.type ? { type: q.type } : {}),
      });
      const t = performance.now();
      await kb.retrieve(q.question, { k: 5, tuning, ...(filter ? { filter } : {}) });
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  return {
    kind: 'figures',
    files: full.filesIndexed,
    chunks: full.chunks,
    ingestMs,
    noopMs,
    indexBytes,
    openMs,
    queries: times.length,
    p50Ms: percentile(times, 50),
    p95Ms: percentile(times, 95),
    embedder: embedder.id,
    maxRssKb: process.resourceUsage().maxRSS,
  };
}

const [dataDir, rounds = '4'] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: local-kb-process.ts <dataDir> [rounds]');
const figures = await measure(dataDir, Number(rounds));
if (process.send) process.send(figures);
else console.log(figures);
