import pLimit from 'p-limit';
import { z } from 'zod';
import type { InstantUpdatesReport } from '../pipeline/report.js';
import type { Log } from '../shared/logger.js';
import { putJson } from '../storage/codec.js';
import type { Storage } from '../storage/port.js';

/**
 * The instant-update ledger: one small object per applied hint under `instant/` (outside `kb/`, so
 * never ingested). The nightly run reads it to count the instant updates since the last run and to
 * leave alone the documents an instant update re-read after the run's extract, then removes what it
 * counted.
 */
export const INSTANT_PREFIX = 'instant/';

export const instantRecordSchema = z.object({
  /** When the update was applied (ISO 8601). */
  at: z.iso.datetime(),
  /** Content type name. */
  type: z.string(),
  /** Post id; 0 for a type-level update. */
  id: z.number().int().min(0),
  event: z.enum(['upsert', 'delete', 'type']),
  action: z.enum(['written', 'deleted', 'unchanged']),
  /** `kb/…csv` keys written or deleted. */
  documents: z.array(z.string()),
  durationMs: z.number().min(0),
});
export type InstantRecord = z.infer<typeof instantRecordSchema>;

/** `instant/20260301T120000123Z-stores-12-3f9a.json`: sortable by time, unique per update. */
export function instantRecordKey(
  record: Pick<InstantRecord, 'at' | 'type' | 'id'>,
  random = Math.random,
): string {
  const stamp = record.at.replace(/[-:.]/g, '');
  const suffix = Math.floor(random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  return `${INSTANT_PREFIX}${stamp}-${record.type}-${record.id}-${suffix}.json`;
}

export async function recordInstantUpdate(storage: Storage, record: InstantRecord): Promise<string> {
  const key = instantRecordKey(record);
  await putJson(storage, key, record);
  return key;
}

const RECORD_KEY = /^instant\/[0-9TZ]+-(.+)-(\d+)-[0-9a-f]{4}\.json$/;

/**
 * Ids of the type's items that instant updates touched since the ledger was last consumed (the previous
 * run), from the records' keys alone (one listing, no reads); type-level records (id 0) left out.
 */
export async function instantIdsOf(storage: Storage, type: string): Promise<Set<number>> {
  const ids = new Set<number>();
  for (const { key } of await storage.list(INSTANT_PREFIX)) {
    const match = RECORD_KEY.exec(key);
    if (match?.[1] === type && match[2] !== '0') ids.add(Number(match[2]));
  }
  return ids;
}

/** Every record in the ledger with its key; unreadable objects are skipped with a warning. */
export async function readInstantLedger(
  storage: Storage,
  log: Log,
): Promise<{ key: string; record: InstantRecord }[]> {
  const listed = await storage.list(INSTANT_PREFIX);
  const limit = pLimit(16);
  const read = await Promise.all(
    listed.map((object) =>
      limit(async () => {
        const body = await storage.get(object.key);
        if (body === undefined) return undefined;
        try {
          const record = instantRecordSchema.parse(JSON.parse(body.toString('utf8')));
          return { key: object.key, record };
        } catch {
          log.warn('instant ledger: unreadable record skipped', { key: object.key });
          return undefined;
        }
      }),
    ),
  );
  return read.filter((entry) => entry !== undefined);
}

export function summariseLedger(records: readonly InstantRecord[], preserved: number): InstantUpdatesReport {
  const times = records.map((r) => r.at).sort();
  return {
    count: records.length,
    written: records.filter((r) => r.action === 'written').length,
    deleted: records.filter((r) => r.action === 'deleted').length,
    unchanged: records.filter((r) => r.action === 'unchanged').length,
    preserved,
    ...(times.length ? { first: times[0], last: times[times.length - 1] } : {}),
  };
}
