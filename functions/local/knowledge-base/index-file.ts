import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RawData } from '@orama/orama';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { chunkingSchema } from '../../core/shared/config/cloud-schema.js';
import { StorageError, WpkbError } from '../../core/shared/errors.js';

/**
 * The local index on disk: ONE file, `<dataDir>/local-index/index.json` (outside the keys that mirror
 * the bucket), written atomically, holding the manifest and Orama's serialised database, so the two
 * can never disagree after a crash.
 *
 * The manifest records what the index was built from: per `kb/` file its MD5 (and its sidecar's) and
 * the ids of its chunks — what makes ingestion incremental like a Bedrock sync — plus the embedder,
 * the tokenizer, the chunking and the filterable fields. An index built with another embedder, tokenizer or
 * chunking, or an older format, is rebuilt.
 */

export const INDEX_DIR = 'local-index';
export const INDEX_FILE = 'index.json';
/** The manifest alone, next to the index file (see writeIndexFile). */
export const MANIFEST_FILE = 'manifest.json';
export const INDEX_FORMAT = 'wpkb-local-index/1';

export const manifestFileSchema = z.object({
  md5: z.string(),
  /** MD5 of `<key>.metadata.json`, when there is one. */
  sidecarMd5: z.string().optional(),
  chunks: z.array(z.string()),
  /** Why the file gave no chunks (unreadable for the local index); it is not retried until it changes. */
  skipped: z.string().optional(),
});

export const manifestSchema = z.object({
  format: z.literal(INDEX_FORMAT),
  embedder: z.object({ id: z.string(), dimensions: z.number().int().positive() }),
  /** The full-text rules the index was built with (text.ts TOKENIZER_ID); absent in indexes built before it. */
  tokenizer: z.string().optional(),
  chunking: chunkingSchema,
  fields: z.record(z.string(), z.enum(['enum', 'number', 'boolean', 'enum[]'])),
  files: z.record(z.string(), manifestFileSchema),
});
export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = z.infer<typeof manifestFileSchema>;

export interface IndexFile {
  manifest: Manifest;
  orama: RawData;
}

export const indexDirOf = (dataDir: string): string => path.join(dataDir, INDEX_DIR);
export const indexFileOf = (dataDir: string): string => path.join(indexDirOf(dataDir), INDEX_FILE);

/** No index was built in this data directory. */
export class LocalIndexMissingError extends WpkbError {
  override readonly name = 'LocalIndexMissingError';
}

/** The index file, or undefined when there is none. A corrupt or foreign file throws (naming it). */
export async function readIndexFile(dataDir: string): Promise<IndexFile | undefined> {
  const file = indexFileOf(dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StorageError(`Cannot read the local index ${file}: ${(error as Error).message}`, file, {
      cause: error,
    });
  }
  let json: { manifest?: unknown; orama?: unknown };
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new StorageError(`The local index ${file} is not valid JSON (delete it and run npm start)`, file, {
      cause,
    });
  }
  const manifest = manifestSchema.safeParse(json.manifest);
  if (!manifest.success || typeof json.orama !== 'object' || json.orama === null) return undefined;
  return { manifest: manifest.data, orama: json.orama as RawData };
}

export async function writeIndexFile(dataDir: string, index: IndexFile): Promise<void> {
  const file = indexFileOf(dataDir);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify({ manifest: index.manifest, orama: index.orama }));
  // Then the manifest on its own, stamped with the index file it describes: a run that changes nothing
  // reads this small file instead of the whole index (tens of MB for a few thousand documents).
  // Its inode (every atomic write makes a new one), size and time.
  const { size, mtimeMs, ino } = await stat(file);
  await writeFileAtomic(
    manifestFileOf(dataDir),
    JSON.stringify({ index: { size, mtimeMs, ino }, manifest: index.manifest }),
  );
}

export const manifestFileOf = (dataDir: string): string => path.join(indexDirOf(dataDir), MANIFEST_FILE);

/**
 * The manifest of the index file, read from its small copy, or undefined when there is no copy or it does
 * not describe the index file now there (another size or time: written before a crash, or by an older
 * version): the caller then reads the index file itself.
 */
export async function readManifestFile(dataDir: string): Promise<Manifest | undefined> {
  try {
    const [text, info] = await Promise.all([
      readFile(manifestFileOf(dataDir), 'utf8'),
      stat(indexFileOf(dataDir)),
    ]);
    const json = JSON.parse(text) as {
      index?: { size?: unknown; mtimeMs?: unknown; ino?: unknown };
      manifest?: unknown;
    };
    const stamp = json.index;
    // Times within a millisecond: file systems and utimes keep different fractions of one.
    if (
      stamp?.size !== info.size ||
      stamp?.ino !== info.ino ||
      typeof stamp?.mtimeMs !== 'number' ||
      Math.abs(stamp.mtimeMs - info.mtimeMs) >= 1
    )
      return undefined;
    const manifest = manifestSchema.safeParse(json.manifest);
    return manifest.success ? manifest.data : undefined;
  } catch {
    return undefined;
  }
}

export async function removeIndexFile(dataDir: string): Promise<void> {
  await rm(indexFileOf(dataDir), { force: true });
  await rm(manifestFileOf(dataDir), { force: true });
}
