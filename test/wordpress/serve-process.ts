/**
 * The real CLI as a child process for the instant-update suite: `wpkb run` to fill a data directory and
 * `wpkb serve` left running, its output lines collected. Stopped with SIGTERM (its own shutdown path);
 * an `exit` hook kills it if the test process dies first.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const REPO = join(import.meta.dirname, '..', '..');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');
const WPKB = join(REPO, 'bin', 'wpkb.ts');
const exec = promisify(execFile);

/** The process environment without WPKB_* variables (the tests say what they configure). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('WPKB_')) env[name] = value;
  return { ...env, ...extra };
}

/** `wpkb <args>` to completion; its stdout. Fails with its stderr when it exits non-zero. */
export async function wpkb(args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<string> {
  const { stdout } = await exec(TSX, [WPKB, ...args], {
    cwd: REPO,
    env,
    maxBuffer: 32 * 1024 * 1024,
    timeout: 180_000,
  });
  return stdout;
}

export interface ServeProcess {
  url: string;
  /** Every line printed so far (stdout and stderr). */
  readonly lines: string[];
  /** Resolves with the first line (printed so far or later) that matches, or fails after `timeoutMs`. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  stop(): Promise<number | null>;
}

export async function startServeProcess(args: readonly string[], env = cleanEnv()): Promise<ServeProcess> {
  const child: ChildProcess = spawn(TSX, [WPKB, 'serve', '--port', '0', ...args], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  const take = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n'))
      if (line.trim()) lines.push(line.replace(/^\[serve\] /, ''));
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);

  const waitForLine = (match: (line: string) => boolean, timeoutMs = 30_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = lines.find(match);
        if (found !== undefined) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(
          new Error(
            `wpkb serve: no matching line within ${timeoutMs} ms; last lines: ${lines.slice(-8).join(' | ')}`,
          ),
        );
      }, timeoutMs);
      listeners.add(check);
      check();
    });

  const listening = await waitForLine((line) => line.startsWith('listening on '), 60_000);
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(listening)?.[1];
  if (!url) throw new Error(`wpkb serve: cannot read its address from "${listening}"`);
  return {
    url,
    lines,
    waitForLine,
    async stop() {
      process.removeListener('exit', kill);
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      return exited;
    },
  };
}
