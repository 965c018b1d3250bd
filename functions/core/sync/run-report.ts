import { keys } from '../pipeline/keys.js';
import { type RunReport, writeRunReport } from '../pipeline/report.js';
import type { Log } from '../shared/logger.js';
import { getJson } from '../storage/codec.js';
import type { Storage } from '../storage/port.js';

/**
 * Reads `runs/<runId>.json`, applies `update`, writes it back as the run's report and as
 * `runs/latest.json`. A missing report (a run started by hand without transform) is logged and left
 * alone: bookkeeping must not fail a sync. Storage failures propagate (StorageError, retryable).
 */
export async function updateRunReport(
  storage: Storage,
  runId: string,
  log: Log,
  update: (report: RunReport) => RunReport,
): Promise<RunReport | undefined> {
  const key = keys.run(runId);
  const report = await getJson<RunReport>(storage, key);
  if (report === undefined) {
    log.warn('Run report not found: not updated', { key, location: storage.location });
    return undefined;
  }
  const next = { ...update(report), runId };
  await writeRunReport(storage, next);
  return next;
}
