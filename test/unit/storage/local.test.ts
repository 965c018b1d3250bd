import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../../functions/core/shared/errors.js';
import { md5Hex } from '../../../functions/core/storage/codec.js';
import type { Storage } from '../../../functions/core/storage/port.js';
import { createLocalStorage } from '../../../functions/local/storage/directory.js';
import { describeStorageContract, storageErrorFrom } from './contract.js';

let tempRoot: string;
let counter = 0;
/** A fresh directory path (not yet created) under the suite's temp dir. */
const freshDirectory = () => path.join(tempRoot, `store-${++counter}`);

beforeAll(async () => {
  tempRoot = await mkdtemp(path.join(tmpdir(), 'wpkb-local-storage-'));
});
afterAll(async () => {
  await rm(tempRoot, { recursive: true, force: true });
});

/** Every file and directory under `dir`, relative, `/`-separated, directories with a trailing `/`. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .map((e) => {
      const rel = path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/');
      return e.isDirectory() ? `${rel}/` : rel;
    })
    .sort();
}

describeStorageContract('local directory', async () => createLocalStorage(freshDirectory()));

describe('createLocalStorage', () => {
  let dir: string;
  let storage: Storage;
  beforeEach(() => {
    dir = freshDirectory();
    storage = createLocalStorage(dir);
  });

  it('mirrors the bucket key layout under the directory, creating it and parents on put', async () => {
    expect(existsSync(dir)).toBe(false);
    await storage.put('kb/stores/12.csv', 'id,content\n12,Tienda\n');
    expect(await readFile(path.join(dir, 'kb', 'stores', '12.csv'), 'utf8')).toBe('id,content\n12,Tienda\n');
    expect(storage.location).toBe(path.resolve(dir));
  });

  it('reads files placed in the directory by other means', async () => {
    await mkdir(path.join(dir, 'curated'), { recursive: true });
    await writeFile(path.join(dir, 'curated', 'faq.md'), '# Preguntas');
    expect((await storage.get('curated/faq.md'))?.toString()).toBe('# Preguntas');
    expect((await storage.list('curated/')).map((o) => o.key)).toEqual(['curated/faq.md']);
  });

  it('lists nothing when the directory does not exist yet', async () => {
    expect(await storage.list('')).toEqual([]);
    expect(await storage.list('kb/')).toEqual([]);
  });

  it.each([
    ['/etc/passwd', 'absolute'],
    ['C:/x.csv', 'absolute'],
    ['../escape.csv', '".."'],
    ['kb/../../escape.csv', '".."'],
    ['kb/./x.csv', '"."'],
    ['kb\\x.csv', 'backslash'],
    ['kb//x.csv', 'empty segment'],
    ['kb/x/', 'empty segment'],
    ['', 'empty'],
    ['kb/x.csv.123456', 'temp files'],
  ])('rejects the key %j (%s) in get, put and delete, naming it', async (key, reason) => {
    for (const attempt of [
      () => storage.get(key),
      () => storage.put(key, 'x'),
      () => storage.delete(['kb/ok.csv', key]),
    ]) {
      const error = await storageErrorFrom(attempt());
      expect(error.key).toBe(key);
      expect(error.message).toContain(JSON.stringify(key));
      expect(error.message).toContain(reason);
    }
    expect(existsSync(path.join(dir, '..', 'escape.csv'))).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it('rejects a prefix that climbs out of the directory', async () => {
    await expect(storage.list('../')).rejects.toThrow(StorageError);
    await expect(storage.list('/etc/')).rejects.toThrow(/"\/etc\/"/);
  });

  it('leaves no temp files after many writes, including concurrent overwrites of one key', async () => {
    const writes = Array.from({ length: 40 }, (_, i) =>
      storage.put(i % 2 === 0 ? 'catalog/stores.json' : `kb/stores/${i}.csv`, `version ${i}\n`.repeat(200)),
    );
    await Promise.all(writes);
    const files = (await tree(dir)).filter((p) => !p.endsWith('/'));
    expect(files).toEqual(
      ['catalog/stores.json', ...Array.from({ length: 20 }, (_, i) => `kb/stores/${2 * i + 1}.csv`)].sort(),
    );
    // The surviving catalog is one whole version, never a mix.
    const catalog = (await storage.get('catalog/stores.json'))?.toString() ?? '';
    const first = catalog.split('\n')[0] ?? '';
    expect(catalog).toBe(`${first}\n`.repeat(200));
  });

  it('does not list temp files left by a crashed write, directories, or symlinks', async () => {
    await storage.put('kb/stores/12.csv', 'doc');
    await writeFile(path.join(dir, 'kb', 'stores', '12.csv.3735928559'), 'half a doc');
    await mkdir(path.join(dir, 'kb', 'empty-dir'), { recursive: true });
    await symlink(path.join(dir, 'kb', 'stores', '12.csv'), path.join(dir, 'kb', 'link.csv'));
    expect((await storage.list('kb/')).map((o) => o.key)).toEqual(['kb/stores/12.csv']);
  });

  it('fails a write it cannot complete with a StorageError, leaving no temp file behind', async () => {
    await storage.put('kb/stores/12.csv/nested.csv', 'a file where 12.csv would go');
    const error = await storageErrorFrom(storage.put('kb/stores/12.csv', 'doc'));
    expect(error.message).toContain('"kb/stores/12.csv"');
    expect(error.cause).toBeDefined();
    expect(await tree(dir)).toEqual([
      'kb/',
      'kb/stores/',
      'kb/stores/12.csv/',
      'kb/stores/12.csv/nested.csv',
    ]);
    // A directory is not an object: reading or deleting it finds nothing and removes nothing.
    expect(await storage.get('kb/stores/12.csv')).toBeUndefined();
    await storage.delete(['kb/stores/12.csv']);
    expect(await tree(dir)).toContain('kb/stores/12.csv/nested.csv');
  });

  it('prunes directories left empty by delete, up to but not including the root', async () => {
    await storage.put('kb/a/b/c.csv', 'c');
    await storage.put('kb/a/d.csv', 'd');
    await storage.put('runs/latest.json', '{}');

    await storage.delete(['kb/a/b/c.csv']);
    expect(await tree(dir)).toEqual(['kb/', 'kb/a/', 'kb/a/d.csv', 'runs/', 'runs/latest.json']);

    await storage.delete(['kb/a/d.csv', 'runs/latest.json']);
    expect(await tree(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(true);
  });

  it('keeps directories that still hold something the store does not list', async () => {
    await storage.put('kb/stores/12.csv', 'doc');
    await writeFile(path.join(dir, 'kb', 'stores', '12.csv.99'), 'leftover');
    await storage.delete(['kb/stores/12.csv']);
    expect(await tree(dir)).toEqual(['kb/', 'kb/stores/', 'kb/stores/12.csv.99']);
  });
});

describe('local storage: MD5s it already knows', () => {
  it('lists a file changed behind its back with the new MD5 (same size, new mtime)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wpkb-local-md5-'));
    try {
      const storage = createLocalStorage(dir);
      await storage.put('kb/stores/1.csv', 'abc');
      expect((await storage.list('kb/'))[0]?.md5).toBe(md5Hex('abc'));
      const file = path.join(dir, 'kb', 'stores', '1.csv');
      await writeFile(file, 'xyz');
      const later = new Date(Date.now() + 5000);
      await utimes(file, later, later);
      expect((await storage.list('kb/'))[0]?.md5).toBe(md5Hex('xyz'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('local storage: MD5s kept across runs', () => {
  it('a new adapter on the same directory trusts what the last one hashed while the file is untouched', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wpkb-local-md5-cache-'));
    try {
      await createLocalStorage(dir).put('kb/stores/1.csv', 'abc');
      const file = path.join(dir, 'kb', 'stores', '1.csv');
      const atime = new Date('2026-11-01T03:00:00.000Z');
      const mtime = atime;
      await utimes(file, atime, mtime); // a time utimes can set back exactly
      await createLocalStorage(dir).list('kb/'); // hashed and remembered
      // Same inode, size and time, other bytes: only a run that reads the file would see them.
      await writeFile(file, 'xyz');
      await utimes(file, atime, mtime);
      expect((await createLocalStorage(dir).list('kb/'))[0]?.md5).toBe(md5Hex('abc'));
      // A real change moves the time: read again.
      const later = new Date(Date.now() + 5000);
      await utimes(file, later, later);
      expect((await createLocalStorage(dir).list('kb/'))[0]?.md5).toBe(md5Hex('xyz'));
      // The cache is not an object of the store.
      expect((await createLocalStorage(dir).list('')).map((o) => o.key)).toEqual(['kb/stores/1.csv']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
