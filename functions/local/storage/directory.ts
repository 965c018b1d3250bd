import { randomInt } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { createReadStream } from 'node:fs';
import {
  copyFile,
  link,
  lstat,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import writeFileAtomic from 'write-file-atomic';
import { ConditionFailedError, StorageError } from '../../core/shared/errors.js';
import { md5Hex } from '../../core/storage/codec.js';
import { conditionProblem } from '../../core/storage/conditions.js';
import { assertValidKey, assertValidPrefix, compareKeys, keyProblem } from '../../core/storage/keys.js';
import type { Storage, StoredObject } from '../../core/storage/port.js';

/** Where the adapter keeps the MD5s it knows (not an object: list() skips it). */
const CACHE_DIR = '.wpkb-cache';

/** How many files list() reads at once to hash them. */
const READ_CONCURRENCY = 16;

/**
 * A directory with the bucket's key layout: `kb/stores/12.csv` is `<directory>/kb/stores/12.csv`.
 *
 * - put writes atomically (write-file-atomic: a temp file `<name>.<digits>` in the same directory, then
 *   rename), so a crash never leaves a half-written object; parent directories are created.
 * - list walks the directory, reads every matching file to compute its MD5, skips anything that is not
 *   a regular file or not a valid key (temp files left by a crashed write, symlinks, directories).
 * - delete removes the files, then removes parent directories left empty (never the root directory).
 * - keys follow the portable rules of keys.ts; a bad key throws a StorageError naming it.
 * - `contentType` is accepted and ignored (a file has none).
 * - conditional writes: `putIf(…, {ifNoneMatch: '*'})` writes a temp file and hard-links it to the key,
 *   which the file system refuses when the file exists — atomic across processes (the shared lock
 *   relies on it). `putIf(…, {ifMatch})` and `deleteIf` compare the file's MD5 and write/unlink under a
 *   per-key mutex: atomic within this process; across processes the short check-then-write window is
 *   covered by the data lock, which every writer of shared objects holds.
 *
 * Not handled: a key that is also the "directory" of another key (`a` and `a/b`: legal on S3,
 * impossible in a file system) fails the put with a StorageError; on case-insensitive file systems
 * keys differing only in case are the same file.
 */
export function createLocalStorage(directory: string): Storage {
  const root = path.resolve(directory);
  const location = root;
  const fileOf = (key: string) => path.join(root, ...key.split('/'));
  const fail = (action: string, key: string, error: unknown) =>
    new StorageError(`Cannot ${action} ${JSON.stringify(key)} in ${root}: ${describe(error)}`, key, {
      cause: error,
    });

  const read = async (key: string): Promise<Buffer | undefined> => {
    try {
      return await readFile(fileOf(key));
    } catch (error) {
      if (isCode(error, 'ENOENT', 'ENOTDIR', 'EISDIR')) return undefined;
      throw fail('read', key, error);
    }
  };
  const conditionFailed = (key: string, problem: string) =>
    new ConditionFailedError(`Conditional write of ${JSON.stringify(key)} in ${root}: ${problem}`, key);
  const exclusive = keyedMutex();

  async function createExclusive(key: string, bytes: Buffer): Promise<void> {
    const file = fileOf(key);
    // `<name>.<digits>`: a temp name list() never reports (keys.ts reserves it).
    const temp = `${file}.${randomInt(1, 2 ** 31)}`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(temp, bytes, { flag: 'wx' });
      await link(temp, file);
    } catch (error) {
      if (isCode(error, 'EEXIST')) throw conditionFailed(key, 'the object already exists (If-None-Match: *)');
      throw fail('write', key, error);
    } finally {
      await unlink(temp).catch(() => {});
    }
  }

  /**
   * MD5s this adapter computed or wrote, by key, with the file's identity then (inode, size, mtime): a
   * later list() of an untouched file stats it instead of reading it. Kept across runs in
   * `<directory>/.wpkb-cache/md5.json` (a directory list() never walks), so a rerun does not read every
   * document again to learn what it already knew. A file changed behind the adapter's back gets a new
   * mtime (or size, or inode) and is read.
   */
  const hashes = new Map<string, Identity & { md5: string }>();
  let cacheLoaded = false;
  let cacheDirty = false;
  const cacheFile = path.join(root, CACHE_DIR, 'md5.json');
  const loadCache = async () => {
    if (cacheLoaded) return;
    cacheLoaded = true;
    try {
      const json = JSON.parse(await readFile(cacheFile, 'utf8')) as {
        format?: number;
        entries?: Record<string, [number, number, number, string]>;
      };
      if (json.format !== 1 || typeof json.entries !== 'object' || json.entries === null) return;
      for (const [key, [ino, size, mtimeMs, md5]] of Object.entries(json.entries)) {
        if (!hashes.has(key)) hashes.set(key, { ino, size, mtimeMs, md5 });
      }
    } catch {
      // No cache yet, or an unreadable one: files are read.
    }
  };
  const saveCache = async () => {
    if (!cacheDirty) return;
    cacheDirty = false;
    const entries = Object.fromEntries(
      [...hashes].map(([key, h]) => [key, [h.ino, h.size, h.mtimeMs, h.md5]] as const),
    );
    try {
      await mkdir(path.dirname(cacheFile), { recursive: true });
      await writeFileAtomic(cacheFile, JSON.stringify({ format: 1, entries }));
    } catch {
      // Only a cache: the next run reads the files.
    }
  };
  const remember = async (key: string, bytes: Buffer) => {
    cacheDirty = true;
    try {
      hashes.set(key, { md5: md5Hex(bytes), ...identity(await stat(fileOf(key))) });
    } catch {
      hashes.delete(key);
    }
  };
  /** Directories known to exist (a put creates its parent once); cleared when delete() prunes. */
  const made = new Set<string>();
  /** Runs a write of `file` after making its directory; a concurrent delete() may prune it: retry. */
  async function withParent(key: string, file: string, write: () => Promise<unknown>): Promise<void> {
    const dir = path.dirname(file);
    for (let attempt = 1; ; attempt++) {
      try {
        if (!made.has(dir)) {
          await mkdir(dir, { recursive: true });
          made.add(dir);
        }
        await write();
        return;
      } catch (error) {
        made.delete(dir);
        if (attempt < 3 && isCode(error, 'ENOENT')) continue;
        throw fail('write', key, error);
      }
    }
  }

  return {
    location,

    async getTagged(key) {
      assertValidKey(key, location);
      const body = await read(key);
      return body === undefined ? undefined : { body, etag: md5Hex(body) };
    },

    async putIf(key, body, condition) {
      assertValidKey(key, location);
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      return exclusive(key, async () => {
        if ('ifNoneMatch' in condition) {
          await createExclusive(key, bytes);
        } else {
          const current = await read(key);
          const problem = conditionProblem(current && md5Hex(current), condition);
          if (problem) throw conditionFailed(key, problem);
          try {
            await writeFileAtomic(fileOf(key), bytes);
          } catch (error) {
            throw fail('write', key, error);
          }
        }
        await remember(key, bytes);
        return md5Hex(bytes);
      });
    },

    async deleteIf(key, etag) {
      assertValidKey(key, location);
      return exclusive(key, async () => {
        const current = await read(key);
        if (current === undefined || md5Hex(current) !== etag) return false;
        const file = fileOf(key);
        try {
          await unlink(file);
        } catch (error) {
          if (isCode(error, 'ENOENT')) return false;
          throw fail('delete', key, error);
        }
        hashes.delete(key);
        cacheDirty = true;
        made.clear();
        await pruneEmptyDirectories(root, [path.dirname(file)]);
        return true;
      });
    },

    async get(key) {
      assertValidKey(key, location);
      return read(key);
    },

    async getStream(key) {
      assertValidKey(key, location);
      const file = fileOf(key);
      try {
        if (!(await stat(file)).isFile()) return undefined;
      } catch (error) {
        if (isCode(error, 'ENOENT', 'ENOTDIR')) return undefined;
        throw fail('read', key, error);
      }
      return createReadStream(file);
    },

    async put(key, body, options) {
      assertValidKey(key, location);
      const file = fileOf(key);
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      const atomic = options?.atomic ?? true;
      await withParent(key, file, () => (atomic ? writeFileAtomic(file, bytes) : writeFile(file, bytes)));
      await remember(key, bytes);
    },

    async putFile(key, from) {
      assertValidKey(key, location);
      const file = fileOf(key);
      // Copied next to its destination under a temp name (`<name>.<digits>`, which list() skips), then
      // renamed: atomic like put().
      const temp = `${file}.${randomInt(1, 2 ** 31)}`;
      await withParent(key, file, async () => {
        try {
          await copyFile(from, temp);
          await rename(temp, file);
          hashes.delete(key);
          cacheDirty = true;
        } catch (error) {
          await rm(temp, { force: true });
          throw error;
        }
      });
    },

    async list(prefix) {
      assertValidPrefix(prefix, location);
      const keys: string[] = [];
      // Start at the deepest directory the prefix names in full: `kb/sto` → `<root>/kb/`.
      const start = prefix.slice(0, prefix.lastIndexOf('/') + 1);
      const walk = async (relDir: string): Promise<void> => {
        let entries: Dirent[];
        try {
          entries = await readdir(path.join(root, ...relDir.split('/')), { withFileTypes: true });
        } catch (error) {
          if (isCode(error, 'ENOENT', 'ENOTDIR')) return;
          throw fail('list', prefix, error);
        }
        for (const entry of entries) {
          const rel = `${relDir}${entry.name}`;
          if (entry.isDirectory()) {
            if (rel === CACHE_DIR) continue; // the MD5 cache, not objects
            const asDir = `${rel}/`;
            if (asDir.startsWith(prefix) || prefix.startsWith(asDir)) await walk(asDir);
          } else if (entry.isFile() && rel.startsWith(prefix) && keyProblem(rel) === undefined) {
            keys.push(rel);
          }
        }
      };
      await walk(start);
      await loadCache();

      const limit = pLimit(READ_CONCURRENCY);
      const listed = await Promise.all(
        keys.map((key) =>
          limit(async (): Promise<StoredObject | undefined> => {
            try {
              const file = fileOf(key);
              const known = hashes.get(key);
              if (known) {
                const info = await stat(file);
                if (sameFile(known, info)) return { key, md5: known.md5, size: info.size };
              }
              const body = await readFile(file);
              const md5 = md5Hex(body);
              const info = await stat(file);
              if (info.size === body.length) {
                hashes.set(key, { md5, ...identity(info) });
                cacheDirty = true;
              }
              return { key, md5, size: body.length };
            } catch (error) {
              if (isCode(error, 'ENOENT')) return undefined; // deleted while listing
              throw fail('read', key, error);
            }
          }),
        ),
      );
      await saveCache();
      return listed
        .filter((o): o is StoredObject => o !== undefined)
        .sort((a, b) => compareKeys(a.key, b.key));
    },

    async delete(keys) {
      for (const key of keys) assertValidKey(key, location);
      const parents = new Set<string>();
      for (const key of new Set(keys)) {
        const file = fileOf(key);
        try {
          const stats = await lstat(file);
          if (stats.isDirectory()) continue; // not an object: `a` when only `a/b` exists
          await unlink(file);
          parents.add(path.dirname(file));
        } catch (error) {
          if (isCode(error, 'ENOENT', 'ENOTDIR')) continue;
          throw fail('delete', key, error);
        }
      }
      made.clear();
      for (const key of keys) hashes.delete(key);
      cacheDirty = true;
      await pruneEmptyDirectories(root, parents);
    },
  };
}

interface Identity {
  ino: number;
  size: number;
  mtimeMs: number;
}

const identity = (info: Identity): Identity => ({ ino: info.ino, size: info.size, mtimeMs: info.mtimeMs });
const sameFile = (a: Identity, b: Identity): boolean =>
  a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;

/** Removes each directory and its ancestors while they are empty, deepest first, never `root`. */
async function pruneEmptyDirectories(root: string, directories: Iterable<string>): Promise<void> {
  const deepestFirst = [...directories].sort((a, b) => b.split(path.sep).length - a.split(path.sep).length);
  for (let dir of deepestFirst) {
    while (dir !== root && dir.startsWith(root + path.sep)) {
      try {
        await rmdir(dir);
      } catch (error) {
        // Not empty (or another prune got there first and it is gone): stop climbing unless gone.
        if (!isCode(error, 'ENOENT')) break;
      }
      dir = path.dirname(dir);
    }
  }
}

/** Runs calls for the same key one after the other (calls for other keys are not held up). */
function keyedMutex() {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => {});
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

function isCode(error: unknown, ...codes: string[]): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && codes.includes(code);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
