import { randomInt } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { link, lstat, mkdir, readdir, readFile, rmdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import writeFileAtomic from 'write-file-atomic';
import { ConditionFailedError, StorageError } from '../../core/shared/errors.js';
import { md5Hex } from '../../core/storage/codec.js';
import { conditionProblem } from '../../core/storage/conditions.js';
import { assertValidKey, assertValidPrefix, compareKeys, keyProblem } from '../../core/storage/keys.js';
import type { Storage, StoredObject } from '../../core/storage/port.js';

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
        await pruneEmptyDirectories(root, [path.dirname(file)]);
        return true;
      });
    },

    async get(key) {
      assertValidKey(key, location);
      return read(key);
    },

    async put(key, body) {
      assertValidKey(key, location);
      const file = fileOf(key);
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      // A concurrent delete() may prune the parent directory between mkdir and the write: retry.
      for (let attempt = 1; ; attempt++) {
        try {
          await mkdir(path.dirname(file), { recursive: true });
          await writeFileAtomic(file, bytes);
          return;
        } catch (error) {
          if (attempt < 3 && isCode(error, 'ENOENT')) continue;
          throw fail('write', key, error);
        }
      }
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
            const asDir = `${rel}/`;
            if (asDir.startsWith(prefix) || prefix.startsWith(asDir)) await walk(asDir);
          } else if (entry.isFile() && rel.startsWith(prefix) && keyProblem(rel) === undefined) {
            keys.push(rel);
          }
        }
      };
      await walk(start);

      const limit = pLimit(READ_CONCURRENCY);
      const listed = await Promise.all(
        keys.map((key) =>
          limit(async (): Promise<StoredObject | undefined> => {
            try {
              const body = await readFile(fileOf(key));
              return { key, md5: md5Hex(body), size: body.length };
            } catch (error) {
              if (isCode(error, 'ENOENT')) return undefined; // deleted while listing
              throw fail('read', key, error);
            }
          }),
        ),
      );
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
      await pruneEmptyDirectories(root, parents);
    },
  };
}

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
