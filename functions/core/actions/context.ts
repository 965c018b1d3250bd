import type { Clock } from '../shared/clock.js';
import type { ContentTypeConfig, WpkbConfig } from '../shared/config/schema.js';
import { WpkbError } from '../shared/errors.js';
import type { CatalogCache, CatalogItem } from './catalog.js';
import { type LocalNow, localNow, WEEKDAYS_ES } from './time.js';

/** What every operation may use. */
export interface ActionContext {
  config: WpkbConfig;
  catalogs: CatalogCache;
  clock: Clock;
  /** Response bodies are cut (whole list items dropped, the count said) to stay under this many bytes. */
  maxBodyBytes: number;
}

/** A JSON body and its HTTP status. */
export interface Outcome {
  status: number;
  body: Record<string, unknown>;
}

/** None of the catalogs an operation needs exists yet: HTTP 503, the agent uses the knowledge base. */
export class DataUnavailableError extends WpkbError {
  override readonly name = 'DataUnavailableError';
}

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 25;

/** Types with a date field hold events; the others are places (stores, restaurants…). */
export const eventTypes = (config: WpkbConfig): ContentTypeConfig[] =>
  config.contentTypes.filter((t) => t.dateField !== undefined);
export const placeTypes = (config: WpkbConfig): ContentTypeConfig[] =>
  config.contentTypes.filter((t) => t.dateField === undefined);

export interface Loaded {
  items: { type: ContentTypeConfig; item: CatalogItem }[];
  missing: string[];
}

/** Items of these types; 503 when none of their catalogs exists. */
export async function loadTypes(ctx: ActionContext, types: readonly ContentTypeConfig[]): Promise<Loaded> {
  const { items, missing } = await ctx.catalogs.load(types.map((t) => t.name));
  if (types.length > 0 && missing.length === types.length) {
    throw new DataUnavailableError(
      `no catalog yet for ${missing.join(', ')}: the pipeline has not written catalog/<type>.json`,
    );
  }
  return {
    items: types.flatMap((type) => (items.get(type.name) ?? []).map((item) => ({ type, item }))),
    missing,
  };
}

export interface Today {
  date: string;
  weekday: string;
  time: string;
  time_zone: string;
}

export function now(ctx: ActionContext): LocalNow {
  return localNow(ctx.clock.now(), ctx.config.site.timeZone);
}

/** "Today" as every response states it, so the model can resolve "this Saturday" itself. */
export function todayOf(n: LocalNow): Today {
  return { date: n.date, weekday: WEEKDAYS_ES[n.weekday] ?? '', time: n.time, time_zone: n.timeZone };
}

const byteLength = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/**
 * Keeps a list body under `maxBytes`: drops items from the end (never half an item), adding them to
 * `more` and setting `truncated_for_size`. Expects `returned` and `more` counts beside the list.
 */
export function fitList(
  body: Record<string, unknown>,
  listKey: string,
  maxBytes: number,
): Record<string, unknown> {
  const list = body[listKey];
  if (!Array.isArray(list) || byteLength(body) <= maxBytes) return body;
  const items = [...list];
  const out: Record<string, unknown> = { ...body, [listKey]: items, truncated_for_size: true };
  let dropped = 0;
  while (items.length > 0 && byteLength(out) > maxBytes) {
    items.pop();
    dropped++;
    out.returned = items.length;
    out.more = Number(body.more ?? 0) + dropped;
  }
  return out;
}

export function missingNote(missing: readonly string[]): Record<string, unknown> {
  return missing.length ? { missing_catalogs: missing } : {};
}
