import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startServeProcess } from '../../browser/harness.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');

async function serveFails(...args: string[]) {
  try {
    await run(process.execPath, ['--import', 'tsx', 'bin/wpkb.ts', 'serve', '--port', '0', ...args], {
      cwd: root,
      env: { ...process.env, WPKB_SECRET: '' },
      timeout: 30_000,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe('wpkb serve (the command)', () => {
  it.each([
    [['--secret', 'short'], 'wpkb serve: --secret: must be at least 16 characters'],
    [['--endpoint', 'ftp://x'], 'wpkb serve: --endpoint: must be an http(s) URL'],
    [['--token-ttl', '99999'], 'wpkb serve: --token-ttl: must be at most 3600'],
    [['--now', 'yesterday'], 'wpkb serve: --now: must be an ISO date-time'],
  ])('%j → one line naming the flag, exit 1', async (args, line) => {
    const { code, stderr } = await serveFails(...args);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringContaining(line)]);
  });

  it('starts without a knowledge base (a warning, /chat says 503 and what to do) and stops on SIGINT', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'wpkb-serve-'));
    const serve = await startServeProcess(['--data-dir', empty]);
    try {
      expect(serve.output()).toContain('warning: no local knowledge base');
      const page = await fetch(`${serve.url}/`);
      expect(page.status).toBe(200);
      const res = await fetch(`${serve.url}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'secreto del visitante' }),
      });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('run npm start');
    } finally {
      expect(await serve.stop('SIGINT')).toBe(0);
      await rm(empty, { recursive: true, force: true });
    }
    expect(serve.output()).toMatch(/\[serve\] POST \/chat 503 \d+ ms no_knowledge_base/);
    expect(serve.output()).not.toContain('secreto del visitante');
    expect(serve.output()).toContain('[serve] SIGINT: stopping');
    expect(serve.output()).toContain('[serve] stopped');
  });
});
