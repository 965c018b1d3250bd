import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import { type DemoSiteServer, startDemoSite } from '../../../functions/local/demo-site/server.js';
import { DEMO_QUESTIONS, evalCommand } from '../../../functions/local/eval/command.js';
import { loadQuestionSet } from '../../../functions/local/eval/questions.js';
import { formatEval } from '../../../functions/local/eval/run-eval.js';
import { readIndexFile } from '../../../functions/local/knowledge-base/index-file.js';
import { runLocal } from '../../../functions/local/runner/run-local.js';
import { tempDir } from '../knowledge-base/helpers.js';

const root = path.resolve(import.meta.dirname, '../../..');

/**
 * End to end on the bundled demo site: `npm start`'s runner (extract → transform → local index), then
 * `wpkb eval` with the shipped question set. The figures are printed; the assertions are floors that
 * catch a regression, not the figures themselves.
 */
describe('demo site: npm start, then wpkb eval', () => {
  let site: DemoSiteServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const lines: string[] = [];
  beforeAll(async () => {
    site = await startDemoSite();
    dir = await tempDir();
  });
  afterAll(async () => {
    await site.close();
    await dir.remove();
  });

  it('builds the local knowledge base incrementally and reports it', async () => {
    const run = (print: (line: string) => void) =>
      runLocal({ wpUrl: site.url, dataDir: dir.dir, knowledgeDir: path.join(root, 'knowledge'), print });
    const first = await run((line) => lines.push(line));
    expect(first.ok, first.error).toBe(true);
    const index = first.report?.localIndex;
    expect(index?.filesIndexed).toBeGreaterThan(300);
    expect(index?.chunksAdded).toBeGreaterThanOrEqual(index?.filesIndexed ?? 0);
    expect(lines.join('\n')).toMatch(/▸ index\s+\d+ files indexed, 0 removed/);
    expect(lines.join('\n')).toContain(`local knowledge base: ${index?.chunksAdded} chunks added, 0 removed`);

    const again: string[] = [];
    const second = await run((line) => again.push(line));
    expect(second.report?.localIndex).toMatchObject({
      filesIndexed: 0,
      filesRemoved: 0,
      chunksAdded: 0,
      chunksRemoved: 0,
    });
    expect(again.join('\n')).toContain('local knowledge base: 0 chunks added, 0 removed');
    const latest = JSON.parse(await readFile(path.join(dir.dir, 'runs/latest.json'), 'utf8'));
    expect(latest.localIndex).toMatchObject({ chunksAdded: 0, chunksRemoved: 0, chunks: index?.chunks });
  }, 60_000);

  it('asks the demo question set and prints recall@1/3/5 and MRR', async () => {
    // Every id the set expects (or expects absent) is a document of the demo site: the set has not drifted.
    const manifest = (await readIndexFile(dir.dir))?.manifest;
    const ids = new Set(
      Object.keys(manifest?.files ?? {}).map((key) => path.posix.basename(key).replace(/\.csv$/, '')),
    );
    const set = await loadQuestionSet(DEMO_QUESTIONS);
    for (const q of set.questions)
      for (const id of [...q.expected, ...q.absent]) expect(ids, `${q.id}: ${id}`).toContain(id);

    const report = await evalCommand({ config: loadConfig({}), target: 'local', k: 5, dataDir: dir.dir });
    console.log(formatEval(report));
    expect(report.metrics.questions).toBeGreaterThanOrEqual(40);
    expect(report.violations).toEqual([]); // past events never come back
    expect(report.metrics.recall[5]).toBeGreaterThanOrEqual(0.85);
    expect(report.metrics.mrr).toBeGreaterThanOrEqual(0.75);
    // Names made of short tokens and symbols (B+D, W.O.K, H&M, 7-Eleven, Café 3.0) come first.
    const symbols = report.outcomes.filter((o) => o.tags.includes('symbol'));
    expect(symbols.map((o) => o.question)).toEqual(
      expect.arrayContaining(['Dónde está B+D', 'Dónde está W.O.K']),
    );
    for (const o of symbols) expect(o.rank, o.question).toBe(1);
  }, 30_000);
});
