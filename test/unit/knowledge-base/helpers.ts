import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type TransformInput, transform } from '../../../functions/core/pipeline/transform.js';
import type { WpItem } from '../../../functions/core/shared/types.js';
import { createMemoryStorage, type MemoryStorage } from '../../../functions/core/storage/memory.js';
import { createHashingEmbedder } from '../../../functions/local/knowledge-base/embedder.js';
import { ingestLocalKb } from '../../../functions/local/knowledge-base/ingest.js';
import { fixture, referenceConfig } from '../pipeline/helpers.js';
import { resolvedTypeNamed } from '../resolved.js';

export const config = referenceConfig();
export const chunking = config.cloud.knowledgeBase.chunking;
export const embedder = createHashingEmbedder(128);

export const site = (): Record<string, WpItem[]> => ({
  stores: fixture('stores'),
  event: fixture('event'),
  restaurant: fixture('restaurant'),
});

export const inputs = (items: Record<string, WpItem[]>): TransformInput[] =>
  Object.entries(items).map(([name, list]) => {
    return { type: resolvedTypeNamed(config, name), items: list };
  });

/** The real transform's documents for the WordPress fixtures, in a memory store. */
export async function transformed(items = site(), storage: MemoryStorage = createMemoryStorage()) {
  await transform({ config, storage, inputs: inputs(items) });
  return storage;
}

export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wpkb-local-kb-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A sidecar as Bedrock documents it (file-level attributes only). */
export const sidecar = (attributes: Record<string, unknown>) =>
  JSON.stringify({ metadataAttributes: attributes });

export const ingest = (storage: MemoryStorage, dataDir: string, e = embedder) =>
  ingestLocalKb({ storage, dataDir, chunking, embedder: e });
