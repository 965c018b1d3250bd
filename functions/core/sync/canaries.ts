import type { RunReport } from '../pipeline/report.js';
import { type CanaryInput, type CanaryOutcome, describeMiss, runCanaries } from '../retrieval/canaries.js';
import { freshnessFilter, todayNumber } from '../retrieval/freshness.js';
import type { Retrieve } from '../retrieval/retriever.js';
import type { Clock } from '../shared/clock.js';
import type { Log } from '../shared/logger.js';
import type { Storage } from '../storage/port.js';
import type { CanariesOutput } from './contract.js';
import { CanaryMissError } from './errors.js';
import { CANARY_MISSES, type MetricSink } from './metrics.js';
import { updateRunReport } from './run-report.js';

/**
 * Post-sync canaries: after a COMPLETE ingestion, a verified index and a prepared agent, the configured
 * questions (`canaries.questions`) go through the deployed knowledge base's Retrieve API with the same
 * freshness filter the chat endpoint uses, and each expected item must come back within its top k
 * (functions/core/retrieval/canaries.ts does the asking and the matching).
 *
 * - every run with canaries: a `canaries` section in `runs/<runId>.json` (and latest), the metric
 *   `wpkb/CanaryMisses` (0 when all hit), one log line per miss;
 * - a miss, not strict: the step returns `{ok: false, summary}` and the state machine publishes the
 *   canary alert (the run succeeds);
 * - a miss, strict: the report says failed and the step throws CanaryMissError, which the state
 *   machine's catch turns into the failure alert and a failed execution;
 * - no canaries: nothing is asked, written or counted.
 *
 * A Retrieve that fails (after the SDK's retries) is a miss whose line says `got error: …`.
 */

/** The `canaries` section of the run report. */
export interface CanariesReport {
  ok: boolean;
  strict: boolean;
  asked: number;
  /** The freshness filter's day: YYYYMMDD in the site's time zone. */
  today: number;
  hits: Array<Pick<CanaryOutcome, 'question' | 'expected' | 'type' | 'k' | 'rank'>>;
  /** Each miss with what came back (`got`, best first) or the Retrieve error. */
  misses: CanaryOutcome[];
  checkedAt: string;
}

/** The run report with the section this step adds. */
export type RunReportWithCanaries = RunReport & { canaries?: CanariesReport };

export interface CanaryDeps {
  /** The deployed knowledge base (`bedrockRetrieve`); any Retrieve works. */
  retrieve: Retrieve;
  storage: Storage;
  log: Log;
  clock: Clock;
  metrics: MetricSink;
}

export interface CanaryRun {
  questions: CanaryInput;
  strict: boolean;
  /** IANA time zone of the site: when the day turns for the freshness filter. */
  timeZone: string;
}

/** Results shown per miss in the alert (the report keeps them all). */
export const ALERT_RESULTS = 5;
/** Ceilings that keep the Lambda error (the alert's Cause) and the state's summary well inside limits. */
const ERROR_MESSAGE_MAX = 4_000;
const SUMMARY_MAX = 16_000;

const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** One alert line per miss: `describeMiss` with at most ALERT_RESULTS of what came back. */
export function alertLine(miss: CanaryOutcome): string {
  const shown = miss.got.slice(0, ALERT_RESULTS);
  const more = miss.got.length - shown.length;
  return `${describeMiss({ ...miss, got: shown })}${more > 0 ? `, and ${more} more` : ''}`;
}

/** Runs the canaries and records, counts, logs and (strict) fails as described above. */
export async function runPostSyncCanaries(
  deps: CanaryDeps,
  runId: string,
  run: CanaryRun,
): Promise<CanariesOutput> {
  const { log } = deps;
  if (run.questions.length === 0) {
    log.info('No canaries configured: nothing asked');
    return { ok: true, asked: 0, hits: 0, misses: 0, strict: run.strict, summary: '' };
  }
  const today = todayNumber(deps.clock, run.timeZone);
  const result = await runCanaries(deps.retrieve, run.questions, {
    baseFilter: freshnessFilter({ clock: deps.clock, timeZone: run.timeZone }),
  });
  const asked = result.hits.length + result.misses.length;
  const lines = result.misses.map(alertLine);
  const fails = !result.ok && run.strict;
  const errorMessage = truncate(
    `${lines.length} of ${asked} canaries missed: ${lines.join('; ')}`,
    ERROR_MESSAGE_MAX,
  );

  const now = deps.clock.now().toISOString();
  const section: CanariesReport = {
    ok: result.ok,
    strict: run.strict,
    asked,
    today,
    hits: result.hits.map(({ question, expected, type, k, rank }) => ({
      question,
      expected,
      ...(type ? { type } : {}),
      k,
      rank,
    })),
    misses: result.misses,
    checkedAt: now,
  };
  await updateRunReport(deps.storage, runId, log, (report) => {
    const { error: previous, ...rest } = report;
    const next: RunReportWithCanaries = fails
      ? { ...rest, status: 'failed', finishedAt: now, canaries: section, error: errorMessage }
      : {
          ...rest,
          finishedAt: now,
          canaries: section,
          ...(previous !== undefined ? { error: previous } : {}),
        };
    return next;
  });
  deps.metrics.count(CANARY_MISSES, result.misses.length);

  for (const miss of result.misses) {
    log.warn('Canary missed', {
      question: miss.question,
      expected: miss.expected,
      k: miss.k,
      ...(miss.type ? { type: miss.type } : {}),
      got: miss.got.slice(0, ALERT_RESULTS).map((g) => `${g.source_id} ${g.title}`),
      ...(miss.error ? { error: miss.error } : {}),
    });
  }
  log.info('Canaries run', {
    asked,
    hits: result.hits.length,
    misses: result.misses.length,
    today,
    strict: run.strict,
  });

  if (fails) throw new CanaryMissError(errorMessage, lines);
  return {
    ok: result.ok,
    asked,
    hits: result.hits.length,
    misses: result.misses.length,
    strict: run.strict,
    summary: truncate(lines.join('\n'), SUMMARY_MAX),
  };
}
