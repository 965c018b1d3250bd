import type { Storage } from '../storage/port.js';
import { putJson } from '../storage/codec.js';
import { keys } from './keys.js';
import type { TypeCounts } from './plan.js';

export interface ExtractStats {
  pages: number;
  requests: number;
  retries: number;
  durationMs: number;
}

/** `runs/<runId>.json` and `runs/latest.json`: what a run did, for people and alarms. */
export interface RunReport {
  runId: string;
  status: 'succeeded' | 'failed';
  site: string;
  startedAt: string;
  finishedAt: string;
  forced: boolean;
  types: Record<string, TypeCounts>;
  totals: TypeCounts;
  /** Documents written or deleted under kb/: 0 means the knowledge base needs no sync. */
  changes: number;
  extract: Record<string, ExtractStats>;
  durationsMs: Record<string, number>;
  /** Set when status is failed: the one-line reason. */
  error?: string;
}

export function sumCounts(types: Record<string, TypeCounts>): TypeCounts {
  const total: TypeCounts = { fetched: 0, new: 0, changed: 0, unchanged: 0, deleted: 0, skipped: 0 };
  for (const counts of Object.values(types)) {
    for (const key of Object.keys(total) as (keyof TypeCounts)[]) total[key] += counts[key];
  }
  return total;
}

/** Writes the report under its id and as latest (each write atomic). */
export async function writeRunReport(storage: Storage, report: RunReport): Promise<void> {
  await putJson(storage, keys.run(report.runId), report);
  await putJson(storage, keys.latestRun, report);
}
