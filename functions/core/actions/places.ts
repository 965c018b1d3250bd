import type { ContentTypeConfig } from '../shared/config/schema.js';
import { type CatalogItem, termsOf } from './catalog.js';
import {
  type ActionContext,
  DEFAULT_LIMIT,
  fitList,
  loadTypes,
  MAX_LIMIT,
  missingNote,
  now,
  type Outcome,
  placeTypes,
  todayOf,
} from './context.js';
import { optional } from './events.js';
import { firstField, metaOrField, type RoleLabels, roleLabels, urlIn } from './fields.js';
import { type Hours, hoursOfDay, parseHours, statusAt } from './hours.js';
import {
  limitParam,
  optionalBoolean,
  optionalChoice,
  optionalText,
  ParamError,
  type Params,
} from './params.js';
import { clip, containsAllWords, fold, levelKey, nameScore, similarity } from './text.js';
import { clockTime, parseLocalDateTime, WEEKDAYS_ES, weekdayOf } from './time.js';

interface Place {
  type: ContentTypeConfig;
  item: CatalogItem;
  labels: RoleLabels;
  level: string | undefined;
  hoursText: string | undefined;
  hours: Hours;
  terms: string[];
}

export const placeOf = (ctx: ActionContext, type: ContentTypeConfig, item: CatalogItem): Place => {
  const labels = roleLabels(ctx.config, type.name);
  const hoursText = firstField(item, labels, 'hours');
  return {
    type,
    item,
    labels,
    level: metaOrField(item, labels, 'level'),
    hoursText,
    hours: parseHours(hoursText),
    terms: termsOf(item),
  };
};

interface Filters {
  types: ContentTypeConfig[];
  name?: string;
  category?: string;
  level?: string;
}

function readFilters(ctx: ActionContext, params: Params): Filters {
  const all = placeTypes(ctx.config);
  const type = optionalChoice(
    params,
    'type',
    all.map((t) => t.name),
  );
  const name = optionalText(params, 'name');
  const category = optionalText(params, 'category');
  const level = optionalText(params, 'level', 40);
  return {
    types: type ? all.filter((t) => t.name === type) : all,
    ...(name !== undefined ? { name } : {}),
    ...(category !== undefined ? { category } : {}),
    ...(level !== undefined ? { level } : {}),
  };
}

/** A category matches a taxonomy term (either contains the other), or the description when there are none. */
function categoryMatch(place: Place, category: string): 'taxonomy' | 'text' | undefined {
  const c = fold(category);
  if (place.terms.length) {
    return place.terms.some((t) => {
      const f = fold(t);
      return f.includes(c) || c.includes(f);
    })
      ? 'taxonomy'
      : undefined;
  }
  return containsAllWords([place.item.summary], category) ? 'text' : undefined;
}

interface Selected {
  places: Place[];
  missing: string[];
  matchedByText: boolean;
  suggestions: string[];
}

async function select(ctx: ActionContext, filters: Filters): Promise<Selected> {
  const { items, missing } = await loadTypes(ctx, filters.types);
  const places = items.map(({ type, item }) => placeOf(ctx, type, item));
  const wantedLevel = filters.level === undefined ? undefined : levelKey(filters.level);
  let matchedByText = false;
  const scored: { place: Place; score: number }[] = [];
  for (const place of places) {
    if (wantedLevel !== undefined && (place.level === undefined || levelKey(place.level) !== wantedLevel))
      continue;
    if (filters.category !== undefined) {
      const how = categoryMatch(place, filters.category);
      if (!how) continue;
      if (how === 'text') matchedByText = true;
    }
    const score = filters.name === undefined ? 1 : nameScore(place.item.title, filters.name);
    if (score > 0) scored.push({ place, score });
  }
  scored.sort((a, b) => b.score - a.score || a.place.item.title.localeCompare(b.place.item.title, 'es'));
  const suggestions =
    filters.name !== undefined && scored.length === 0
      ? places
          .map((p) => ({ title: p.item.title, s: similarity(p.item.title, filters.name as string) }))
          .filter((x) => x.s >= 0.4)
          .sort((a, b) => b.s - a.s)
          .map((x) => x.title)
          .filter((title, i, all) => all.indexOf(title) === i)
          .slice(0, 5)
      : [];
  return { places: scored.map((s) => s.place), missing, matchedByText, suggestions };
}

const filterEcho = (f: Filters, allTypes: number) => ({
  ...(f.name !== undefined ? { name: f.name } : {}),
  ...(f.category !== undefined ? { category: f.category } : {}),
  ...(f.level !== undefined ? { level: f.level } : {}),
  ...(f.types.length !== allTypes ? { type: f.types.map((t) => t.name).join(',') } : {}),
});

const textMatchNote =
  'These places have no category terms in the catalog; the category was matched against their description.';

/**
 * `GET /places`: stores and restaurants by name (best matches first), category, level and type,
 * with what a visitor asks for: where (level, local, location), hours, phone, web.
 */
export async function findPlaces(ctx: ActionContext, params: Params): Promise<Outcome> {
  const filters = readFilters(ctx, params);
  const limit = limitParam(params, DEFAULT_LIMIT, MAX_LIMIT);
  const n = now(ctx);
  const { places, missing, matchedByText, suggestions } = await select(ctx, filters);
  const page = places.slice(0, limit).map((p) => {
    const status = statusAt(p.hours, { weekday: n.weekday, minutes: n.minutes });
    return {
      source_id: p.item.source_id,
      type: p.type.name,
      title: p.item.title,
      ...optional('level', p.level),
      ...optional('local', metaOrField(p.item, p.labels, 'local')),
      ...optional('location', firstField(p.item, p.labels, 'location')),
      ...optional('hours', p.hoursText),
      ...optional('hours_today', hoursOfDay(p.hours, n.weekday)),
      open_now: status.status === 'unknown' ? null : status.status === 'open',
      ...optional('phone', firstField(p.item, p.labels, 'phone')),
      ...optional('email', firstField(p.item, p.labels, 'email')),
      ...optional('web', urlIn(firstField(p.item, p.labels, 'web'))),
      ...(p.terms.length ? { categories: p.terms } : {}),
      url: p.item.url,
      ...optional('summary', p.item.summary ? clip(p.item.summary, 200) : undefined),
    };
  });
  const body: Record<string, unknown> = {
    today: todayOf(n),
    filters: filterEcho(filters, placeTypes(ctx.config).length),
    total: places.length,
    returned: page.length,
    more: places.length - page.length,
    places: page,
    ...(suggestions.length ? { did_you_mean: suggestions } : {}),
    ...(matchedByText ? { note: textMatchNote } : {}),
    ...missingNote(missing),
  };
  return { status: 200, body: fitList(body, 'places', ctx.maxBodyBytes) };
}

/**
 * `GET /places/open`: which places are open at a local date and time (default now). Only parseable
 * hours count; places whose hours are missing or unreadable are counted as unknown, never guessed.
 */
export async function listOpenPlaces(ctx: ActionContext, params: Params): Promise<Outcome> {
  const filters = readFilters(ctx, params);
  const limit = limitParam(params, DEFAULT_LIMIT, MAX_LIMIT);
  const n = now(ctx);
  const atText = optionalText(params, 'at', 40);
  const at = atText === undefined ? { date: n.date, minutes: n.minutes } : parseLocalDateTime(atText, n.date);
  if (!at)
    throw new ParamError(
      'at',
      `"${atText}" is not a local date and time`,
      `YYYY-MM-DDTHH:MM in ${ctx.config.site.timeZone} (e.g. 2026-03-07T20:00), or HH:MM for today`,
    );
  const holiday = optionalBoolean(params, 'holiday') ?? false;
  const weekday = weekdayOf(at.date);
  const { places, missing, matchedByText } = await select(ctx, filters);

  const open: { place: Place; closesAt: string }[] = [];
  const unknown: Place[] = [];
  let closed = 0;
  let holidayUnstated = 0;
  for (const place of places) {
    const s = statusAt(place.hours, { weekday, minutes: at.minutes, holiday });
    if (s.status === 'unknown') unknown.push(place);
    else {
      if (s.holidayHoursUnstated) holidayUnstated++;
      if (s.status === 'open') open.push({ place, closesAt: s.closesAt });
      else closed++;
    }
  }
  const page = open.slice(0, limit).map(({ place: p, closesAt }) => ({
    source_id: p.item.source_id,
    type: p.type.name,
    title: p.item.title,
    ...optional('level', p.level),
    ...optional('local', metaOrField(p.item, p.labels, 'local')),
    ...optional('hours_that_day', hoursOfDay(p.hours, weekday, holiday)),
    closes_at: closesAt,
    url: p.item.url,
  }));
  const notes: string[] = [];
  if (unknown.length)
    notes.push(
      `${unknown.length} place(s) have no hours that could be read; whether they are open is unknown (not counted as open or closed).`,
    );
  if (holidayUnstated)
    notes.push(
      `${holidayUnstated} place(s) do not state holiday hours; their hours for that weekday were used.`,
    );
  if (matchedByText) notes.push(textMatchNote);
  const body: Record<string, unknown> = {
    today: todayOf(n),
    at: { date: at.date, weekday: WEEKDAYS_ES[weekday], time: clockTime(at.minutes), holiday },
    filters: filterEcho(filters, placeTypes(ctx.config).length),
    counts: { open: open.length, closed, unknown: unknown.length },
    total: open.length,
    returned: page.length,
    more: open.length - page.length,
    open: page,
    ...(unknown.length ? { unknown_hours_examples: unknown.slice(0, 5).map((p) => p.item.title) } : {}),
    ...(notes.length ? { notes } : {}),
    ...missingNote(missing),
  };
  return { status: 200, body: fitList(body, 'open', ctx.maxBodyBytes) };
}

/** The week of a place's hours, Monday first (`lunes: 10:00–21:00`), when they could be read. */
export function weekHours(hours: Hours): Record<string, string> | undefined {
  if (!hours.known) return undefined;
  const out: Record<string, string> = {};
  for (const d of [1, 2, 3, 4, 5, 6, 0])
    out[WEEKDAYS_ES[d] as string] = hoursOfDay(hours, d) ?? 'no indicado';
  if (hours.rules.some((r) => r.holidays)) out.festivos = hoursOfDay(hours, 0, true) ?? 'no indicado';
  return out;
}
