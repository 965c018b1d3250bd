import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DataDirLockedError,
  LOCK_FILE,
  lockDataDir,
  processAlive,
} from '../../../functions/local/runner/data-dir-lock.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'wpkb-lock-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const lockFile = () => path.join(dataDir, LOCK_FILE);
const holder = (over: Record<string, unknown> = {}) =>
  `${JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: new Date().toISOString(), command: 'wpkb run', ...over })}\n`;

/** The pid of a process that has exited (a real one, not a guess). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined || processAlive(child.pid)) throw new Error('could not get a dead pid');
  return child.pid;
}

describe('lockDataDir', () => {
  it('refuses a second run with one line naming the holder, and lets it in once released', async () => {
    const first = await lockDataDir(dataDir, { command: 'wpkb run' });
    expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toEqual({
      pid: process.pid,
      host: hostname(),
      startedAt: first.holder.startedAt,
      command: 'wpkb run',
    });
    const refused = await lockDataDir(dataDir, { command: 'wpkb run' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DataDirLockedError);
    const message = (refused as Error).message;
    expect(message).toBe(
      `data directory ${dataDir} is in use by another wpkb run (pid ${process.pid} on ${hostname()}, started ${first.holder.startedAt}); wait for it to finish, or delete ${lockFile()} if that run is gone`,
    );
    expect(message).not.toContain('\n');

    await first.release();
    const second = await lockDataDir(dataDir, { command: 'wpkb run' });
    await second.release();
    await expect(readFile(lockFile())).rejects.toThrow(/ENOENT/);
  });

  it('exactly one of many simultaneous runs gets the directory', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        lockDataDir(dataDir, { command: 'wpkb run', pid: 50_000 + i, isAlive: () => true }),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const a of attempts.filter((r) => r.status === 'rejected')) {
      expect((a as PromiseRejectedResult).reason).toBeInstanceOf(DataDirLockedError);
    }
  });

  it('recovers the lock of a process that is gone, and says so', async () => {
    const pid = deadPid();
    await writeFile(lockFile(), holder({ pid }));
    const said: string[] = [];
    const lock = await lockDataDir(dataDir, { command: 'wpkb run', onStale: (m) => said.push(m) });
    expect(lock.holder.pid).toBe(process.pid);
    expect(said).toEqual([
      expect.stringMatching(new RegExp(`stale lock .*its process is gone \\(pid ${pid} on `)),
    ]);
    await lock.release();
  });

  it('recovers a lock older than 6 hours even when its pid is alive (reused), not a younger one', async () => {
    const old = new Date(Date.now() - 7 * 3_600_000).toISOString();
    await writeFile(lockFile(), holder({ startedAt: old }));
    const said: string[] = [];
    const lock = await lockDataDir(dataDir, { command: 'wpkb run', onStale: (m) => said.push(m) });
    expect(said).toEqual([expect.stringContaining('older than 6 hours')]);
    await lock.release();

    await writeFile(lockFile(), holder({ startedAt: new Date(Date.now() - 5 * 3_600_000).toISOString() }));
    await expect(lockDataDir(dataDir, { command: 'wpkb run' })).rejects.toThrow(DataDirLockedError);
  });

  it("does not judge another host's pid: a recent lock from elsewhere (a shared directory) holds", async () => {
    await writeFile(lockFile(), holder({ pid: deadPid(), host: 'another-machine' }));
    await expect(lockDataDir(dataDir, { command: 'wpkb run' })).rejects.toThrow(
      /in use by another wpkb run \(pid \d+ on another-machine/,
    );
  });

  it('waits out a lock file being written, and recovers one that stays unreadable', async () => {
    await writeFile(lockFile(), '{"pid": 12');
    await expect(lockDataDir(dataDir, { command: 'wpkb run' })).rejects.toThrow(/is being written/);
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await utimes(lockFile(), twoMinutesAgo, twoMinutesAgo);
    const lock = await lockDataDir(dataDir, { command: 'wpkb run' });
    await lock.release();
  });

  it('release leaves a lock that is not its own', async () => {
    const lock = await lockDataDir(dataDir, { command: 'wpkb run' });
    const other = holder({ pid: 4242 });
    await writeFile(lockFile(), other);
    await lock.release();
    expect(await readFile(lockFile(), 'utf8')).toBe(other);
  });
});

describe('wpkb run on a locked data directory', () => {
  const root = path.resolve(import.meta.dirname, '../../..');
  const wpkbRun = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bin/wpkb.ts', 'run', ...args], {
        cwd: root,
        env: { ...process.env, NO_COLOR: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += String(c)));
      child.stderr.on('data', (c) => (stderr += String(c)));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('is refused while a live run holds it (nothing written), and recovered once that run is gone', async () => {
    // A live process stands for the other run.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)']);
    try {
      await writeFile(lockFile(), holder({ pid: other.pid }));
      const { startedAt } = JSON.parse(await readFile(lockFile(), 'utf8')) as { startedAt: string };
      const refused = await wpkbRun('--data-dir', dataDir, '--types', 'stores');
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim()).toBe(
        `wpkb: failed: data directory ${dataDir} is in use by another wpkb run (pid ${other.pid} on ${hostname()}, started ${startedAt}); wait for it to finish, or delete ${lockFile()} if that run is gone`,
      );
      await expect(readFile(path.join(dataDir, 'runs', 'latest.json'))).rejects.toThrow(/ENOENT/);
    } finally {
      other.kill();
      await new Promise((resolve) => other.once('exit', resolve));
    }
    const recovered = await wpkbRun('--data-dir', dataDir, '--types', 'stores');
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(recovered.stdout).toContain(`wpkb: recovered a stale lock on ${dataDir}: its process is gone`);
    // Released at the end of the run.
    await expect(readFile(lockFile())).rejects.toThrow(/ENOENT/);
  }, 120_000);
});
