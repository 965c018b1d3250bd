import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../../functions/core/shared/errors.js';
import {
  decodeJsonLinesGz,
  encodeJsonLinesGz,
  getJson,
  md5Hex,
  putJson,
} from '../../../functions/core/storage/codec.js';
import { createMemoryStorage } from '../../../functions/core/storage/memory.js';
import { storageErrorFrom } from './contract.js';

describe('md5Hex', () => {
  it('matches known MD5 digests', () => {
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5Hex('The quick brown fox jumps over the lazy dog')).toBe('9e107d9d372bb6826bd81d3542a419d6');
  });

  it('hashes a string as its UTF-8 bytes', () => {
    const text = 'Peñalolén ☕ 🎉';
    expect(md5Hex(text)).toBe(md5Hex(Buffer.from(text, 'utf8')));
    expect(md5Hex(text)).toBe(createHash('md5').update(Buffer.from(text, 'utf8')).digest('hex'));
  });
});

describe('JSON lines, gzipped', () => {
  it('writes one JSON document per line inside gzip', async () => {
    const items = [{ id: 1, title: 'Día del Niño' }, { id: 2, text: 'line\nbreak' }, 'plain', 3, null];
    const text = gunzipSync(await encodeJsonLinesGz(items)).toString('utf8');
    expect(text.split('\n')).toEqual([...items.map((i) => JSON.stringify(i)), '']);
  });

  it('round-trips any JSON values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue()), async (items) => {
        const decoded = await decodeJsonLinesGz(await encodeJsonLinesGz(items));
        // JSON has no -0: it becomes 0, as JSON.parse(JSON.stringify(x)) would.
        expect(decoded).toEqual(JSON.parse(JSON.stringify(items)));
      }),
      { numRuns: 50 },
    );
  });

  it('round-trips an empty list', async () => {
    expect(await decodeJsonLinesGz(await encodeJsonLinesGz([]))).toEqual([]);
  });

  it('skips blank lines and tolerates a missing final newline', async () => {
    const buf = gzipSync(Buffer.from('{"a":1}\n\n  \n{"a":2}', 'utf8'));
    expect(await decodeJsonLinesGz(buf)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('refuses an item that is not JSON', async () => {
    await expect(encodeJsonLinesGz([{ ok: true }, undefined])).rejects.toThrow(/Item 1 cannot be encoded/);
  });

  it('names the file when the bytes are not gzip', async () => {
    const error = await storageErrorFrom(
      decodeJsonLinesGz(Buffer.from('{"a":1}\n'), 'raw/stores/r1.jsonl.gz'),
    );
    expect(error.key).toBe('raw/stores/r1.jsonl.gz');
    expect(error.message).toMatch(/raw\/stores\/r1\.jsonl\.gz: not valid gzip data/);
  });

  it('names the file when the gzip stream is truncated', async () => {
    const whole = await encodeJsonLinesGz(
      Array.from({ length: 100 }, (_, i) => ({ i, pad: 'x'.repeat(50) })),
    );
    const error = await storageErrorFrom(
      decodeJsonLinesGz(whole.subarray(0, whole.length - 20), 'raw/a.jsonl.gz'),
    );
    expect(error.message).toContain('raw/a.jsonl.gz');
  });

  it('names the file and line when a line is not JSON', async () => {
    const buf = gzipSync(Buffer.from('{"a":1}\n{"a":2}\n{"a":\n', 'utf8'));
    const error = await storageErrorFrom(decodeJsonLinesGz(buf, 'raw/events/r2.jsonl.gz'));
    expect(error.message).toMatch(/raw\/events\/r2\.jsonl\.gz: line 3 is not valid JSON/);
  });

  it('rejects bytes that are not UTF-8', async () => {
    const buf = gzipSync(Buffer.from([0x22, 0xff, 0xfe, 0x22, 0x0a]));
    await expect(decodeJsonLinesGz(buf, 'raw/x.jsonl.gz')).rejects.toThrow(
      /Invalid UTF-8 in raw\/x\.jsonl\.gz/,
    );
  });
});

describe('putJson / getJson', () => {
  it('writes pretty JSON with a 2-space indent and a trailing newline', async () => {
    const storage = createMemoryStorage();
    const value = { type: 'stores', items: [{ id: 12, name: 'Café Ñuñoa' }] };
    await putJson(storage, 'catalog/stores.json', value);
    const text = (await storage.get('catalog/stores.json'))?.toString('utf8');
    expect(text).toBe(`${JSON.stringify(value, null, 2)}\n`);
    expect(text).toContain('\n  "items": [\n    {\n      "id": 12,');
    expect(await getJson(storage, 'catalog/stores.json')).toEqual(value);
  });

  it('returns undefined for a missing key', async () => {
    expect(await getJson(createMemoryStorage(), 'runs/latest.json')).toBeUndefined();
  });

  it('reads JSON with a byte order mark', async () => {
    const storage = createMemoryStorage();
    await storage.put('curated/x.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[1]')]));
    expect(await getJson(storage, 'curated/x.json')).toEqual([1]);
  });

  it('throws a StorageError naming the key when the object is not JSON', async () => {
    const storage = createMemoryStorage();
    await storage.put('runs/latest.json', '{"runId": "r1", ');
    const error = await storageErrorFrom(getJson(storage, 'runs/latest.json'));
    expect(error.key).toBe('runs/latest.json');
    expect(error.message).toMatch(/^Invalid JSON in runs\/latest\.json \(memory:\): /);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('refuses to write a value that has no JSON form', async () => {
    const storage = createMemoryStorage();
    await expect(putJson(storage, 'runs/x.json', undefined)).rejects.toThrow(StorageError);
    expect(storage.snapshot().size).toBe(0);
  });
});
