import { allOf, contentTypeFilter, type RetrievalFilter } from '../../core/retrieval/filter.js';
import { freshnessFilter } from '../../core/retrieval/freshness.js';
import { type Clock, fixedClock, systemClock } from '../../core/shared/clock.js';
import type { WpkbConfig } from '../../core/shared/config/schema.js';
import { ConfigError } from '../../core/shared/errors.js';
import { embedderFromConfig, tuningFromConfig } from './from-config.js';
import { openLocalKb, type Passage } from './retrieve.js';

export interface AskOptions {
  config: WpkbConfig;
  dataDir: string;
  question: string;
  k?: number;
  /** Only this content type. */
  type?: string;
  /** Judge freshness at this date (YYYY-MM-DD) instead of today. */
  today?: string;
  /** Also past events (no freshness filter). */
  includePast?: boolean;
  clock?: Clock;
}

/** A clock at noon UTC of an ISO date (the day is the same in every American time zone). */
export function clockForDate(date: string): Clock {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)))
    throw new ConfigError(`--today: expected a date like 2026-03-01 (got "${date}")`);
  return fixedClock(`${date}T12:00:00Z`);
}

/** The filter a retrieval applies: freshness (unless asked not to), the type, and any other. */
export function retrievalFilterFor(
  config: WpkbConfig,
  options: { type?: string; today?: string; includePast?: boolean; clock?: Clock; extra?: RetrievalFilter },
): RetrievalFilter | undefined {
  const clock = options.today ? clockForDate(options.today) : (options.clock ?? systemClock);
  return allOf(
    options.includePast ? undefined : freshnessFilter({ clock, timeZone: config.site.timeZone }),
    options.type ? contentTypeFilter(options.type) : undefined,
    options.extra,
  );
}

/** `wpkb ask`: the top-k passages of the local index for a question, as the chat endpoint would filter. */
export async function askLocal(options: AskOptions): Promise<Passage[]> {
  const kb = await openLocalKb(options.dataDir, await embedderFromConfig(options.config));
  const filter = retrievalFilterFor(options.config, options);
  return kb.retrieve(options.question, {
    k: options.k ?? 5,
    ...(filter ? { filter } : {}),
    tuning: tuningFromConfig(options.config),
  });
}
