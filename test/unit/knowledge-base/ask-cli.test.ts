import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCdkContext } from '../../../bin/cdk-context.js';
import { transform } from '../../../functions/core/pipeline/transform.js';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import { askLocal } from '../../../functions/local/knowledge-base/ask.js';
import { embedderFromConfig } from '../../../functions/local/knowledge-base/from-config.js';
import { ingestLocalKb } from '../../../functions/local/knowledge-base/ingest.js';
import { createLocalStorage } from '../../../functions/local/storage/directory.js';
import { chunking, config, inputs, site, tempDir } from './helpers.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');

/** `npx wpkb ask …` in its own process, as a user runs it. */
async function ask(...args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'bin/wpkb.ts', 'ask', ...args],
      {
        cwd: root,
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('wpkb ask (CLI)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
    // The real transform writes kb/ into a data directory; the index is built with the embedder the
    // CLI's configuration (cdk.json) names, as `npm start` would.
    const storage = createLocalStorage(dir.dir);
    await transform({ config, storage, inputs: inputs(site()) });
    const cliConfig = loadConfig({ context: readCdkContext(path.join(root, 'cdk.json')) });
    await ingestLocalKb({
      storage,
      dataDir: dir.dir,
      chunking,
      embedder: await embedderFromConfig(cliConfig),
    });
  });
  afterAll(() => dir.remove());

  it('--json prints {"results": [{source_id, content_type, title, url, score, text}]}, best first', async () => {
    const result = await ask('¿Dónde está la Óptica Visión?', '--json', '--k', '3', '--data-dir', dir.dir);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { results: Record<string, unknown>[] };
    expect(Object.keys(json)).toEqual(['results']);
    expect(json.results.length).toBeGreaterThan(0);
    expect(json.results.length).toBeLessThanOrEqual(3);
    for (const r of json.results) {
      expect(Object.keys(r)).toEqual(['source_id', 'content_type', 'title', 'url', 'score', 'text']);
      expect(typeof r.score).toBe('number');
    }
    expect(json.results[0]).toMatchObject({
      source_id: '103',
      content_type: 'stores',
      title: 'Óptica Visión',
    });
    expect(String(json.results[0]?.url)).toMatch(/^https?:\/\//);
    expect(String(json.results[0]?.text)).toContain('Óptica Visión');
    const scores = json.results.map((r) => Number(r.score));
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  }, 30_000);

  it('--type filters by content type; past events are left out unless --include-past (in process)', async () => {
    const cliConfig = loadConfig({ context: readCdkContext(path.join(root, 'cdk.json')) });
    const ids = async (options: { today?: string; includePast?: boolean }) =>
      (
        await askLocal({
          config: cliConfig,
          dataDir: dir.dir,
          question: 'feria navideña o yoga',
          type: 'event',
          ...options,
        })
      ).map((p) => `${p.content_type}/${p.source_id}`);
    // Event 201 runs 15–17 March 2026; event 202 ("Todos los sábados") has no end date: always on.
    expect((await ids({ today: '2026-03-01' })).sort()).toEqual(['event/201', 'event/202']);
    expect(await ids({ today: '2026-04-01' })).toEqual(['event/202']);
    expect((await ids({ includePast: true })).sort()).toEqual(['event/201', 'event/202']);
    await expect(ids({ today: '2026-13-45' })).rejects.toThrow('--today: expected a date like 2026-03-01');
  });

  it('prints readable passages without --json', async () => {
    const result = await ask('zapatería', '--k', '1', '--data-dir', dir.dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^1\. Zapatería Andes {2}\[stores\/102\] {2}score \d\.\d{3}\n/);
  }, 30_000);

  it('says "run npm start first" in one line, exit 1, when there is no index', async () => {
    const result = await ask('hola', '--data-dir', path.join(dir.dir, 'nowhere'));
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^wpkb: no local index at .*: run npm start first$/);
  }, 30_000);
});
