import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { StorageError } from '../shared/errors.js';
import type { Storage } from './port.js';

/**
 * Streaming reads and writes of the store, so that a step's memory is bounded by what it works on at
 * once, not by the size of an object: gzipped JSON lines read line by line, written through a temp file.
 */

/** The object's bytes as a stream (undefined when it does not exist); adapters without streams buffer. */
export async function openStream(storage: Storage, key: string): Promise<Readable | undefined> {
  if (storage.getStream) return storage.getStream(key);
  const body = await storage.get(key);
  return body === undefined ? undefined : Readable.from([body]);
}

/** Writes the file's bytes at `key` (streamed when the adapter can). */
export async function putFile(
  storage: Storage,
  key: string,
  file: string,
  options?: { contentType?: string },
): Promise<void> {
  if (storage.putFile) return storage.putFile(key, file, options);
  await storage.put(key, await readFile(file), options);
}

const utf8 = () => new TextDecoder('utf-8', { fatal: true });

/** The lines of a UTF-8 byte stream (without their `\n`; a last line without one is kept). */
export async function* linesOf(stream: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = utf8();
  let rest = '';
  for await (const chunk of stream) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let at = rest.indexOf('\n');
    while (at !== -1) {
      yield rest.slice(0, at);
      rest = rest.slice(at + 1);
      at = rest.indexOf('\n');
    }
  }
  rest += decoder.decode();
  if (rest !== '') yield rest;
}

/**
 * The values of a gzipped JSON-lines object (encodeJsonLinesGz's format), one at a time; blank lines are
 * skipped. Undefined when the object does not exist. A corrupt object throws a StorageError naming the key
 * (and the line) when the bad part is reached. The values are NOT validated: `T` is the caller's claim.
 */
export async function readJsonLinesGz<T>(
  storage: Storage,
  key: string,
): Promise<AsyncGenerator<T> | undefined> {
  const stream = await openStream(storage, key);
  if (!stream) return undefined;
  return parseLines<T>(stream, key);
}

async function* parseLines<T>(stream: Readable, key: string): AsyncGenerator<T> {
  const gunzip = createGunzip();
  stream.on('error', (error) => gunzip.destroy(error));
  stream.pipe(gunzip);
  let line = 0;
  try {
    for await (const text of linesOf(gunzip)) {
      line++;
      if (text.trim() === '') continue;
      let value: T;
      try {
        value = JSON.parse(text) as T;
      } catch (error) {
        throw new StorageError(
          `Cannot decode gzipped JSON lines from ${key}: line ${line} is not valid JSON (${(error as Error).message})`,
          key,
          { cause: error },
        );
      }
      yield value;
    }
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw new StorageError(`Cannot decode gzipped JSON lines from ${key}: ${(error as Error).message}`, key, {
      cause: error,
    });
  } finally {
    stream.unpipe(gunzip);
    stream.destroy();
    gunzip.destroy();
  }
}

/** Writes chunks to a stream, waiting for it to drain when its buffer is full. */
async function writeTo(stream: Writable, chunk: string | Buffer): Promise<void> {
  if (!stream.write(chunk)) {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => {
        stream.off('drain', onDrain);
        reject(error);
      };
      const onDrain = () => {
        stream.off('error', onError);
        resolve();
      };
      stream.once('drain', onDrain);
      stream.once('error', onError);
    });
  }
}

/** A private temp directory, removed by `dispose()`: where a step spools what does not fit in memory. */
export interface TempDir {
  readonly path: string;
  file(name: string): string;
  dispose(): Promise<void>;
}

export async function createTempDir(prefix = 'wpkb-'): Promise<TempDir> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return {
    path: dir,
    file: (name) => path.join(dir, name),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Gzipped JSON lines written one value at a time into a file (a temp file, usually), then put in the store
 * with `putFile`. Memory: the gzip window and one value.
 */
export class JsonLinesGzFile {
  private readonly gzip;
  private readonly out;
  private readonly done: Promise<void>;
  count = 0;

  constructor(
    readonly file: string,
    level = 6,
  ) {
    this.gzip = createGzip({ level });
    this.out = createWriteStream(file);
    this.gzip.pipe(this.out);
    this.done = finished(this.out);
    this.done.catch(() => {}); // surfaced by close()
  }

  async write(value: unknown): Promise<void> {
    const line = JSON.stringify(value);
    if (line === undefined) throw new TypeError(`value ${this.count} cannot be encoded as JSON`);
    this.count++;
    await writeTo(this.gzip, `${line}\n`);
  }

  /** Ends the file; resolves when every byte is on disk. */
  async close(): Promise<void> {
    this.gzip.end();
    await this.done;
  }

  /** Its values again, one at a time. */
  read<T>(): AsyncGenerator<T> {
    return parseLines<T>(createReadStream(this.file), this.file);
  }
}

/** A text file written piece by piece (catalog, export), its MD5 computed on the way. */
export class TextFile {
  private readonly out;
  private readonly done: Promise<void>;
  private readonly hash;
  bytes = 0;

  constructor(readonly file: string) {
    this.out = createWriteStream(file);
    this.done = finished(this.out);
    this.done.catch(() => {});
    this.hash = createHash('md5');
  }

  async write(text: string): Promise<void> {
    this.hash.update(text);
    this.bytes += Buffer.byteLength(text);
    await writeTo(this.out, text);
  }

  /** Ends the file; resolves with the hex MD5 of what was written. */
  async close(): Promise<string> {
    this.out.end();
    await this.done;
    return this.hash.digest('hex');
  }
}
