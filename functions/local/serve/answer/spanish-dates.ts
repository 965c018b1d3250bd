import { fold } from '../../../core/actions/text.js';
import {
  addDays,
  type IsoDate,
  MONTHS_ES,
  parseIsoDate,
  WEEKDAYS_ES,
  weekdayOf,
} from '../../../core/actions/time.js';

/** A span of calendar days a question is about, and how to say it back. */
export interface DaySpan {
  from: IsoDate;
  to: IsoDate;
  /** `hoy`, `el sábado 7 de marzo`, `este fin de semana (7 y 8 de marzo)`. */
  label: string;
}

const MONTH_NUMBER = new Map<string, number>([
  ...MONTHS_ES.map((m, i) => [m, i + 1] as const),
  ['setiembre', 9],
]);
/** Folded weekday names (no accents), Sunday first like WEEKDAYS_ES. */
const WEEKDAYS = WEEKDAYS_ES.map((d) => fold(d));

const pad = (n: number) => String(n).padStart(2, '0');

/** `sábado 7 de marzo de 2026`. */
export function longDate(date: IsoDate): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${WEEKDAYS_ES[weekdayOf(date)]} ${d} de ${MONTHS_ES[m - 1]} de ${y}`;
}

/** The day itself when it is a real date, else undefined (31 de febrero). */
function isoOf(y: number, m: number, d: number): IsoDate | undefined {
  return parseIsoDate(`${String(y).padStart(4, '0')}-${pad(m)}-${pad(d)}`);
}

/** The next day on or after `today` falling on `weekday`. */
const nextWeekday = (today: IsoDate, weekday: number) => addDays(today, (weekday - weekdayOf(today) + 7) % 7);

/** A day and month without a year: this year's, unless it has passed, then next year's. */
function upcoming(today: IsoDate, m: number, d: number, year?: number): IsoDate | undefined {
  const y = Number(today.slice(0, 4));
  if (year !== undefined) return isoOf(year, m, d);
  const thisYear = isoOf(y, m, d);
  if (thisYear !== undefined && thisYear >= today) return thisYear;
  return isoOf(y + 1, m, d) ?? thisYear;
}

const day = (date: IsoDate, label: string): DaySpan => ({ from: date, to: date, label });

/**
 * The days a Spanish question names, relative to `today` (the site's local date): `hoy`, `mañana`,
 * `pasado mañana`, `este fin de semana`, `esta semana`, `la próxima semana`, `este mes`, a weekday
 * (`el sábado`: the next one, today included), `15 de marzo [de 2026]`, `15/03[/2026]`, `2026-03-15`.
 * Undefined when it names none. Words are compared without accents or case.
 */
export function daySpanIn(question: string, today: IsoDate): DaySpan | undefined {
  const q = ` ${fold(question)} `;
  const iso = /(\d{4})-(\d{2})-(\d{2})/.exec(question);
  if (iso) {
    const date = isoOf(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    if (date) return day(date, `el ${longDate(date)}`);
  }
  const slash = /\b(\d{1,2})\/(\d{1,2})(?:\/(\d{4}))?\b/.exec(question);
  if (slash) {
    const date = upcoming(today, Number(slash[2]), Number(slash[1]), slash[3] ? Number(slash[3]) : undefined);
    if (date) return day(date, `el ${longDate(date)}`);
  }
  const named = / (\d{1,2}) de ([a-z]+)(?: (?:de |del )?(\d{4}))? /.exec(q);
  const month = named ? MONTH_NUMBER.get(named[2] as string) : undefined;
  if (named && month !== undefined) {
    const date = upcoming(today, month, Number(named[1]), named[3] ? Number(named[3]) : undefined);
    if (date) return day(date, `el ${longDate(date)}`);
  }
  if (q.includes(' pasado manana ')) {
    const date = addDays(today, 2);
    return day(date, `pasado mañana (${longDate(date)})`);
  }
  if (q.includes(' hoy ') || q.includes(' esta noche ') || q.includes(' esta tarde '))
    return day(today, `hoy (${longDate(today)})`);
  // "mañana" alone is tomorrow; "en la mañana" / "por la mañana" is the morning.
  if (/ manana /.test(q) && !/ (la|las|esta) manana /.test(q)) {
    const date = addDays(today, 1);
    return day(date, `mañana (${longDate(date)})`);
  }
  if (/ (fin de semana|finde) /.test(q)) {
    const weekday = weekdayOf(today);
    const from = weekday === 0 ? today : nextWeekday(today, 6);
    const to = weekday === 0 ? today : addDays(from, 1);
    return {
      from,
      to,
      label: `el fin de semana (${from === to ? longDate(from) : `${longDate(from)} y ${longDate(to)}`})`,
    };
  }
  if (/ (proxima semana|semana que viene|semana proxima) /.test(q)) {
    const from = addDays(nextWeekday(today, 1), weekdayOf(today) === 1 ? 7 : 0);
    return {
      from,
      to: addDays(from, 6),
      label: `la próxima semana (del ${longDate(from)} al ${longDate(addDays(from, 6))})`,
    };
  }
  if (/ (esta semana|en la semana) /.test(q)) {
    const to = nextWeekday(today, 0);
    return { from: today, to, label: `esta semana (hasta el ${longDate(to)})` };
  }
  if (/ (este mes|en el mes) /.test(q)) {
    const [y, m] = today.split('-').map(Number) as [number, number];
    const to = addDays(isoOf(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) as IsoDate, -1);
    return { from: today, to, label: `este mes (hasta el ${longDate(to)})` };
  }
  const weekday = WEEKDAYS.findIndex((d) => q.includes(` ${d} `));
  if (weekday >= 0) {
    const date = nextWeekday(today, weekday);
    return day(date, date === today ? `hoy (${longDate(date)})` : `el ${longDate(date)}`);
  }
  return undefined;
}

/**
 * A clock time a question names: `a las 21:30`, `a las 9`, `21:30 hrs`, `a las 8 de la noche` → minutes
 * since midnight. Undefined when there is none or it does not exist.
 */
export function clockTimeIn(question: string): number | undefined {
  // Accents and case away, punctuation kept (fold() would turn "21:30" into "21 30").
  const q = question
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  const m =
    /\b(\d{1,2})[:.h](\d{2})\b/.exec(q) ??
    /\ba las? (\d{1,2})(?: (?:y|con) (\d{1,2}))?\b/.exec(q) ??
    /\b(\d{1,2}) ?(?:hrs?|horas)\b/.exec(q);
  if (!m) return undefined;
  let hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  const after = q.slice((m.index ?? 0) + m[0].length);
  if (hour < 12 && /^ ?(?:de la (?:tarde|noche)|p\.? ?m\b)/.test(after)) hour += 12;
  if (hour > 23 || minute > 59) return undefined;
  return hour * 60 + minute;
}
