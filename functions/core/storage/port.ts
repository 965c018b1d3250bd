/** One stored object as listed: key and the MD5 of its bytes (hex, unquoted). */
export interface StoredObject {
  key: string;
  /** Hex MD5 of the body: S3's ETag for single-part uploads; the local adapter computes it. */
  md5: string;
  size: number;
}

/**
 * The data store, keyed like the S3 data bucket (`kb/…`, `raw/…`, `catalog/…`, `runs/…`).
 * Two adapters: S3 (AWS SDK v3) and a local directory with the same key layout.
 */
export interface Storage {
  /** The object's bytes, or undefined when it does not exist. */
  get(key: string): Promise<Buffer | undefined>;
  /** Writes the whole object. The local adapter writes atomically (temp file + rename). */
  put(key: string, body: Buffer | string, options?: { contentType?: string }): Promise<void>;
  /** Every object under the prefix (recursive), sorted by key. */
  list(prefix: string): Promise<StoredObject[]>;
  /** Deletes the keys (missing keys are not an error). */
  delete(keys: readonly string[]): Promise<void>;
  /** Human-readable location for messages: `s3://bucket` or a directory path. */
  readonly location: string;
}
