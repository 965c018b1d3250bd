import type { Clock } from '../shared/clock.js';
import type { RetrievalFilter } from './filter.js';

/**
 * Freshness: an event whose end date has passed is never offered as upcoming.
 *
 * Decision: a retrieval filter, not an expiry in `kb/`. Transform gives every document a numeric
 * `available_until` (YYYYMMDD: an event's end date, otherwise 99991231 — see OPEN_ENDED in
 * functions/core/documents/document.ts); whoever retrieves — `wpkb ask`, `wpkb eval`, the chat endpoint
 * (InvokeAgent `sessionState.knowledgeBaseConfigurations[].retrievalConfiguration
 * .vectorSearchConfiguration.filter`) — passes `available_until >= today`, computed from the clock at
 * that moment. The day turns at midnight in the site's time zone (an event ending today is still on),
 * with no nightly run needed, and no document is deleted (so the deletion guard is not involved and a
 * past event stays in `catalog/` for the action group and people). Events whose dates could not be
 * parsed ("Todos los sábados") stay available: they carry the open-ended value.
 */
export interface FreshnessOptions {
  clock: Clock;
  /** IANA time zone of the site (`site.timeZone`). */
  timeZone: string;
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

/** The metadata key every document carries for freshness. */
export const AVAILABLE_UNTIL_KEY = 'available_until';

/** The filter that keeps everything except events that ended before today. */
export function freshnessFilter(options: FreshnessOptions): RetrievalFilter {
  return {
    greaterThanOrEquals: { key: AVAILABLE_UNTIL_KEY, value: todayNumber(options.clock, options.timeZone) },
  };
}
