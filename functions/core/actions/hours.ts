/**
 * Opening hours as the site writes them, in Spanish, turned into weekly rules — or reported as not
 * understood. Nothing is guessed: any word the grammar does not know makes the whole text "unknown".
 *
 * Understood: day names and abbreviations (`lunes`, `lun`, `sáb.`, plurals), ranges and lists of days
 * (`lunes a viernes`, `lun-vie`, `sábado y domingo`, `viernes a lunes` wraps), `todos los días`, `diario`,
 * `fin de semana`, `festivos`/`feriados`; times `10:00`, `10.30`, `10h30`, `10` (with `hrs`), `am`/`pm`;
 * ranges `10:00 a 21:00`, `10:00–21:00`, `desde … hasta …`, past midnight (`12:00 a 02:00`), `24 horas`;
 * split shifts (`10:00 a 14:00 y 16:00 a 20:00`), `cerrado`; several rules separated by new lines, `,`,
 * `;` or `y`. Times alone (`10:00 a 20:00 hrs.`) apply to every day. Days a text does not mention are
 * unknown (never assumed closed); a later rule for the same day replaces an earlier one.
 */

export interface TimeRange {
  /** Minutes since midnight. */
  open: number;
  /** Minutes since midnight of the same day; above 1440 when it closes after midnight. */
  close: number;
}

export interface HoursRule {
  /** 0 = Sunday … 6 = Saturday. */
  days: number[];
  /** The rule names public holidays (`festivos`, `feriados`). */
  holidays: boolean;
  /** Empty when closed. */
  ranges: TimeRange[];
}

export type Hours = { known: true; rules: HoursRule[] } | { known: false };

type Token =
  | { kind: 'day'; day: number }
  | { kind: 'days'; days: number[] }
  | { kind: 'holiday' }
  | { kind: 'time'; minutes: number; explicit: boolean }
  | { kind: 'allDay' }
  | { kind: 'closed' }
  | { kind: 'to' }
  | { kind: 'and' };

const ALL_DAYS = [1, 2, 3, 4, 5, 6, 0];

const DAY_WORDS: [RegExp, number][] = [
  [/^(?:lunes|lun)$/, 1],
  [/^(?:martes|mar)$/, 2],
  [/^(?:miercoles|mie|mier)$/, 3],
  [/^(?:jueves|jue)$/, 4],
  [/^(?:viernes|vie)$/, 5],
  [/^(?:sabados?|sab)$/, 6],
  [/^(?:domingos?|dom)$/, 0],
];

/** Words that carry no meaning here ("de lunes a viernes", "10:00 hrs.", "horario:"). */
const FILLER = new Set([
  'de',
  'del',
  'desde',
  'los',
  'las',
  'el',
  'hrs',
  'hr',
  'h',
  'hs',
  'horas',
  'horario',
]);

/** Lower case, no accents, one kind of dash, `a.m.` as `am`. */
function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\b([ap])\.\s?m\.?/g, '$1m');
}

const TOKEN =
  /\s+|(?<time>\d{1,2}(?:[:.h]\d{2})?)(?:\s*(?<ampm>am|pm)\b)?(?<suffix>\s*(?:hrs?|hs|h|horas)\b\.?)?|(?<word>[a-z]+)\.?|(?<sep>[,;\n])|(?<dash>-)|[:.()/]/y;

/** Tokens of the text, or undefined when some part of it is not understood. */
function tokenise(text: string): Token[] | undefined {
  const s = normalise(text)
    .replace(/\b(?:abierto\s+)?(?:las\s+)?24\s*(?:horas|hrs|h)\b|\b24\s*\/\s*7\b/g, ' @allday ')
    .replace(/\btodos\s+los\s+dias(?:\s+del\s+ano)?\b|\bdiario\b|\bdiariamente\b/g, ' @everyday ')
    .replace(/\bfines?\s+de\s+semana\b/g, ' @weekend ');
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  let index = 0;
  while (index < s.length) {
    if (s.startsWith('@', index)) {
      const m = /^@(\w+)/.exec(s.slice(index));
      const tag = m?.[1];
      if (tag === 'allday') out.push({ kind: 'allDay' });
      else if (tag === 'everyday') out.push({ kind: 'days', days: ALL_DAYS });
      else if (tag === 'weekend') out.push({ kind: 'days', days: [6, 0] });
      else return undefined;
      index += m?.[0].length ?? 1;
      continue;
    }
    TOKEN.lastIndex = index;
    const m = TOKEN.exec(s);
    if (!m || m[0].length === 0) return undefined;
    index = TOKEN.lastIndex;
    const g = m.groups ?? {};
    if (g.time !== undefined) {
      const minutes = timeOf(g.time, g.ampm);
      if (minutes === undefined) return undefined;
      out.push({
        kind: 'time',
        minutes,
        explicit: /[:.h]/.test(g.time) || g.ampm !== undefined || g.suffix !== undefined,
      });
    } else if (g.word !== undefined) {
      const word = g.word;
      if (FILLER.has(word)) continue;
      if (word === 'a' || word === 'al' || word === 'hasta') out.push({ kind: 'to' });
      else if (word === 'y' || word === 'e') out.push({ kind: 'and' });
      else if (/^(?:festivos?|feriados?)$/.test(word)) out.push({ kind: 'holiday' });
      else if (/^cerrados?$/.test(word)) out.push({ kind: 'closed' });
      else {
        const day = DAY_WORDS.find(([re]) => re.test(word))?.[1];
        if (day === undefined) return undefined;
        out.push({ kind: 'day', day });
      }
    } else if (g.sep !== undefined) out.push({ kind: 'and' });
    else if (g.dash !== undefined) out.push({ kind: 'to' });
  }
  return out;
}

function timeOf(text: string, ampm: string | undefined): number | undefined {
  const [h, m = '0'] = text.split(/[:.h]/);
  let hour = Number(h);
  const minute = Number(m);
  if (minute > 59) return undefined;
  if (ampm) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (ampm === 'pm' ? 12 : 0);
  }
  if (hour > 24 || (hour === 24 && minute > 0)) return undefined;
  return hour * 60 + minute;
}

function dayRange(from: number, to: number): number[] {
  const days = [from];
  for (let d = from; d !== to; ) {
    d = (d + 1) % 7;
    days.push(d);
  }
  return days;
}

interface Group {
  days: Set<number>;
  holidays: boolean;
  ranges: TimeRange[];
  closed: boolean;
  /** Created by times that came before any day: they apply to every day. */
  implicit?: boolean;
}

/** Parses opening hours; `{known: false}` for anything outside the grammar above. */
export function parseHours(text: string | undefined): Hours {
  if (!text?.trim()) return { known: false };
  const tokens = tokenise(text);
  if (!tokens?.length) return { known: false };

  const groups: Group[] = [];
  let current: Group | undefined;
  /** Days read since the last times: they start the next group. */
  let pendingDays: Set<number> | undefined;
  let pendingHolidays = false;
  let i = 0;
  const at = (k: number) => tokens[k];

  const openGroup = (): Group | undefined => {
    if (pendingDays || pendingHolidays) {
      current = { days: pendingDays ?? new Set(), holidays: pendingHolidays, ranges: [], closed: false };
      groups.push(current);
      pendingDays = undefined;
      pendingHolidays = false;
    } else if (!current) {
      current = { days: new Set(ALL_DAYS), holidays: false, ranges: [], closed: false, implicit: true };
      groups.push(current);
    }
    return current;
  };

  while (i < tokens.length) {
    const t = at(i);
    if (!t) break;
    if (t.kind === 'and') {
      i++;
      continue;
    }
    if (t.kind === 'day' || t.kind === 'days' || t.kind === 'holiday') {
      pendingDays ??= new Set();
      if (t.kind === 'holiday') pendingHolidays = true;
      else if (t.kind === 'days') for (const d of t.days) pendingDays.add(d);
      else {
        const next = at(i + 1);
        const end = at(i + 2);
        if (next?.kind === 'to' && end?.kind === 'day') {
          for (const d of dayRange(t.day, end.day)) pendingDays.add(d);
          i += 3;
          continue;
        }
        pendingDays.add(t.day);
      }
      i++;
      continue;
    }
    if (t.kind === 'closed') {
      if (!pendingDays && !pendingHolidays) return { known: false };
      const g = openGroup();
      if (!g) return { known: false };
      g.closed = true;
      i++;
      continue;
    }
    if (t.kind === 'allDay') {
      const g = openGroup();
      if (!g || g.closed) return { known: false };
      g.ranges.push({ open: 0, close: 1440 });
      i++;
      continue;
    }
    if (t.kind === 'time') {
      const sep = at(i + 1);
      const end = at(i + 2);
      if (sep?.kind !== 'to' || end?.kind !== 'time') return { known: false };
      // A bare number is an hour only beside a written time or "hrs" ("10 a 21 hrs" stays ambiguous: no).
      if (!t.explicit && !end.explicit) return { known: false };
      if (t.minutes >= 1440 || t.minutes === end.minutes) return { known: false };
      const close = end.minutes <= t.minutes ? end.minutes + 1440 : end.minutes;
      const g = openGroup();
      if (!g || g.closed) return { known: false };
      g.ranges.push({ open: t.minutes, close });
      i += 3;
      continue;
    }
    return { known: false };
  }

  // "10:00 a 21:00 de lunes a domingo": times first, then the days they apply to.
  if (pendingDays || pendingHolidays) {
    const only = groups[0];
    if (groups.length !== 1 || !only?.implicit || only.closed) return { known: false };
    only.days = pendingDays ?? new Set();
    only.holidays = pendingHolidays;
    only.implicit = false;
  }
  if (!groups.length || groups.some((g) => !g.closed && !g.ranges.length)) return { known: false };
  // "10:00 a 14:00 lunes a viernes 16:00 a 20:00": times for every day beside day rules is ambiguous.
  if (groups.length > 1 && groups.some((g) => g.implicit)) return { known: false };
  return {
    known: true,
    rules: groups.map((g) => ({
      days: ALL_DAYS.filter((d) => g.days.has(d)),
      holidays: g.holidays,
      ranges: g.closed ? [] : g.ranges,
    })),
  };
}

export type OpenStatus =
  | { status: 'open'; closesAt: string; holidayHoursUnstated?: true }
  | { status: 'closed'; holidayHoursUnstated?: true }
  | { status: 'unknown' };

/** The rule that governs a day: the last one naming it (holiday rules first on a holiday). */
function ruleFor(rules: readonly HoursRule[], weekday: number, holiday: boolean) {
  if (holiday) {
    const h = rules.findLast((r) => r.holidays);
    if (h) return { rule: h, holidayHoursUnstated: false };
  }
  return { rule: rules.findLast((r) => r.days.includes(weekday)), holidayHoursUnstated: holiday };
}

/** `HH:MM`; a close at midnight reads `24:00`, past midnight the next morning's time (`02:00`). */
const hhmm = (minutes: number) => {
  const m = minutes === 1440 ? 1440 : minutes % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/**
 * Open or closed at a local weekday and time. `holiday`: the day is a public holiday (the caller
 * knows; the text's `festivos` rule then applies — without one, the weekday's hours are used and
 * `holidayHoursUnstated` says so). A range past midnight counts on the next morning too.
 */
export function statusAt(
  hours: Hours,
  at: { weekday: number; minutes: number; holiday?: boolean; previousDayHoliday?: boolean },
): OpenStatus {
  if (!hours.known) return { status: 'unknown' };
  const today = ruleFor(hours.rules, at.weekday, at.holiday ?? false);
  const yesterday = ruleFor(hours.rules, (at.weekday + 6) % 7, at.previousDayHoliday ?? false);
  const flag = today.holidayHoursUnstated ? ({ holidayHoursUnstated: true } as const) : {};
  for (const r of yesterday.rule?.ranges ?? []) {
    if (r.close > 1440 && at.minutes < r.close - 1440)
      return { status: 'open', closesAt: hhmm(r.close), ...flag };
  }
  if (!today.rule) {
    // Still open from yesterday was checked; otherwise the text says nothing about this day.
    return { status: 'unknown' };
  }
  for (const r of today.rule.ranges) {
    if (at.minutes >= r.open && at.minutes < r.close)
      return { status: 'open', closesAt: hhmm(r.close), ...flag };
  }
  return { status: 'closed', ...flag };
}

/** The hours of one day as text (`10:00–14:00, 16:00–20:00`, `cerrado`), or undefined when unknown. */
export function hoursOfDay(hours: Hours, weekday: number, holiday = false): string | undefined {
  if (!hours.known) return undefined;
  const { rule } = ruleFor(hours.rules, weekday, holiday);
  if (!rule) return undefined;
  if (!rule.ranges.length) return 'cerrado';
  return rule.ranges.map((r) => `${hhmm(r.open)}–${hhmm(r.close)}`).join(', ');
}
