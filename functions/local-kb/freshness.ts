import type { Clock } from '../shared/clock.js';
import type { RetrievalFilter } from './filter.js';

/**
 * Freshness: an event whose end date has passed is never offered as upcoming.
 *
 * Decision: a retrieval filter, not an expiry in `kb/`. Transform writes every event with numeric
 * `start_date`/`end_date` (YYYYMMDD) in its sidecar; whoever retrieves — `wpkb ask`, `wpkb eval`, the
 * chat endpoint (InvokeAgent `sessionState.knowledgeBaseConfigurations[].retrievalConfiguration
 * .vectorSearchConfiguration.filter`) — passes this filter on every call, computed from the clock at
 * that moment. The day turns at midnight in the site's time zone (an event ending today is still on),
 * with no nightly run needed, and no document is deleted (so the deletion guard is not involved and a
 * past event stays in `catalog/` for the action group and people).
 *
 * The filter is `content_type ≠ event OR end_date ≥ today`. Events without a parsed end date (dates
 * without a year, "Todos los sábados", "Próximamente") do not pass: Bedrock's filters cannot test that
 * a key is absent, so an undated event cannot be kept without risking a past one. They are known and
 * listed in docs/local-kb.md.
 */
export interface FreshnessOptions {
  clock: Clock;
  /** IANA time zone of the site (`site.timeZone`). */
  timeZone: string;
  /** Content type whose items expire (default `event`). */
  contentType?: string;
  /** Numeric YYYYMMDD metadata key holding the last day (default `end_date`). */
  endDateKey?: string;
}

/** Today in the time zone as YYYYMMDD. */
export function todayNumber(clock: Clock, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(clock.now());
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return Number(`${get('year')}${get('month')}${get('day')}`);
}

/** The filter that keeps everything except events that ended before today. */
export function freshnessFilter(options: FreshnessOptions): RetrievalFilter {
  return {
    orAll: [
      { notEquals: { key: 'content_type', value: options.contentType ?? 'event' } },
      {
        greaterThanOrEquals: {
          key: options.endDateKey ?? 'end_date',
          value: todayNumber(options.clock, options.timeZone),
        },
      },
    ],
  };
}
