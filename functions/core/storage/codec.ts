import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { StorageError } from '../shared/errors.js';
import type { Storage } from './port.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Hex MD5 of the bytes (a string is taken as UTF-8): what S3 reports as a single-part ETag. */
export function md5Hex(body: Buffer | string): string {
  return createHash('md5').update(body).digest('hex');
}

/** Gzipped JSON Lines: one `JSON.stringify(item)` per line, each line ending in `\n`. */
export async function encodeJsonLinesGz(items: readonly unknown[]): Promise<Buffer> {
  const lines = items.map((item, index) => {
    const line = JSON.stringify(item);
    if (line === undefined) throw new TypeError(`Item ${index} cannot be encoded as JSON (${typeof item})`);
    return `${line}\n`;
  });
  return gzipAsync(Buffer.from(lines.join(''), 'utf8'));
}

/**
 * Reads what encodeJsonLinesGz wrote. Blank lines are skipped. The items are NOT validated: `T` is
 * the caller's claim. A corrupt file (not gzip, truncated, a line that is not JSON, bytes that are not
 * UTF-8) throws a StorageError naming `key` (when given) and the line.
 */
export async function decodeJsonLinesGz<T>(buf: Buffer, key = '(buffer)'): Promise<T[]> {
  let raw: Buffer;
  try {
    raw = await gunzipAsync(buf);
  } catch (error) {
    throw new StorageError(
      `Cannot decode gzipped JSON lines from ${key}: not valid gzip data (${(error as Error).message})`,
      key,
      { cause: error },
    );
  }
  const text = decodeUtf8(raw, key);
  const items: T[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      items.push(JSON.parse(line) as T);
    } catch (error) {
      throw new StorageError(
        `Cannot decode gzipped JSON lines from ${key}: line ${index + 1} is not valid JSON (${(error as Error).message})`,
        key,
        { cause: error },
      );
    }
  }
  return items;
}

/** Writes `value` as pretty JSON (2-space indent, trailing newline), content type application/json. */
export async function putJson(storage: Storage, key: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value, null, 2);
  if (text === undefined)
    throw new StorageError(`Cannot write ${key}: value is not JSON (${typeof value})`, key);
  await storage.put(key, `${text}\n`, { contentType: 'application/json' });
}

/**
 * Reads a JSON object: undefined when the key does not exist; a StorageError naming the key and
 * location when it is not UTF-8 JSON. The value is NOT validated: `T` is the caller's claim.
 */
export async function getJson<T>(storage: Storage, key: string): Promise<T | undefined> {
  const body = await storage.get(key);
  if (body === undefined) return undefined;
  const text = decodeUtf8(body, key, storage.location);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new StorageError(`Invalid JSON in ${key} (${storage.location}): ${(error as Error).message}`, key, {
      cause: error,
    });
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 (a leading BOM is dropped). */
function decodeUtf8(bytes: Buffer, key: string, location?: string): string {
  try {
    return utf8.decode(bytes);
  } catch (error) {
    const where = location === undefined ? key : `${key} (${location})`;
    throw new StorageError(`Invalid UTF-8 in ${where}`, key, { cause: error });
  }
}
