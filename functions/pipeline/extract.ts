import type { ContentTypeConfig } from '../shared/config/schema.js';
import type { Log } from '../shared/logger.js';
import { encodeJsonLinesGz } from '../storage/codec.js';
import type { Storage } from '../storage/port.js';
import type { WordPressClient } from '../wordpress/client.js';
import { keys } from './keys.js';
import { redactProtected } from './redact.js';

/** What extract hands to transform (and what the Map state collects). */
export interface ExtractResult {
  type: string;
  rawKey: string;
  fetched: number;
  pages: number;
  requests: number;
  retries: number;
  durationMs: number;
}

export interface ExtractDeps {
  client: WordPressClient;
  storage: Storage;
  log: Log;
}

/**
 * Reads every published item of one type and stores them, as fetched (protected items
 * redacted), at `raw/<type>/<runId>.jsonl.gz`. Throws when the type cannot be read completely.
 */
export async function extractType(
  type: ContentTypeConfig,
  runId: string,
  deps: ExtractDeps,
): Promise<ExtractResult> {
  const result = await deps.client.fetchAll(type);
  const rawKey = keys.raw(type.name, runId);
  await deps.storage.put(rawKey, await encodeJsonLinesGz(result.items.map(redactProtected)));
  deps.log.info('extracted', { type: type.name, items: result.items.length, pages: result.pages, rawKey });
  return {
    type: type.name,
    rawKey,
    fetched: result.items.length,
    pages: result.pages,
    requests: result.requests,
    retries: result.retries,
    durationMs: result.durationMs,
  };
}
