import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { runLocal } from '../../functions/local/runner/run-local.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CHROMIUM = process.env.WPKB_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, as root in a container: no sandbox, and none of the background
 * networking that a closed network refuses (component updates, sync, first-run pings).
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium (see .ci/run)`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** `npm start`'s pipeline on the bundled demo site into a temporary data directory. */
export async function demoDataDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wpkb-browser-'));
  const outcome = await runLocal({
    dataDir: dir,
    knowledgeDir: path.join(ROOT, 'knowledge'),
    print: () => {},
  });
  if (!outcome.ok) throw new Error(`local pipeline failed: ${outcome.error}`);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface ServeProcess {
  url: string;
  /** Everything it printed so far. */
  output(): string;
  /** A signal (SIGTERM by default), then the exit; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The real CLI, `wpkb serve --port 0 …`, in a child process; resolves once it listens. */
export async function startServeProcess(args: string[]): Promise<ServeProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'bin/wpkb.ts'), 'serve', '--port', '0', ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WPKB_SECRET: '' } },
  );
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    out += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wpkb serve did not start:\n${out}`)), 60_000);
    const check = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`wpkb serve exited:\n${out}`));
    });
  });
  return {
    url,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface FakeEndpoint {
  url: string;
  /** What the next requests get. */
  respond(status: number, body: unknown): void;
  requests: string[];
  close(): Promise<void>;
}

/** A deployed chat endpoint's stand-in, for `wpkb serve --endpoint`: answers whatever it is told to. */
export async function fakeChatEndpoint(): Promise<FakeEndpoint> {
  let next = { status: 200, body: '{}' };
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      requests.push(body);
      res.writeHead(next.status, {
        'content-type': 'application/json',
        ...(next.status === 429 ? { 'retry-after': '5' } : {}),
      });
      res.end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat`,
    respond(status, body) {
      next = { status, body: JSON.stringify(body) };
    },
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
