import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CURATED_PREFIX } from '../../core/pipeline/curated.js';
import { md5Hex } from '../../core/storage/codec.js';
import type { Storage } from '../../core/storage/port.js';

/**
 * Mirrors a knowledge folder (the repo's `knowledge/`) into `curated/` of the store, as the
 * deploy's BucketDeployment does in the cloud: changed files written, removed files deleted.
 */
export async function mirrorKnowledgeDir(directory: string, storage: Storage): Promise<number> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile() && !e.name.startsWith('.') && e.name !== 'README.md');
  const existing = new Map((await storage.list(CURATED_PREFIX)).map((o) => [o.key, o.md5]));
  const wanted = new Set<string>();
  for (const file of files) {
    const key = `${CURATED_PREFIX}${file.name}`;
    wanted.add(key);
    const body = await readFile(path.join(directory, file.name));
    if (existing.get(key) !== md5Hex(body)) await storage.put(key, body);
  }
  const stale = [...existing.keys()].filter((key) => !wanted.has(key));
  if (stale.length) await storage.delete(stale);
  return files.length;
}
