import { writeFile } from 'node:fs/promises';
import pLimit from 'p-limit';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConditionFailedError, StorageError } from '../../../functions/core/shared/errors.js';
import { md5Hex } from '../../../functions/core/storage/codec.js';
import type { Storage } from '../../../functions/core/storage/port.js';
import { createTempDir, openStream, putFile } from '../../../functions/core/storage/stream.js';

/** Makes a fresh, empty store for one test. */
export type StorageFactory = () => Promise<Storage>;

/** Writes many objects with bounded concurrency (the S3 fixture is a real HTTP server). */
export async function putMany(
  storage: Storage,
  entries: readonly [string, Buffer | string][],
): Promise<void> {
  const limit = pLimit(16);
  await Promise.all(entries.map(([key, body]) => limit(() => storage.put(key, body))));
}

/** The StorageError the promise rejects with (fails the test if it resolves or rejects otherwise). */
export async function storageErrorFrom(promise: Promise<unknown>): Promise<StorageError> {
  const outcome = await promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(StorageError);
  return outcome as StorageError;
}

/**
 * The behaviour every Storage adapter must share (functions/core/storage/port.ts). Each test gets a fresh
 * store from the factory.
 */
export function describeStorageContract(name: string, factory: StorageFactory): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await factory();
    });

    it('returns undefined for a missing key, also when its neighbours exist', async () => {
      expect(await storage.get('kb/stores/1.csv')).toBeUndefined();
      await storage.put('kb/stores/2.csv', 'two');
      expect(await storage.get('kb/stores/1.csv')).toBeUndefined();
      expect(await storage.get('kb/stores')).toBeUndefined();
    });

    it('round-trips binary bytes exactly', async () => {
      const body = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7 + 3) % 256));
      await storage.put('raw/stores/run-1.jsonl.gz', body);
      const read = await storage.get('raw/stores/run-1.jsonl.gz');
      expect(read).toBeInstanceOf(Buffer);
      expect(read?.equals(body)).toBe(true);
    });

    it('round-trips UTF-8 text (Spanish, emoji) given as a string or as bytes', async () => {
      const text = 'Año nuevo en la tienda Ñandú: ¡pingüinos, café y crème brûlée! 🎉🛍️ — señal: “sí”\n';
      await storage.put('kb/events/año.csv', text);
      await storage.put('kb/events/bytes.csv', Buffer.from(text, 'utf8'));
      expect((await storage.get('kb/events/año.csv'))?.toString('utf8')).toBe(text);
      expect((await storage.get('kb/events/bytes.csv'))?.toString('utf8')).toBe(text);
      const listed = await storage.list('kb/events/');
      expect(listed.map((o) => o.size)).toEqual([Buffer.byteLength(text), Buffer.byteLength(text)]);
    });

    it('round-trips an empty object', async () => {
      await storage.put('runs/empty.json', '');
      expect((await storage.get('runs/empty.json'))?.length).toBe(0);
      expect(await storage.list('runs/')).toEqual([{ key: 'runs/empty.json', md5: md5Hex(''), size: 0 }]);
    });

    it('overwrites an object with shorter content', async () => {
      await storage.put('catalog/stores.json', 'a much longer first version of the catalog');
      await storage.put('catalog/stores.json', 'v2');
      expect((await storage.get('catalog/stores.json'))?.toString()).toBe('v2');
      expect(await storage.list('catalog/')).toEqual([
        { key: 'catalog/stores.json', md5: md5Hex('v2'), size: 2 },
      ]);
    });

    it('lists recursively, sorted by key, filtered by a plain string prefix', async () => {
      const keys = [
        'kbx/stores/1.csv',
        'kb/stores/12.csv.metadata.json',
        'kb/ñandú.csv',
        'catalog/stores.json',
        'kb/events/sub/deep/x.csv',
        'kb/stores/12.csv',
        'kb.json',
        'kb/z.csv',
        'kb/events/3.csv',
      ];
      await putMany(
        storage,
        keys.map((key) => [key, `body of ${key}`]),
      );
      const keysOf = async (prefix: string) => (await storage.list(prefix)).map((o) => o.key);

      expect(await keysOf('kb/')).toEqual([
        'kb/events/3.csv',
        'kb/events/sub/deep/x.csv',
        'kb/stores/12.csv',
        'kb/stores/12.csv.metadata.json',
        'kb/z.csv',
        'kb/ñandú.csv', // "ñ" is 0xC3 0xB1 in UTF-8: after "z", as S3 orders keys
      ]);
      expect(await keysOf('kb')).toEqual([
        'kb.json',
        'kb/events/3.csv',
        'kb/events/sub/deep/x.csv',
        'kb/stores/12.csv',
        'kb/stores/12.csv.metadata.json',
        'kb/z.csv',
        'kb/ñandú.csv',
        'kbx/stores/1.csv',
      ]);
      expect(await keysOf('kb/stores/1')).toEqual(['kb/stores/12.csv', 'kb/stores/12.csv.metadata.json']);
      expect(await keysOf('kb/events/sub/')).toEqual(['kb/events/sub/deep/x.csv']);
      expect(await keysOf('nothing/')).toEqual([]);
      expect(await keysOf('')).toEqual(
        [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
      );
    });

    it('sorts by UTF-8 bytes like S3, not by UTF-16 code units', async () => {
      // U+FF5E (EF BD 9E) sorts before U+1F600 (F0 9F 98 80) in UTF-8; JS string order says the opposite.
      await storage.put('o/😀.txt', 'emoji');
      await storage.put('o/～.txt', 'tilde');
      expect((await storage.list('o/')).map((o) => o.key)).toEqual(['o/～.txt', 'o/😀.txt']);
    });

    it('reports the MD5 and size of the bytes for every listed object', async () => {
      const bodies: [string, Buffer | string][] = [
        ['kb/a.csv', 'plain'],
        ['kb/b.csv', 'Ñuñoa 🏬'],
        ['kb/c.bin', Buffer.from([0, 255, 1, 254, 0])],
      ];
      await putMany(storage, bodies);
      const listed = await storage.list('kb/');
      expect(listed).toEqual(
        bodies.map(([key, body]) => ({
          key,
          md5: md5Hex(body),
          size: typeof body === 'string' ? Buffer.byteLength(body) : body.length,
        })),
      );
    });

    it('deletes existing keys, ignores missing ones, leaves the rest', async () => {
      await putMany(storage, [
        ['kb/stores/1.csv', 'one'],
        ['kb/stores/2.csv', 'two'],
        ['kb/stores/3.csv', 'three'],
      ]);
      await storage.delete([
        'kb/stores/1.csv',
        'kb/stores/missing.csv',
        'kb/stores/3.csv',
        'kb/stores/3.csv',
      ]);
      expect(await storage.get('kb/stores/1.csv')).toBeUndefined();
      expect(await storage.get('kb/stores/3.csv')).toBeUndefined();
      expect((await storage.get('kb/stores/2.csv'))?.toString()).toBe('two');
      expect((await storage.list('kb/')).map((o) => o.key)).toEqual(['kb/stores/2.csv']);

      await storage.delete([]);
      await storage.delete(['never/existed.csv']);
      expect((await storage.list('')).map((o) => o.key)).toEqual(['kb/stores/2.csv']);
    });

    it('can write a key again after deleting it', async () => {
      await storage.put('kb/stores/1.csv', 'one');
      await storage.delete(['kb/stores/1.csv']);
      await storage.put('kb/stores/1.csv', 'uno');
      expect((await storage.get('kb/stores/1.csv'))?.toString()).toBe('uno');
    });

    it('rejects a non-portable key on put with a StorageError naming it', async () => {
      for (const key of ['/abs.csv', 'kb/../x.csv', 'kb\\x.csv', 'kb//x.csv', 'kb/', '']) {
        const error = await storageErrorFrom(storage.put(key, 'x'));
        expect(error.key).toBe(key);
        expect(error.message).toContain(JSON.stringify(key));
      }
      expect(await storage.list('')).toEqual([]);
    });

    it('lists and deletes more than 1000 objects (across S3 pages and delete batches)', async () => {
      const count = 1003;
      const entries: [string, string][] = Array.from({ length: count }, (_, i) => [
        `kb/many/${String(i).padStart(4, '0')}.csv`,
        `item ${i}`,
      ]);
      await putMany(storage, [...entries, ['other/keep.csv', 'keep']]);

      const listed = await storage.list('kb/many/');
      expect(listed).toHaveLength(count);
      expect(listed.map((o) => o.key)).toEqual(entries.map(([key]) => key));
      expect(listed.every((o, i) => o.md5 === md5Hex(entries[i]?.[1] ?? ''))).toBe(true);

      await storage.delete(listed.map((o) => o.key));
      expect(await storage.list('kb/')).toEqual([]);
      expect((await storage.list('')).map((o) => o.key)).toEqual(['other/keep.csv']);
    });

    it('reads an object with its entity tag (the MD5 of the bytes); undefined when missing', async () => {
      expect(await storage.getTagged('locks/data.json')).toBeUndefined();
      await storage.put('catalog/stores.json', 'Ñuñoa {"count": 1}');
      const tagged = await storage.getTagged('catalog/stores.json');
      expect(tagged?.body.toString('utf8')).toBe('Ñuñoa {"count": 1}');
      expect(tagged?.etag).toBe(md5Hex('Ñuñoa {"count": 1}'));
    });

    it('creates with If-None-Match: * only when nothing is at the key', async () => {
      const etag = await storage.putIf('locks/data.json', 'first', { ifNoneMatch: '*' });
      expect(etag).toBe(md5Hex('first'));
      const error = await storageErrorFrom(storage.putIf('locks/data.json', 'second', { ifNoneMatch: '*' }));
      expect(error).toBeInstanceOf(ConditionFailedError);
      expect(error.key).toBe('locks/data.json');
      expect((await storage.get('locks/data.json'))?.toString()).toBe('first');
      expect((await storage.list('locks/')).map((o) => o.key)).toEqual(['locks/data.json']);
    });

    it('replaces with If-Match only while the entity tag is unchanged', async () => {
      await storage.put('catalog/stores.json', 'v1');
      const v1 = (await storage.getTagged('catalog/stores.json'))?.etag ?? '';
      const v2 = await storage.putIf('catalog/stores.json', 'v2', { ifMatch: v1 });
      expect(v2).toBe(md5Hex('v2'));
      expect((await storage.get('catalog/stores.json'))?.toString()).toBe('v2');

      const stale = await storageErrorFrom(storage.putIf('catalog/stores.json', 'v3', { ifMatch: v1 }));
      expect(stale).toBeInstanceOf(ConditionFailedError);
      expect((await storage.get('catalog/stores.json'))?.toString()).toBe('v2');

      const missing = await storageErrorFrom(storage.putIf('catalog/none.json', 'x', { ifMatch: v1 }));
      expect(missing).toBeInstanceOf(ConditionFailedError);
      expect(await storage.get('catalog/none.json')).toBeUndefined();
    });

    it('lets exactly one of several racing conditional writers win', async () => {
      const creates = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          storage.putIf('locks/race.json', `owner ${i}`, { ifNoneMatch: '*' }),
        ),
      );
      const created = creates.filter((r) => r.status === 'fulfilled');
      expect(created).toHaveLength(1);
      for (const r of creates) {
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConditionFailedError);
      }
      const base = (await storage.getTagged('locks/race.json'))?.etag ?? '';
      const updates = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => storage.putIf('locks/race.json', `next ${i}`, { ifMatch: base })),
      );
      expect(updates.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const winner = updates.findIndex((r) => r.status === 'fulfilled');
      expect((await storage.get('locks/race.json'))?.toString()).toBe(`next ${winner}`);
    });

    it('deletes with If-Match only the version it names', async () => {
      await storage.put('locks/data.json', 'held by a');
      const tag = (await storage.getTagged('locks/data.json'))?.etag ?? '';
      expect(await storage.deleteIf('locks/data.json', md5Hex('held by b'))).toBe(false);
      expect((await storage.get('locks/data.json'))?.toString()).toBe('held by a');
      expect(await storage.deleteIf('locks/data.json', tag)).toBe(true);
      expect(await storage.get('locks/data.json')).toBeUndefined();
      expect(await storage.deleteIf('locks/data.json', tag)).toBe(false);
    });

    it('streams an object out (undefined when missing) and a file in, listed with its MD5', async () => {
      const body = Buffer.from('línea 1\nlínea 2\n'.repeat(5000));
      await storage.put('raw/stores/r1.jsonl.gz', body);
      const stream = await openStream(storage, 'raw/stores/r1.jsonl.gz');
      const chunks: Buffer[] = [];
      for await (const chunk of stream ?? []) chunks.push(Buffer.from(chunk as Buffer));
      expect(Buffer.concat(chunks)).toEqual(body);
      expect(await openStream(storage, 'raw/stores/missing.jsonl.gz')).toBeUndefined();

      const temp = await createTempDir('wpkb-contract-');
      try {
        const file = temp.file('catalog.json');
        await writeFile(file, body);
        await putFile(storage, 'catalog/stores.json', file, { contentType: 'application/json' });
        expect(await storage.get('catalog/stores.json')).toEqual(body);
        await writeFile(file, 'otra versión');
        await putFile(storage, 'catalog/stores.json', file);
        expect((await storage.list('catalog/')).map((o) => [o.key, o.md5])).toEqual([
          ['catalog/stores.json', md5Hex('otra versión')],
        ]);
      } finally {
        await temp.dispose();
      }
    });

    it('writes with atomic: false like any put (same bytes, same listing)', async () => {
      await storage.put('kb/stores/1.csv', 'uno', { atomic: false });
      await storage.put('kb/stores/1.csv', 'uno bis', { atomic: false });
      expect((await storage.get('kb/stores/1.csv'))?.toString()).toBe('uno bis');
      expect((await storage.list('kb/')).map((o) => o.md5)).toEqual([md5Hex('uno bis')]);
    });
  });
}
