import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { CLOUD_NIGHTLY_LOCK, type NightlyLockSettings, nightlyTransform } from '../core/instant/nightly.js';
import { loadCurated } from '../core/pipeline/curated.js';
import { stateSources, writeExtractStates } from '../core/pipeline/extract-state.js';
import { loadExtracted } from '../core/pipeline/raw.js';
import { buildRunReport, type RunReport, writeRunReport } from '../core/pipeline/report.js';
import { type Clock, systemClock } from '../core/shared/clock.js';
import { lambdaSettings } from '../core/shared/config/lambda-env.js';
import { taxonomySchema, type WpkbConfig } from '../core/shared/config/schema.js';
import { parseEvent } from '../core/shared/event.js';
import { type Log, logger, powertoolsLog } from '../core/shared/logger.js';
import { runIdSchema } from '../core/shared/validators.js';
import type { Storage } from '../core/storage/port.js';
import { createS3Storage } from '../core/storage/s3.js';
import { type DataSourceRef, markSyncPendingIfReplaced } from '../core/sync/synced-data-source.js';

const extractResultSchema = z.object({
  type: z.string().min(1),
  rawKey: z.string().min(1),
  fetched: z.number().int().min(0),
  pages: z.number().int().min(0),
  requests: z.number().int().min(0),
  retries: z.number().int().min(0),
  durationMs: z.number().min(0),
  bytes: z.number().int().min(0).optional(),
  mode: z.enum(['full', 'incremental']).optional(),
  reason: z.string().optional(),
  read: z.number().int().min(0).optional(),
  reused: z.number().int().min(0).optional(),
  gone: z.number().int().min(0).optional(),
  fingerprint: z.string().min(1).optional(),
  fullReadAt: z.iso.datetime().optional(),
  termsMd5: z.string().optional(),
  sameItemsAs: z.string().min(1).optional(),
  /** What extract found on the site for the type: transform builds documents with it. */
  resolved: z.object({
    restBase: z.string().min(1),
    label: z.string().min(1),
    labelPlural: z.string().min(1),
    taxonomies: z.array(taxonomySchema),
  }),
  warnings: z.array(z.string()).default([]),
});

export const transformEventSchema = z.object({
  runId: runIdSchema,
  extracts: z.array(extractResultSchema).min(1, 'needs at least one extract result'),
  force: z.boolean().default(false),
  startedAt: z.iso.datetime().optional(),
});

export interface TransformOutput {
  runId: string;
  /** Documents written or deleted under kb/: the state machine skips ingestion when 0. */
  changes: number;
  report: RunReport;
}

export interface TransformHandlerDeps {
  config: WpkbConfig;
  storage: Storage;
  log: Log;
  clock: Clock;
  /** The data lock around transform (default CLOUD_NIGHTLY_LOCK). */
  lock?: NightlyLockSettings;
  /**
   * The knowledge base and data source the functions are deployed with (cloud). When `kb/` was not last
   * ingested completely into them (a replaced data source, a first run), transform writes the
   * pending-sync marker and the state machine syncs everything, changes or not. Absent: no such check.
   */
  dataSource?: DataSourceRef;
}

export function makeTransformHandler(deps: TransformHandlerDeps) {
  return async (input: unknown): Promise<TransformOutput> => {
    const event = parseEvent(transformEventSchema, input, 'transform event');
    const { runId, extracts, force } = event;
    logger.appendKeys({ runId });
    const started = deps.clock.now();
    const inputs = await loadExtracted(deps.storage, deps.config.contentTypes, extracts);
    const curated = await loadCurated(deps.storage, deps.log);
    const { result, instantUpdates } = await nightlyTransform({
      config: deps.config,
      storage: deps.storage,
      inputs,
      extra: [curated],
      force,
      log: deps.log,
      runId,
      // The execution's start (before extract) when the state machine passes it; else now, which
      // preserves nothing an update wrote during extract (the next night corrects any stale copy).
      runStartedAt: event.startedAt ? new Date(event.startedAt) : started,
      lock: { ...(deps.lock ?? CLOUD_NIGHTLY_LOCK), now: () => deps.clock.now() },
    });
    const fullSync = deps.dataSource
      ? await markSyncPendingIfReplaced(deps, deps.dataSource, runId)
      : undefined;
    const finished = deps.clock.now();
    // The run is complete: the next one reads only what changed since.
    await writeExtractStates(deps.storage, runId, stateSources(extracts), finished, result.memories);
    const report = buildRunReport({
      runId,
      site: deps.config.site.url,
      startedAt: event.startedAt ?? started.toISOString(),
      finishedAt: finished.toISOString(),
      forced: force,
      extracts,
      transform: result,
      ...(fullSync ? { fullSync } : {}),
      instantUpdates,
      durationsMs: {
        // The Map runs the types side by side: extraction took as long as the slowest one.
        extract: Math.max(0, ...extracts.map((e) => e.durationMs)),
        transform: finished.getTime() - started.getTime(),
      },
    });
    await writeRunReport(deps.storage, report);
    return { runId, changes: result.changes, report };
  };
}

let cached: ReturnType<typeof makeTransformHandler> | undefined;

export const handler = async (event: unknown): Promise<TransformOutput> => {
  if (!cached) {
    const { config, bucket, dataSource } = lambdaSettings(process.env);
    cached = makeTransformHandler({
      config,
      storage: createS3Storage({ bucket, client: new S3Client({}) }),
      log: powertoolsLog,
      clock: systemClock,
      ...(dataSource ? { dataSource } : {}),
    });
  }
  return cached(event);
};
