import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { ConditionFailedError } from '../shared/errors.js';
import { md5Hex } from './codec.js';
import { conditionProblem } from './conditions.js';
import { assertValidKey, assertValidPrefix, compareKeys } from './keys.js';
import type { Storage, StoredObject } from './port.js';

export interface MemoryStorage extends Storage {
  /** A copy of every object (key → bytes), sorted by key; changing it does not change the store. */
  snapshot(): Map<string, Buffer>;
}

/**
 * An in-memory store for unit tests of the pipeline. Same key rules as the other adapters; bytes are
 * copied in and out so callers cannot change stored objects by mutating a Buffer.
 */
export function createMemoryStorage(): MemoryStorage {
  const location = 'memory:';
  const objects = new Map<string, { body: Buffer; md5: string }>();

  return {
    location,

    async get(key) {
      assertValidKey(key, location);
      const object = objects.get(key);
      return object === undefined ? undefined : Buffer.from(object.body);
    },

    async put(key, body) {
      assertValidKey(key, location);
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
      objects.set(key, { body: bytes, md5: md5Hex(bytes) });
    },

    async getTagged(key) {
      assertValidKey(key, location);
      const object = objects.get(key);
      return object === undefined ? undefined : { body: Buffer.from(object.body), etag: object.md5 };
    },

    async putIf(key, body, condition) {
      assertValidKey(key, location);
      // Check and write in one synchronous step: no other call can interleave.
      const current = objects.get(key);
      const problem = conditionProblem(current?.md5, condition);
      if (problem) throw new ConditionFailedError(`Conditional put ${location}/${key}: ${problem}`, key);
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
      const md5 = md5Hex(bytes);
      objects.set(key, { body: bytes, md5 });
      return md5;
    },

    async deleteIf(key, etag) {
      assertValidKey(key, location);
      if (objects.get(key)?.md5 !== etag) return false;
      objects.delete(key);
      return true;
    },

    async getStream(key) {
      const body = await this.get(key);
      return body === undefined ? undefined : Readable.from([body]);
    },

    async putFile(key, file) {
      await this.put(key, await readFile(file));
    },

    async list(prefix) {
      assertValidPrefix(prefix, location);
      const found: StoredObject[] = [];
      for (const [key, { body, md5 }] of objects) {
        if (key.startsWith(prefix)) found.push({ key, md5, size: body.length });
      }
      return found.sort((a, b) => compareKeys(a.key, b.key));
    },

    async delete(keys) {
      for (const key of keys) assertValidKey(key, location);
      for (const key of keys) objects.delete(key);
    },

    snapshot() {
      const keys = [...objects.keys()].sort(compareKeys);
      return new Map(keys.map((key) => [key, Buffer.from(objects.get(key)?.body ?? Buffer.alloc(0))]));
    },
  };
}
