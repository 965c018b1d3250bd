import { termsOf } from './catalog.js';
import {
  type ActionContext,
  eventTypes,
  loadTypes,
  missingNote,
  now,
  type Outcome,
  placeTypes,
  todayOf,
} from './context.js';
import { optional } from './events.js';
import { hoursOfDay, statusAt } from './hours.js';
import { ParamError, type Params } from './params.js';
import { placeOf, weekHours } from './places.js';
import { clip, levelKey } from './text.js';
import { fromNumber } from './time.js';

const FIELD_MAX = 500;
const MAX_FIELDS = 40;

/** `GET /items/{sourceId}`: everything the catalog has on one item (any type), by its source_id. */
export async function getItem(ctx: ActionContext, params: Params): Promise<Outcome> {
  const sourceId = params.get('sourceId')?.trim() ?? '';
  if (!/^[\w.-]{1,100}$/.test(sourceId))
    throw new ParamError(
      'sourceId',
      `"${sourceId.slice(0, 40)}" is not a source_id`,
      'the source_id of an item from listEvents or findPlaces, e.g. 123',
    );
  const { items, missing } = await loadTypes(ctx, ctx.config.contentTypes);
  const found = items.find(({ item }) => item.source_id === sourceId);
  if (!found) {
    return {
      status: 404,
      body: {
        error: 'not_found',
        message: `No item has source_id ${sourceId}. Get ids from listEvents or findPlaces.`,
        ...missingNote(missing),
      },
    };
  }
  const { type, item } = found;
  const n = now(ctx);
  const isPlace = type.dateField === undefined;
  const place = isPlace ? placeOf(ctx, type, item) : undefined;
  const status = place ? statusAt(place.hours, { weekday: n.weekday, minutes: n.minutes }) : undefined;
  const terms = termsOf(item);
  const body: Record<string, unknown> = {
    today: todayOf(n),
    source_id: item.source_id,
    type: type.name,
    type_label: type.label ?? type.name,
    title: item.title,
    url: item.url,
    ...optional('modified_at', item.modified_at),
    ...optional('dates', item.date_text),
    ...(item.start_date !== undefined
      ? { start: fromNumber(item.start_date), end: fromNumber(item.end_date ?? item.start_date) }
      : {}),
    metadata: item.metadata,
    ...(terms.length ? { categories: terms } : {}),
    fields: item.fields
      .slice(0, MAX_FIELDS)
      .map((f) => ({ label: f.label, value: clip(f.value, FIELD_MAX) })),
    ...(place?.hoursText !== undefined
      ? {
          hours: place.hoursText,
          hours_by_day: weekHours(place.hours) ?? 'the hours text could not be read day by day',
          ...optional('hours_today', hoursOfDay(place.hours, n.weekday)),
          open_now: status?.status === 'unknown' ? null : status?.status === 'open',
        }
      : {}),
    summary: clip(item.summary, 600),
  };
  return { status: 200, body: fitItem(body, ctx.maxBodyBytes) };
}

const levelOrder = (key: string) => (/^-?\d+$/.test(key) ? Number(key) : Number.MAX_SAFE_INTEGER);

/** Drops trailing fields until the body fits (an item is small; this guards odd content). */
function fitItem(body: Record<string, unknown>, maxBytes: number): Record<string, unknown> {
  const fields = [...(body.fields as unknown[])];
  const out: Record<string, unknown> = { ...body, fields };
  while (fields.length && Buffer.byteLength(JSON.stringify(out)) > maxBytes) {
    fields.pop();
    out.fields_truncated = true;
  }
  return out;
}

/**
 * `GET /directory`: what can be asked — today's date and weekday in the site's time zone, the content
 * types with their counts, the levels and the categories in use (the values the other operations accept).
 */
export async function describeDirectory(ctx: ActionContext, _params: Params): Promise<Outcome> {
  const n = now(ctx);
  const { items, missing } = await loadTypes(ctx, ctx.config.contentTypes);
  const counts = new Map<string, number>();
  const levels = new Map<string, { forms: Map<string, number>; places: number }>();
  const categories = new Map<string, number>();
  const places = new Set(placeTypes(ctx.config).map((t) => t.name));
  for (const { type, item } of items) {
    counts.set(type.name, (counts.get(type.name) ?? 0) + 1);
    if (!places.has(type.name)) continue;
    const place = placeOf(ctx, type, item);
    if (place.level !== undefined) {
      const key = levelKey(place.level);
      const entry = levels.get(key) ?? { forms: new Map<string, number>(), places: 0 };
      entry.places++;
      entry.forms.set(place.level, (entry.forms.get(place.level) ?? 0) + 1);
      levels.set(key, entry);
    }
    for (const term of place.terms) categories.set(term, (categories.get(term) ?? 0) + 1);
  }
  const events = new Set(eventTypes(ctx.config).map((t) => t.name));
  const body: Record<string, unknown> = {
    today: todayOf(n),
    site: ctx.config.site.url,
    types: ctx.config.contentTypes.map((t) => ({
      name: t.name,
      label: t.labelPlural ?? t.label ?? t.name,
      kind: events.has(t.name) ? 'events' : 'places',
      count: missing.includes(t.name) ? null : (counts.get(t.name) ?? 0),
    })),
    // One entry per level however it is written ("2", "Nivel 2"), named by its most common form
    // (the more descriptive one on a tie), lowest level first, named levels ("Subterráneo") last.
    levels: [...levels.entries()]
      .sort(([a], [b]) => levelOrder(a) - levelOrder(b) || a.localeCompare(b, 'es'))
      .map(([, l]) => ({
        level:
          [...l.forms.entries()].sort(
            (a, b) => b[1] - a[1] || b[0].length - a[0].length || a[0].localeCompare(b[0]),
          )[0]?.[0] ?? '',
        places: l.places,
      })),
    categories: [...categories.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'es'))
      .slice(0, 60)
      .map(([name, count]) => ({ name, places: count })),
    ...missingNote(missing),
  };
  return { status: 200, body };
}
