import type { Readable } from 'node:stream';

/** One stored object as listed: key and the MD5 of its bytes (hex, unquoted). */
export interface StoredObject {
  key: string;
  /** Hex MD5 of the body: S3's ETag for single-part uploads; the local adapter computes it. */
  md5: string;
  size: number;
}

/** An object's bytes and its entity tag, for a later conditional write. */
export interface TaggedObject {
  body: Buffer;
  /** The version the store reports (S3's ETag, unquoted: the hex MD5 of single-part uploads). */
  etag: string;
}

/**
 * The precondition of a conditional write, as S3 has them: `ifMatch` — the object exists with this
 * entity tag (read-modify-write); `ifNoneMatch: '*'` — no object exists at the key (create only).
 */
export type WriteCondition = { ifMatch: string } | { ifNoneMatch: '*' };

export interface PutOptions {
  contentType?: string;
  /**
   * false: the local adapter writes the file in place, without a temp file and fsync — for objects that
   * are many, small and checked on the next run anyway (documents: a torn write shows as a changed MD5 and
   * is rewritten). Default true. S3 writes are atomic whatever this says.
   */
  atomic?: boolean;
}

/**
 * The data store, keyed like the S3 data bucket (`kb/…`, `raw/…`, `catalog/…`, `runs/…`).
 * Two adapters: S3 (AWS SDK v3) and a local directory with the same key layout.
 */
export interface Storage {
  /** The object's bytes, or undefined when it does not exist. */
  get(key: string): Promise<Buffer | undefined>;
  /** Writes the whole object. The local adapter writes atomically (temp file + rename). */
  put(key: string, body: Buffer | string, options?: PutOptions): Promise<void>;
  /** Every object under the prefix (recursive), sorted by key. */
  list(prefix: string): Promise<StoredObject[]>;
  /** Deletes the keys (missing keys are not an error). */
  delete(keys: readonly string[]): Promise<void>;
  /** The object's bytes with its entity tag, or undefined when it does not exist. */
  getTagged(key: string): Promise<TaggedObject | undefined>;
  /**
   * Writes the whole object only if `condition` holds at the moment of the write, and returns the new
   * entity tag; throws ConditionFailedError (a StorageError) when it does not. Two writers racing with
   * the same condition: exactly one wins.
   */
  putIf(
    key: string,
    body: Buffer | string,
    condition: WriteCondition,
    options?: { contentType?: string },
  ): Promise<string>;
  /** Deletes the object only if its entity tag is `etag`: true when deleted, false when missing or changed. */
  deleteIf(key: string, etag: string): Promise<boolean>;
  /**
   * The object's bytes as a stream, or undefined when it does not exist. Optional: adapters that can
   * stream implement it (all three here do); `openStream` (stream.ts) falls back to `get`.
   */
  getStream?(key: string): Promise<Readable | undefined>;
  /**
   * Writes a file's bytes at `key` without reading it into memory (same atomicity as `put`). Optional like
   * `getStream`; `putFile` (stream.ts) falls back to reading the file and `put`.
   */
  putFile?(key: string, file: string, options?: { contentType?: string }): Promise<void>;
  /** Human-readable location for messages: `s3://bucket` or a directory path. */
  readonly location: string;
}
