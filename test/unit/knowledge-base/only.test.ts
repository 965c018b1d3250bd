import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemoryStorage } from '../../../functions/core/storage/memory.js';
import { readIndexFile } from '../../../functions/local/knowledge-base/index-file.js';
import { ingestLocalKb } from '../../../functions/local/knowledge-base/ingest.js';
import { openLocalKb } from '../../../functions/local/knowledge-base/retrieve.js';
import { chunking, embedder, ingest, tempDir, transformed } from './helpers.js';

const ids = async (dataDir: string, query: string, k = 10) =>
  (await (await openLocalKb(dataDir, embedder)).retrieve(query, { k })).map((p) => p.source_id);

/** One store document rewritten as an instant update would: new text, same sidecar. */
async function rewrite(store: MemoryStorage, key: string, from: string, to: string) {
  const text = (await store.get(key))?.toString('utf8') ?? '';
  if (!text.includes(from)) throw new Error(`${key} does not contain "${from}"`);
  await store.put(key, text.replaceAll(from, to));
}

describe('ingestLocalKb with only: one document at a time (instant updates)', () => {
  let dir: { dir: string; remove: () => Promise<void> };
  let store: MemoryStorage;
  beforeEach(async () => {
    dir = await tempDir();
    store = await transformed();
    await ingest(store, dir.dir);
  });
  afterEach(() => dir.remove());

  const update = (only: string[]) =>
    ingestLocalKb({ storage: store, dataDir: dir.dir, chunking, embedder, only });

  it('re-indexes exactly the named document, leaving every other entry of the index as it was', async () => {
    const before = (await readIndexFile(dir.dir))?.manifest.files ?? {};
    await rewrite(store, 'kb/stores/101.csv', 'Sushi', 'Sushi Zanzíbar');
    // Another document changed too, but it is not named: an instant update touches only its own.
    await rewrite(store, 'kb/stores/102.csv', 'Zapatería Andes', 'Zapatería Andes Quetzal');

    const stats = await update(['kb/stores/101.csv']);
    expect(stats).toMatchObject({
      filesIndexed: 1,
      filesRemoved: 0,
      chunksAdded: 1,
      chunksRemoved: 1,
      chunks: 6,
    });
    expect(stats.rebuilt).toBeUndefined();
    expect((await ids(dir.dir, 'zanzíbar'))[0]).toBe('101');
    expect(await ids(dir.dir, 'quetzal')).not.toContain('102');
    const after = (await readIndexFile(dir.dir))?.manifest.files ?? {};
    for (const key of Object.keys(before)) {
      if (key !== 'kb/stores/101.csv') expect(after[key], key).toEqual(before[key]);
    }
    expect(after['kb/stores/101.csv']?.md5).not.toBe(before['kb/stores/101.csv']?.md5);
  });

  it('removes the chunks of a named document that is gone, and does nothing for an unchanged one', async () => {
    await store.delete(['kb/stores/101.csv', 'kb/stores/101.csv.metadata.json']);
    expect(await update(['kb/stores/101.csv'])).toMatchObject({
      filesRemoved: 1,
      chunksRemoved: 1,
      chunks: 5,
    });
    expect(await ids(dir.dir, 'rincón')).not.toContain('101');
    expect(await update(['kb/stores/102.csv'])).toMatchObject({
      filesIndexed: 0,
      filesRemoved: 0,
      chunks: 5,
    });
    expect(await update(['kb/stores/404.csv'])).toMatchObject({
      filesIndexed: 0,
      filesRemoved: 0,
      chunks: 5,
    });
  });

  it('falls back to the whole prefix when there is no index to extend', async () => {
    const empty = await tempDir();
    try {
      const stats = await ingestLocalKb({
        storage: store,
        dataDir: empty.dir,
        chunking,
        embedder,
        only: ['kb/stores/101.csv'],
      });
      expect(stats).toMatchObject({ filesIndexed: 6, chunks: 6, rebuilt: 'no index yet' });
    } finally {
      await empty.remove();
    }
  });
});
