/**
 * Calendar dates and wall-clock times in the site's time zone. Dates are plain `YYYY-MM-DD` strings
 * (calendar arithmetic in UTC, so no daylight-saving surprises); "now" comes from the injected clock.
 */

/** A calendar day: `2026-03-07`. */
export type IsoDate = string;

/** Weekday names, Sunday first (Date#getUTCDay order), in the site's language and in English. */
export const WEEKDAYS_ES = [
  'domingo',
  'lunes',
  'martes',
  'miércoles',
  'jueves',
  'viernes',
  'sábado',
] as const;

/** Month names in the site's language, January first (Date#getUTCMonth order). */
export const MONTHS_ES = [
  'enero',
  'febrero',
  'marzo',
  'abril',
  'mayo',
  'junio',
  'julio',
  'agosto',
  'septiembre',
  'octubre',
  'noviembre',
  'diciembre',
] as const;

export interface LocalNow {
  date: IsoDate;
  /** `HH:MM`, 24-hour clock. */
  time: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
  timeZone: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock date and time at `instant` in `timeZone`. */
export function localNow(instant: Date, timeZone: string): LocalNow {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  return {
    date,
    time: `${pad(hour)}:${pad(minute)}`,
    weekday: weekdayOf(date),
    minutes: hour * 60 + minute,
    timeZone,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The date when `text` is a real calendar day written `YYYY-MM-DD`, else undefined. */
export function parseIsoDate(text: string): IsoDate | undefined {
  const m = ISO_DATE.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  const t = (s: IsoDate) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((t(b) - t(a)) / 86_400_000);
}

export function weekdayOf(date: IsoDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** `2026-03-07` ↔ 20260307, the catalog's numeric event dates. */
export const toNumber = (date: IsoDate): number => Number(date.replaceAll('-', ''));
export function fromNumber(n: number): IsoDate {
  const s = String(n).padStart(8, '0');
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/** `HH:MM` for minutes since midnight (1440 → `24:00`). */
export function clockTime(minutes: number): string {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/**
 * A local date and time the agent gives: `YYYY-MM-DDTHH:MM` (or a space instead of T, optional `:SS`),
 * or `HH:MM` alone (that time today). Undefined when it is neither, or the date/time does not exist.
 */
export function parseLocalDateTime(
  text: string,
  today: IsoDate,
): { date: IsoDate; minutes: number } | undefined {
  const m = /^(?:(\d{4}-\d{2}-\d{2})[T ])?(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(text.trim());
  if (!m) return undefined;
  const date = m[1] === undefined ? today : parseIsoDate(m[1]);
  const hour = Number(m[2]);
  const minute = Number(m[3]);
  if (date === undefined || hour > 23 || minute > 59) return undefined;
  return { date, minutes: hour * 60 + minute };
}
