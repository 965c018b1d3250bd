/**
 * Memory bounded by a page, not by the site: a synthetic type of 5,000 items of ~8 KB of HTML each (about
 * 80 MB of text as JavaScript strings) goes through extract and transform in a process whose heap is
 * capped at 64 MB. The same items handed to transform as one array (the control) do not fit: the cap is
 * what tells the two apart, so the first test cannot pass by accident. No timing is asserted.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./bounded-memory-process.ts', import.meta.url));
const HEAP_MB = 64;
const ITEMS = 5000;

async function run(
  mode: 'stream' | 'hold',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // The child's temp files (data directory, spools) under a directory of ours: a child that runs out of
  // memory cannot clean up after itself.
  const temp = await mkdtemp(path.join(tmpdir(), 'wpkb-bounded-test-'));
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', script, String(ITEMS), mode],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: temp } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  await rm(temp, { recursive: true, force: true });
  return { code, stdout, stderr };
}

describe('a large synthetic type within a capped heap', () => {
  it(`extract and transform ${ITEMS} items of ~8 KB within a ${HEAP_MB} MB heap, one document each`, async () => {
    const [streamed, held] = await Promise.all([run('stream'), run('hold')]);
    expect(streamed.code, streamed.stderr.slice(-2000)).toBe(0);
    const figures = JSON.parse(streamed.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(figures).toMatchObject({ fetched: ITEMS, documents: ITEMS });
    expect(figures.catalogBytes).toBeGreaterThan(ITEMS * 500);
    // The control: every item held at once does not fit in the same heap.
    expect(held.code).not.toBe(0);
    expect(held.stderr).toMatch(/heap out of memory/i);
  }, 240_000);
});
