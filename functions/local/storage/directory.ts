import type { Dirent } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import writeFileAtomic from 'write-file-atomic';
import { StorageError } from '../../core/shared/errors.js';
import { md5Hex } from '../../core/storage/codec.js';
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

  return {
    location,

    async get(key) {
      assertValidKey(key, location);
      try {
        return await readFile(fileOf(key));
      } catch (error) {
        if (isCode(error, 'ENOENT', 'ENOTDIR', 'EISDIR')) return undefined;
        throw fail('read', key, error);
      }
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

function isCode(error: unknown, ...codes: string[]): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && codes.includes(code);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
