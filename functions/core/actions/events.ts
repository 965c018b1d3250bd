import { type CatalogItem, termsOf } from './catalog.js';
import {
  type ActionContext,
  DEFAULT_LIMIT,
  eventTypes,
  fitList,
  loadTypes,
  MAX_LIMIT,
  missingNote,
  now,
  type Outcome,
  todayOf,
} from './context.js';
import { fieldValues, metaOrField, roleLabels } from './fields.js';
import { limitParam, optionalDate, optionalText, ParamError, type Params } from './params.js';
import { clip, containsAllWords } from './text.js';
import { addDays, daysBetween, fromNumber, toNumber } from './time.js';

/** The default window: today and the next 7 days. */
export const DEFAULT_EVENT_DAYS = 7;
export const MAX_EVENT_SPAN_DAYS = 366;

const eventTexts = (item: CatalogItem) => [
  item.title,
  item.summary,
  item.date_text ?? '',
  ...item.fields.map((f) => f.value),
  ...Object.values(item.metadata).map(String),
  ...termsOf(item),
];

/**
 * `GET /events`: events whose dates overlap [from, to] (inclusive, calendar days in the site's time
 * zone), default today → today + 7; `q` keeps those whose text (or categories) has every word of it. Events whose
 * date text did not parse are never placed on a day: they are counted, for the model to say so.
 */
export async function listEvents(ctx: ActionContext, params: Params): Promise<Outcome> {
  const n = now(ctx);
  const fromParam = optionalDate(params, 'from');
  const toParam = optionalDate(params, 'to');
  const from = fromParam ?? n.date;
  const to = toParam ?? addDays(from, DEFAULT_EVENT_DAYS);
  if (daysBetween(from, to) < 0)
    throw new ParamError('to', `${to} is before from (${from})`, `a date on or after ${from}`);
  if (daysBetween(from, to) > MAX_EVENT_SPAN_DAYS)
    throw new ParamError('to', `the range is longer than ${MAX_EVENT_SPAN_DAYS} days`, 'a shorter range');
  const q = optionalText(params, 'q');
  const limit = limitParam(params, DEFAULT_LIMIT, MAX_LIMIT);

  const types = eventTypes(ctx.config);
  const { items, missing } = await loadTypes(ctx, types);
  const [lo, hi] = [toNumber(from), toNumber(to)];
  const textMatch = (item: CatalogItem) => q === undefined || containsAllWords(eventTexts(item), q);

  const matching = items.filter(({ item }) => {
    if (item.start_date === undefined) return false;
    const end = item.end_date ?? item.start_date;
    return item.start_date <= hi && end >= lo && textMatch(item);
  });
  matching.sort(
    (a, b) =>
      (a.item.start_date ?? 0) - (b.item.start_date ?? 0) ||
      (a.item.end_date ?? 0) - (b.item.end_date ?? 0) ||
      a.item.title.localeCompare(b.item.title, 'es'),
  );
  const undated = items.filter(({ item }) => item.start_date === undefined && textMatch(item)).length;

  const page = matching.slice(0, limit).map(({ type, item }) => {
    const labels = roleLabels(ctx.config, type.name);
    const start = item.start_date as number;
    const times = [...new Set(fieldValues(item, labels, 'time').flatMap((v) => v.split(/\s*,\s*/)))];
    return {
      source_id: item.source_id,
      type: type.name,
      title: item.title,
      dates: item.date_text ?? fromNumber(start),
      start: fromNumber(start),
      end: fromNumber(item.end_date ?? start),
      ...(start < lo ? { already_started: true } : {}),
      ...(times.length ? { times } : {}),
      ...optional('place', metaOrField(item, labels, 'location')),
      ...optional('organizer', fieldValues(item, labels, 'organizer')[0]),
      ...(termsOf(item).length ? { categories: termsOf(item) } : {}),
      url: item.url,
      ...optional('summary', item.summary ? clip(item.summary, 200) : undefined),
    };
  });

  const body: Record<string, unknown> = {
    today: todayOf(n),
    from,
    to,
    ...(q !== undefined ? { q } : {}),
    total: matching.length,
    returned: page.length,
    more: matching.length - page.length,
    events: page,
    ...(undated > 0
      ? {
          undated_events: undated,
          undated_note: `${undated} event(s)${q ? ' matching q' : ''} have no date that could be read; they are not listed here (search the knowledge base for them).`,
        }
      : {}),
    ...missingNote(missing),
  };
  return { status: 200, body: fitList(body, 'events', ctx.maxBodyBytes) };
}

export const optional = (key: string, value: string | undefined): Record<string, string> =>
  value !== undefined && value.trim() !== '' ? { [key]: value } : {};
