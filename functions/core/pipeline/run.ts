import { LOCAL_NIGHTLY_LOCK, type NightlyLockSettings, nightlyTransform } from '../instant/nightly.js';
import { type Clock, systemClock } from '../shared/clock.js';
import type { WpkbConfig } from '../shared/config/schema.js';
import { oneLine } from '../shared/errors.js';
import { type Log, silentLog } from '../shared/logger.js';
import type { Storage } from '../storage/port.js';
import { createWordPressClient, type WordPressClient } from '../wordpress/client.js';
import { loadCurated } from './curated.js';
import { type ExtractResult, extractType } from './extract.js';
import type { PlanSummary } from './extract-plan.js';
import { stateSources, writeExtractStates } from './extract-state.js';
import { newRunId } from './keys.js';
import { loadExtracted } from './raw.js';
import { buildRunReport, type InstantUpdatesReport, type RunReport, writeRunReport } from './report.js';
import type { TransformResult } from './transform.js';

export type ProgressEvent =
  | { step: 'discover'; site: string }
  | { step: 'warning'; message: string }
  | { step: 'extract'; type: string; page: number; pages: number; items: number }
  | { step: 'planned'; plan: PlanSummary }
  | { step: 'read'; type: string; items: number }
  | { step: 'extracted'; type: string; result: ExtractResult }
  | { step: 'transform-items'; type: string; pass: 1 | 2; items: number; total: number }
  | { step: 'transform' }
  | { step: 'transformed'; result: TransformResult; durationMs: number };

export interface PipelineOptions {
  config: WpkbConfig;
  storage: Storage;
  runId?: string;
  force?: boolean;
  /** Read every item of every type, whatever the previous run says (`--full`). */
  full?: boolean;
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
  let extracted: ExtractResult[] = [];
  let transformed: TransformResult | undefined;
  let instantUpdates: InstantUpdatesReport | undefined;
  let failure: string | undefined;
  let report: RunReport;
  const durationsMs: Record<string, number> = {};
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
    const resolutions = await client.resolveTypes(config.contentTypes);
    for (const resolution of resolutions) {
      for (const message of resolution.warnings) progress({ step: 'warning', message });
    }
    // Types are read at the same time through one client, whose limiter keeps the site's load at
    // `wordpress.concurrency` requests in flight overall; a type's page 1 no longer idles the others.
    extracted = await Promise.all(
      resolutions.map(async (resolution) => {
        const { type } = resolution;
        const result = await extractType(
          resolution,
          runId,
          {
            client,
            storage,
            log,
            clock,
            onPlan: (plan) => progress({ step: 'planned', plan }),
            onItems: (items) => progress({ step: 'read', type: type.name, items }),
          },
          { wordpress: config.wordpress, full: options.full ?? false, authenticated: !!options.password },
        );
        progress({ step: 'extracted', type: type.name, result });
        return result;
      }),
    );
    durationsMs.extract = since(extractStart);

    progress({ step: 'transform' });
    const transformStart = clock.now();
    const inputs = await loadExtracted(storage, config.contentTypes, extracted);
    const curated = await loadCurated(storage, log);
    const nightly = await nightlyTransform({
      config,
      storage,
      inputs,
      extra: [curated],
      force: options.force ?? false,
      log,
      runId,
      runStartedAt: started,
      lock: options.lock ?? LOCAL_NIGHTLY_LOCK,
      onItems: ({ type, pass, items, total }) => {
        const fetched = extracted.find((e) => e.type === type)?.fetched ?? items;
        progress({ step: 'transform-items', type, pass, items, total: total ?? fetched });
      },
    });
    transformed = nightly.result;
    instantUpdates = nightly.instantUpdates;
    durationsMs.transform = since(transformStart);
    for (const message of transformed.warnings) progress({ step: 'warning', message });
    progress({ step: 'transformed', result: transformed, durationMs: durationsMs.transform });
    // The run is complete: the next one reads only what changed since.
    await writeExtractStates(storage, runId, stateSources(extracted), clock.now(), transformed.memories);
  } catch (error) {
    failure = oneLine(error);
    throw error;
  } finally {
    durationsMs.total = since(started);
    report = buildRunReport({
      runId,
      site: config.site.url,
      startedAt: started.toISOString(),
      finishedAt: clock.now().toISOString(),
      forced: options.force ?? false,
      extracts: extracted,
      ...(transformed ? { transform: transformed } : {}),
      ...(instantUpdates ? { instantUpdates } : {}),
      durationsMs,
      ...(failure === undefined ? {} : { error: failure }),
    });
    await writeRunReport(storage, report).catch((cause) =>
      log.error('could not write the run report', { runId, error: oneLine(cause) }),
    );
  }
  return report;
}
