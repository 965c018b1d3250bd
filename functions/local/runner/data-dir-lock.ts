import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { WpkbError } from '../../core/shared/errors.js';

/** The lock file in a data directory while a local run uses it. */
export const LOCK_FILE = '.wpkb-run.lock';

/** A local run never takes this long: a lock older than this is stale even if its pid is alive (reused). */
export const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

/** A lock file that cannot be read as a holder (being written, or garbage) is stale after this long. */
const UNREADABLE_STALE_MS = 60 * 1000;

/** Another run holds the data directory (or took it while this one was recovering a stale lock). */
export class DataDirLockedError extends WpkbError {
  override readonly name = 'DataDirLockedError';
}

/** What the lock file says about its holder. */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export interface DataDirLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Removes the lock file, if it is still this run's. */
  release(): Promise<void>;
}

export interface LockOptions {
  /** What the lock file names as the holder's command (`wpkb run`). */
  command: string;
  /** Told when a stale lock was recovered, with why it was stale. */
  onStale?: (message: string) => void;
  /** For tests: this process's pid and host, the clock, and how a pid is checked. */
  pid?: number;
  host?: string;
  now?: () => Date;
  isAlive?: (pid: number) => boolean;
  staleAfterMs?: number;
}

/** Whether a process with this pid exists on this machine (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const code = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (
      Number.isInteger(value.pid) &&
      typeof value.host === 'string' &&
      typeof value.startedAt === 'string' &&
      !Number.isNaN(Date.parse(value.startedAt))
    ) {
      return {
        pid: value.pid as number,
        host: value.host,
        startedAt: value.startedAt,
        command: String(value.command ?? 'wpkb'),
      };
    }
  } catch {}
  return undefined;
}

/**
 * One local run per data directory: creates `<dataDir>/.wpkb-run.lock` exclusively (O_EXCL) with the
 * holder's pid, host, start time and command. A second run is refused with one line naming the holder.
 * A stale lock — its process is gone (same host), it is older than 6 hours, or it is unreadable for a
 * minute — is recovered: moved aside, checked to be the very lock judged stale (another run may have
 * recovered it and taken the directory meanwhile), deleted, and the lock taken again.
 */
export async function lockDataDir(dataDir: string, options: LockOptions): Promise<DataDirLock> {
  const pid = options.pid ?? process.pid;
  const host = options.host ?? hostname();
  const now = options.now ?? (() => new Date());
  const isAlive = options.isAlive ?? processAlive;
  const staleAfterMs = options.staleAfterMs ?? STALE_AFTER_MS;
  const file = path.join(path.resolve(dataDir), LOCK_FILE);
  const directory = path.dirname(file);
  await mkdir(directory, { recursive: true });

  const holder: LockHolder = { pid, host, startedAt: now().toISOString(), command: options.command };
  const text = `${JSON.stringify(holder)}\n`;
  const release = async () => {
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current === text) await unlink(file).catch(() => {});
  };

  for (let attempt = 1; attempt <= 3; attempt++) {
    if (await createExclusive(file, text)) return { file, holder, release };

    const found = await readFile(file, 'utf8').catch((error: unknown) => {
      if (code(error) === 'ENOENT') return undefined;
      throw new WpkbError(`data directory ${directory}: cannot read ${LOCK_FILE}: ${String(error)}`, {
        cause: error,
      });
    });
    if (found === undefined) continue; // released in between: try again
    const other = parseHolder(found);
    const stale = other
      ? staleReason(other, { host, now: now(), isAlive, staleAfterMs })
      : await unreadableStale(file, now());
    if (stale === undefined) {
      throw new DataDirLockedError(
        other
          ? `data directory ${directory} is in use by another ${other.command} (pid ${other.pid} on ${other.host}, started ${other.startedAt}); wait for it to finish, or delete ${file} if that run is gone`
          : `data directory ${directory} is being locked by another wpkb run (${file} is being written); try again in a minute`,
      );
    }
    if (await breakStaleLock(file, found, pid)) {
      options.onStale?.(`recovered a stale lock on ${directory}: ${stale}`);
    }
  }
  throw new DataDirLockedError(
    `data directory ${directory}: another wpkb run keeps taking ${LOCK_FILE}; try again when it is done`,
  );
}

/** Creates the lock file with `text` unless it exists; false when it does. */
async function createExclusive(file: string, text: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'wx');
  } catch (error) {
    if (code(error) === 'EEXIST') return false;
    throw new WpkbError(
      `data directory ${path.dirname(file)}: cannot create ${LOCK_FILE}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  try {
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
  return true;
}

function staleReason(
  other: LockHolder,
  here: { host: string; now: Date; isAlive: (pid: number) => boolean; staleAfterMs: number },
): string | undefined {
  const label = `pid ${other.pid} on ${other.host}, started ${other.startedAt}`;
  if (other.host === here.host && !here.isAlive(other.pid)) return `its process is gone (${label})`;
  const age = here.now.getTime() - Date.parse(other.startedAt);
  if (age > here.staleAfterMs) {
    return `it is older than ${Math.round(here.staleAfterMs / 3_600_000)} hours (${label})`;
  }
  return undefined;
}

async function unreadableStale(file: string, now: Date): Promise<string | undefined> {
  const info = await stat(file).catch(() => undefined);
  if (!info) return 'it was removed';
  return now.getTime() - info.mtimeMs > UNREADABLE_STALE_MS
    ? `it is unreadable and older than a minute (${file})`
    : undefined;
}

/**
 * Moves the stale lock aside and deletes it, unless what moved is not the lock judged stale (another
 * run recovered it and locked the directory in between): that lock is put back and the caller loops,
 * finding it held. True when a stale lock was removed.
 */
async function breakStaleLock(file: string, judged: string, pid: number): Promise<boolean> {
  const aside = `${file}.stale-${pid}-${Date.now()}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if (code(error) === 'ENOENT') return false;
    throw error;
  }
  const moved = await readFile(aside, 'utf8');
  if (moved === judged) {
    await unlink(aside);
    return true;
  }
  // Not ours to break: restore it unless yet another run locked the directory meanwhile.
  await createExclusive(file, moved);
  await unlink(aside);
  return false;
}
