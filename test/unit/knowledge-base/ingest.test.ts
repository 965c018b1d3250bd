import { stat, utimes, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Log } from '../../../functions/core/shared/logger.js';
import type { MemoryStorage } from '../../../functions/core/storage/memory.js';
import { chunkText } from '../../../functions/local/knowledge-base/chunker.js';
import { createHashingEmbedder } from '../../../functions/local/knowledge-base/embedder.js';
import { indexFileOf, readIndexFile } from '../../../functions/local/knowledge-base/index-file.js';
import { ingestLocalKb } from '../../../functions/local/knowledge-base/ingest.js';
import { openLocalKb } from '../../../functions/local/knowledge-base/retrieve.js';
import { chunking, embedder, ingest, sidecar, site, tempDir, transformed } from './helpers.js';

const ids = async (dataDir: string, query: string, k = 10) =>
  (await (await openLocalKb(dataDir, embedder)).retrieve(query, { k })).map((p) => p.source_id);

describe('ingestLocalKb (incremental, like a Bedrock sync)', () => {
  let dir: { dir: string; remove: () => Promise<void> };
  let store: MemoryStorage;
  beforeEach(async () => {
    dir = await tempDir();
    store = await transformed();
  });
  afterEach(() => dir.remove());

  it('indexes every kb/ document the first time, then nothing when nothing changed', async () => {
    const first = await ingest(store, dir.dir);
    // 3 stores + 2 events + 1 restaurant, each short enough for one chunk.
    expect(first).toMatchObject({
      filesIndexed: 6,
      filesRemoved: 0,
      chunksAdded: 6,
      chunksRemoved: 0,
      chunks: 6,
      filesSkipped: 0,
      rebuilt: 'no index yet',
    });
    const before = await stat(indexFileOf(dir.dir));
    const second = await ingest(store, dir.dir);
    expect(second).toMatchObject({
      filesIndexed: 0,
      filesRemoved: 0,
      chunksAdded: 0,
      chunksRemoved: 0,
      chunks: 6,
    });
    expect(second.rebuilt).toBeUndefined();
    expect((await stat(indexFileOf(dir.dir))).mtimeMs).toBe(before.mtimeMs);
  });

  it('a run that changes nothing reads the small manifest, not the index; a stale manifest is not trusted', async () => {
    await ingest(store, dir.dir);
    const file = indexFileOf(dir.dir);
    const { size, atime, mtime } = await stat(file);
    // Same size and time, unreadable bytes: only a run that reads the index file would notice.
    await writeFile(file, Buffer.alloc(size, 0x20));
    await utimes(file, atime, mtime);
    expect(await ingest(store, dir.dir)).toMatchObject({ filesIndexed: 0, chunksAdded: 0, chunks: 6 });
    // The index file changed since its manifest was written: the index itself is read (and found broken).
    await writeFile(file, Buffer.alloc(size + 1, 0x20));
    await expect(ingest(store, dir.dir)).rejects.toThrow(/is not valid JSON/);
  });

  it('re-indexes only what was added or changed, and removes the chunks of what was deleted', async () => {
    await ingest(store, dir.dir);
    const items = site();
    const [store101, store102] = items.stores ?? [];
    const event201 = items.event?.[0];
    if (!store101 || !store102 || !event201) throw new Error('fixtures');
    event201.content = { rendered: '<p>Ahora con coro de villancicos.</p>', protected: false };
    items.stores = [
      store101,
      { ...store102, id: 150, slug: 'nueva', title: { rendered: 'Tienda Nueva Zanahoria' } },
    ];
    // The real transform writes the change: 201 changed, 150 new, 102 and 103 deleted (forced past the guard).
    const { transform } = await import('../../../functions/core/pipeline/transform.js');
    const { inputs, config } = await import('./helpers.js');
    await transform({ config, storage: store, inputs: inputs(items), force: true });

    const stats = await ingest(store, dir.dir);
    expect(stats).toMatchObject({
      filesIndexed: 2,
      filesRemoved: 2,
      chunksAdded: 2,
      chunksRemoved: 3,
      chunks: 5,
    });
    expect(await ids(dir.dir, 'villancicos')).toContain('201');
    expect(await ids(dir.dir, 'zanahoria')).toEqual(expect.arrayContaining(['150']));
    const manifest = (await readIndexFile(dir.dir))?.manifest;
    expect(Object.keys(manifest?.files ?? {})).not.toContain('kb/stores/102.csv');
  });

  it('counts the exact chunks of a long document when it comes and goes', async () => {
    await ingest(store, dir.dir);
    const text = Array.from(
      { length: 120 },
      (_, i) => `Párrafo ${i}: el estacionamiento abre temprano.`,
    ).join('\n');
    const expected = chunkText(text, chunking).length;
    expect(expected).toBeGreaterThan(2);
    await store.put('kb/faq/largo.txt', text);
    await store.put(
      'kb/faq/largo.txt.metadata.json',
      sidecar({ content_type: 'faq', source_id: 'faq-largo' }),
    );
    expect(await ingest(store, dir.dir)).toMatchObject({
      filesIndexed: 1,
      chunksAdded: expected,
      chunksRemoved: 0,
    });
    await store.delete(['kb/faq/largo.txt', 'kb/faq/largo.txt.metadata.json']);
    expect(await ingest(store, dir.dir)).toMatchObject({
      filesRemoved: 1,
      chunksAdded: 0,
      chunksRemoved: expected,
      chunks: 6,
    });
  });

  it('re-indexes a document whose sidecar alone changed', async () => {
    await ingest(store, dir.dir);
    const key = 'kb/stores/101.csv.metadata.json';
    const meta = JSON.parse((await store.get(key))?.toString() ?? '{}');
    meta.metadataAttributes.title = 'Nuevo nombre';
    await store.put(key, JSON.stringify(meta));
    expect(await ingest(store, dir.dir)).toMatchObject({ filesIndexed: 1, chunksAdded: 1, chunksRemoved: 1 });
    const kb = await openLocalKb(dir.dir, embedder);
    const hits = await kb.retrieve('café', {
      k: 6,
      filter: { equals: { key: 'title', value: 'Nuevo nombre' } },
    });
    expect(hits.map((h) => h.source_id)).toEqual(['101']);
  });

  it('rebuilds the whole index when the embedder or the chunking changes', async () => {
    await ingest(store, dir.dir);
    const other = createHashingEmbedder(64);
    expect(
      await ingestLocalKb({ storage: store, dataDir: dir.dir, chunking, embedder: other }),
    ).toMatchObject({
      filesIndexed: 6,
      chunksAdded: 6,
      chunksRemoved: 6,
      rebuilt: 'embedder changed (hashing-v3-128 → hashing-v3-64)',
    });
    const none = await ingestLocalKb({
      storage: store,
      dataDir: dir.dir,
      chunking: { strategy: 'NONE' },
      embedder: other,
    });
    expect(none.rebuilt).toBe('chunking changed');
  });

  it('rebuilds when documents bring a new metadata field, so filters can use it', async () => {
    await ingest(store, dir.dir);
    await store.put('kb/faq/wifi.txt', 'Hay Wi-Fi gratis en todo el mall.');
    await store.put('kb/faq/wifi.txt.metadata.json', sidecar({ content_type: 'faq', prioridad: 3 }));
    const stats = await ingest(store, dir.dir);
    expect(stats).toMatchObject({
      filesIndexed: 7,
      chunksAdded: 7,
      chunksRemoved: 6,
      rebuilt: 'new metadata fields',
    });
    const kb = await openLocalKb(dir.dir, embedder);
    const hits = await kb.retrieve('Wi-Fi gratis', {
      filter: { greaterThan: { key: 'prioridad', value: 2 } },
    });
    expect(hits.map((h) => h.key)).toEqual(['kb/faq/wifi.txt']);
  });

  it('skips, once and by name, a file the local index cannot read', async () => {
    const warnings: string[] = [];
    const log: Log = { debug() {}, info() {}, error() {}, warn: (_m, e) => warnings.push(String(e?.key)) };
    await store.put('kb/faq/folleto.pdf', '%PDF-1.4');
    const first = await ingestLocalKb({ storage: store, dataDir: dir.dir, chunking, embedder, log });
    expect(first).toMatchObject({ filesIndexed: 6, filesSkipped: 1 });
    expect(warnings).toEqual(['kb/faq/folleto.pdf']);
    const second = await ingestLocalKb({ storage: store, dataDir: dir.dir, chunking, embedder, log });
    expect(second).toMatchObject({ filesIndexed: 0, filesSkipped: 1 });
    expect(warnings).toHaveLength(1);
  });

  it('leaves the index as it was when embedding fails', async () => {
    await ingest(store, dir.dir);
    const before = await stat(indexFileOf(dir.dir));
    await store.put('kb/faq/nuevo.txt', 'nuevo');
    const failing = { ...embedder, embed: async () => Promise.reject(new Error('throttled')) };
    await expect(
      ingestLocalKb({ storage: store, dataDir: dir.dir, chunking, embedder: failing }),
    ).rejects.toThrow('throttled');
    expect((await stat(indexFileOf(dir.dir))).mtimeMs).toBe(before.mtimeMs);
  });
});
