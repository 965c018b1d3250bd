import { LOCAL_NIGHTLY_LOCK, type NightlyLockSettings, nightlyTransform } from '../instant/nightly.js';
import { type Clock, systemClock } from '../shared/clock.js';
import type { WpkbConfig } from '../shared/config/schema.js';
import { oneLine } from '../shared/errors.js';
import { type Log, silentLog } from '../shared/logger.js';
import type { Storage } from '../storage/port.js';
import { createWordPressClient, type WordPressClient } from '../wordpress/client.js';
import { loadCurated } from './curated.js';
import { type ExtractResult, extractType } from './extract.js';
import { newRunId } from './keys.js';
import { loadExtracted } from './raw.js';
import { type RunReport, sumCounts, writeRunReport } from './report.js';
import type { TransformResult } from './transform.js';

export type ProgressEvent =
  | { step: 'discover'; site: string }
  | { step: 'extract'; type: string; page: number; pages: number; items: number }
  | { step: 'extracted'; type: string; items: number; pages: number; durationMs: number }
  | { step: 'transform' }
  | { step: 'transformed'; result: TransformResult; durationMs: number };

export interface PipelineOptions {
  config: WpkbConfig;
  storage: Storage;
  runId?: string;
  force?: boolean;
  /** Application password for `config.wordpress.username`. */
  password?: string;
  client?: WordPressClient;
  log?: Log;
  clock?: Clock;
  onProgress?: (event: ProgressEvent) => void;
  /** The data lock around transform (shared with `wpkb serve`'s instant updates). */
  lock?: NightlyLockSettings;
}

/**
 * extract (every configured type) → transform → run report. The local runner's pipeline and
 * the integration tests' entry; in the cloud the same steps run as separate Lambdas.
 * Throws on failure after writing a failed report; `kb/` is then as it was.
 */
export async function runPipeline(options: PipelineOptions): Promise<RunReport> {
  const { config, storage } = options;
  const log = options.log ?? silentLog;
  const clock = options.clock ?? systemClock;
  const progress = options.onProgress ?? (() => {});
  const started = clock.now();
  const runId = options.runId ?? newRunId(started);
  const report: RunReport = {
    runId,
    status: 'failed',
    site: config.site.url,
    startedAt: started.toISOString(),
    finishedAt: started.toISOString(),
    forced: options.force ?? false,
    types: {},
    totals: sumCounts({}),
    changes: 0,
    extract: {},
    durationsMs: {},
  };
  const since = (from: Date) => clock.now().getTime() - from.getTime();
  try {
    const client =
      options.client ??
      createWordPressClient(
        {
          ...config.wordpress,
          siteUrl: config.site.url,
          ...(options.password ? { password: options.password } : {}),
        },
        { log, onPage: (e) => progress({ step: 'extract', ...e }) },
      );
    progress({ step: 'discover', site: config.site.url });
    const extractStart = clock.now();
    await client.assertTypesExist(config.contentTypes);
    // Types are read at the same time through one client, whose limiter keeps the site's load at
    // `wordpress.concurrency` requests in flight overall; a type's page 1 no longer idles the others.
    const extracts: ExtractResult[] = await Promise.all(
      config.contentTypes.map(async (type) => {
        const result = await extractType(type, runId, { client, storage, log });
        progress({
          step: 'extracted',
          type: type.name,
          items: result.fetched,
          pages: result.pages,
          durationMs: result.durationMs,
        });
        return result;
      }),
    );
    for (const result of extracts) {
      report.extract[result.type] = {
        pages: result.pages,
        requests: result.requests,
        retries: result.retries,
        durationMs: result.durationMs,
      };
    }
    report.durationsMs.extract = since(extractStart);

    progress({ step: 'transform' });
    const transformStart = clock.now();
    const inputs = await loadExtracted(storage, config.contentTypes, extracts);
    const curated = await loadCurated(storage, log);
    const { result, instantUpdates } = await nightlyTransform({
      config,
      storage,
      inputs,
      extra: [curated],
      force: options.force ?? false,
      log,
      runId,
      runStartedAt: started,
      lock: options.lock ?? LOCAL_NIGHTLY_LOCK,
    });
    report.instantUpdates = instantUpdates;
    report.durationsMs.transform = since(transformStart);
    progress({ step: 'transformed', result, durationMs: report.durationsMs.transform });

    report.types = result.types;
    report.totals = sumCounts(result.types);
    report.boilerplate = result.boilerplate;
    report.changes = result.changes;
    report.status = 'succeeded';
    return report;
  } catch (error) {
    report.error = oneLine(error);
    throw error;
  } finally {
    report.finishedAt = clock.now().toISOString();
    report.durationsMs.total = since(started);
    await writeRunReport(storage, report).catch((cause) =>
      log.error('could not write the run report', { runId, error: oneLine(cause) }),
    );
  }
}
