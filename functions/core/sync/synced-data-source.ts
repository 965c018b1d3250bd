import { z } from 'zod';
import type { Log } from '../shared/logger.js';
import { putJson } from '../storage/codec.js';
import type { Storage } from '../storage/port.js';

/**
 * Written (body: the run id) before an ingestion starts, deleted after the index is verified. While it
 * exists, the next run syncs even when nothing changed: a failed or interrupted sync is retried by the
 * next execution instead of leaving the knowledge base behind `kb/` until the site changes again. The
 * state machine reads it (`Check pending sync`) after transform, which writes it too when the data
 * source was replaced (below).
 */
export const PENDING_SYNC_KEY = 'runs/sync-pending.txt';

/**
 * Which knowledge base and data source `kb/` was last ingested into completely: written by the sync
 * step when an ingestion job is COMPLETE. A Pinecone or chunking change replaces the knowledge base
 * and/or the data source (new ids, an empty index for them); comparing the ids the functions are
 * deployed with against this record tells a run that everything must be ingested again, although
 * nothing changed under `kb/`.
 */
export const SYNCED_DATA_SOURCE_KEY = 'runs/synced-data-source.json';

export interface DataSourceRef {
  knowledgeBaseId: string;
  dataSourceId: string;
}

const recordSchema = z.object({
  knowledgeBaseId: z.string().min(1),
  dataSourceId: z.string().min(1),
  jobId: z.string().min(1),
  runId: z.string().min(1),
  syncedAt: z.string().min(1),
});
export type SyncedDataSource = z.infer<typeof recordSchema>;

/** Records a COMPLETE ingestion of `kb/` into this data source. */
export async function recordSyncedDataSource(storage: Storage, record: SyncedDataSource): Promise<void> {
  await putJson(storage, SYNCED_DATA_SOURCE_KEY, record);
}

/**
 * The recorded data source, or undefined when there is none. Listed before it is read: on S3 a GetObject
 * of a missing key answers 403 (not 404) unless the role may list the bucket, and the listing needs a
 * grant on this one key only. A record that is not what this module writes counts as none (logged):
 * the worst outcome is one sync too many.
 */
export async function readSyncedDataSource(
  storage: Storage,
  log: Log,
): Promise<SyncedDataSource | undefined> {
  const listed = await storage.list(SYNCED_DATA_SOURCE_KEY);
  if (!listed.some((o) => o.key === SYNCED_DATA_SOURCE_KEY)) return undefined;
  // Storage failures propagate (retryable); only a body that is not a record counts as none.
  const body = await storage.get(SYNCED_DATA_SOURCE_KEY);
  const parsed = recordSchema.safeParse(parseJson(body?.toString('utf8')));
  if (parsed.success) return parsed.data;
  log.warn('Synced data source record is unreadable: treated as missing', {
    key: SYNCED_DATA_SOURCE_KEY,
    location: storage.location,
  });
  return undefined;
}

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Why `current` needs a full sync although `kb/` may not have changed, or undefined when `kb/` was last
 * ingested completely into this very knowledge base and data source.
 */
export function fullSyncReason(
  current: DataSourceRef,
  recorded: SyncedDataSource | undefined,
): string | undefined {
  if (!recorded) {
    return `no complete ingestion is recorded for data source ${current.dataSourceId} (knowledge base ${current.knowledgeBaseId})`;
  }
  if (
    recorded.dataSourceId === current.dataSourceId &&
    recorded.knowledgeBaseId === current.knowledgeBaseId
  ) {
    return undefined;
  }
  return `the data source changed from ${recorded.dataSourceId} (knowledge base ${recorded.knowledgeBaseId}) to ${current.dataSourceId} (knowledge base ${current.knowledgeBaseId}) since the last complete ingestion`;
}

/**
 * After transform: when the deployed data source is not the one `kb/` was last ingested into, writes the
 * pending-sync marker so this run (and, if it fails, the next) ingests everything. Returns the reason,
 * or undefined when no sync is forced.
 */
export async function markSyncPendingIfReplaced(
  deps: { storage: Storage; log: Log },
  current: DataSourceRef,
  runId: string,
): Promise<string | undefined> {
  const reason = fullSyncReason(current, await readSyncedDataSource(deps.storage, deps.log));
  if (reason === undefined) return undefined;
  await deps.storage.put(PENDING_SYNC_KEY, runId, { contentType: 'text/plain; charset=utf-8' });
  deps.log.info('Full sync forced: the knowledge base will ingest all of kb/', { reason, ...current });
  return reason;
}
