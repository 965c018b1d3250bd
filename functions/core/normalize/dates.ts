/**
 * Event dates as people write them on a Chilean Spanish site, to YYYYMMDD numbers.
 *
 * A small explicit parser rather than chrono-node: chrono's Spanish parser reads "15 al 17 de marzo de 2026"
 * as the 17th only, fills a missing year from the reference clock ("del 15 de marzo al 2 de abril de 2026"
 * starts in the clock's year), and silently accepts month-first "03/15/2026". Documents must not depend on
 * the day the run happens, so a date without a year here is never completed from the clock.
 *
 * Rules:
 * - full dates: ISO `2026-03-15` (also `2026/03/15`, and ACF's compact `20260315`); day-first `15/03/2026`, `15-03-2026`, `15.03.2026` (two-digit years are
 *   20yy); Spanish `15 de marzo de 2026`, `15 marzo 2026`, `15 de marzo, 2026`, `1º de abril de 2026`;
 *   weekday names are ignored;
 * - a date missing its month and/or year takes them from the NEXT date when the two are joined by a range
 *   or list connector (`al`, `a`, `hasta`, `y`, `-`, `,`): `15 al 17 de marzo de 2026`,
 *   `del 15 de marzo al 2 de abril de 2026`, `15/03 al 17/03/2026`, `15, 22 y 29 de marzo de 2026`.
 *   `28 de diciembre al 3 de enero de 2027` starts in 2026;
 * - the result spans the earliest and the latest date mentioned; a single date gives start = end;
 * - anything ambiguous gives `{}`: no date at all, a date left without a year ("15 de marzo"), an invalid
 *   date (31/02/2026), or a range that runs backwards within one month ("28 al 3 de marzo de 2026").
 */

export interface EventDates {
  startDate?: number;
  endDate?: number;
}

const MONTHS: Record<string, number> = {
  enero: 1,
  ene: 1,
  febrero: 2,
  feb: 2,
  marzo: 3,
  mar: 3,
  abril: 4,
  abr: 4,
  mayo: 5,
  may: 5,
  junio: 6,
  jun: 6,
  julio: 7,
  jul: 7,
  agosto: 8,
  ago: 8,
  septiembre: 9,
  setiembre: 9,
  sep: 9,
  sept: 9,
  set: 9,
  octubre: 10,
  oct: 10,
  noviembre: 11,
  nov: 11,
  diciembre: 12,
  dic: 12,
};
const MONTH_NAMES = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');

/** A date as written, parts possibly missing. */
interface Mention {
  day: number;
  month?: number;
  year?: number;
  /** The mention is a bare day number ("15" in "15 al 17 de marzo"): only a date inside a chain. */
  bare: boolean;
}

type Token = { kind: 'date'; mention: Mention } | { kind: 'connector' } | { kind: 'other' };

const OTHER: Token = { kind: 'other' };
const DAY = '(\\d{1,2})(?:º|°|ro|er)?';
const END = '(?![\\p{L}\\p{N}])';
const TOKEN_PATTERNS: Array<[RegExp, (m: RegExpExecArray) => Token]> = [
  // 10:00, 10.30, 10h30, 18 hrs: times are not days.
  [
    /^\d{1,2}(?:[:h]\d{2}|\.\d{2}(?![./-]\d))(?![\p{L}\p{N}])|^\d{1,2}\s*(?:hrs?|horas?|h)(?![\p{L}\p{N}])/u,
    () => OTHER,
  ],
  [/^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:t[\d:.]+z?)?(?![\p{L}\p{N}])/u, (m) => date(m[4], m[3], m[1])],
  [/^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\p{L}\p{N}])/u, (m) => date(m[1], m[3], m[4])],
  [/^(\d{1,2})\/(\d{1,2})(?![\p{L}\p{N}/])/u, (m) => date(m[1], m[2])],
  [
    new RegExp(
      `^${DAY}\\s*(?:de\\s+)?(${MONTH_NAMES})\\.?(?:(?:\\s*,\\s*|\\s+)(?:(?:de|del)\\s+)?(\\d{4}))?${END}`,
      'u',
    ),
    (m) => textual(m[1], m[2], m[3]),
  ],
  // ACF's date picker stores and serves `Ymd`: 20260315.
  [/^((?:19|20|21)\d{2})(\d{2})(\d{2})(?![\p{L}\p{N}])/u, (m) => date(m[3], m[2], m[1])],
  [/^\d{3,}/, () => OTHER],
  [new RegExp(`^${DAY}${END}`, 'u'), (m) => ({ kind: 'date', mention: { day: Number(m[1]), bare: true } })],
  [/^(?:(?:al|a|hasta|y|e)(?![\p{L}\p{N}])|[-,&])/u, () => ({ kind: 'connector' })],
  [/^[\p{L}\p{N}]+|^[^\s\p{L}\p{N}]/u, () => OTHER],
];
const FILLER = /^(?:el|los|las|dia|dias|desde|entre|de|del)$/;

function date(day?: string, month?: string, year?: string): Token {
  let y = year === undefined ? undefined : Number(year);
  if (y !== undefined && year?.length === 2) y += 2000;
  return {
    kind: 'date',
    mention: {
      day: Number(day),
      month: month === undefined ? undefined : Number(month),
      year: y,
      bare: false,
    },
  };
}

function textual(day?: string, monthName?: string, year?: string): Token {
  return {
    kind: 'date',
    mention: {
      day: Number(day),
      month: MONTHS[monthName ?? ''],
      year: year === undefined ? undefined : Number(year),
      bare: false,
    },
  };
}

/** Lowercase, accents removed, dashes unified, weekday names removed. */
function prepare(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[‐‑‒–—―]/g, '-')
    .replace(/\b(?:lunes|martes|miercoles|jueves|viernes|sabados?|domingos?)\b/g, ' ');
}

function tokenize(text: string): Array<Token & { word: string }> {
  const tokens: Array<Token & { word: string }> = [];
  let rest = prepare(text);
  while (true) {
    rest = rest.trimStart();
    if (rest === '') return tokens;
    let matched = false;
    for (const [pattern, make] of TOKEN_PATTERNS) {
      const m = pattern.exec(rest);
      if (!m) continue;
      tokens.push({ ...make(m), word: m[0] });
      rest = rest.slice(m[0].length);
      matched = true;
      break;
    }
    if (!matched) rest = rest.slice(1);
  }
}

function isValid(year: number, month: number, day: number): boolean {
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const asNumber = (year: number, month: number, day: number): number => year * 10_000 + month * 100 + day;

/**
 * Groups mentions joined by connectors (fillers allowed between), so that partial mentions can borrow
 * their month and year from the next one.
 */
function chains(tokens: Array<Token & { word: string }>): Mention[][] {
  const result: Mention[][] = [];
  let current: Mention[] = [];
  let joined = false;
  for (const token of tokens) {
    if (token.kind === 'date') {
      if (current.length > 0 && !joined) {
        result.push(current);
        current = [];
      }
      current.push(token.mention);
      joined = false;
    } else if (token.kind === 'connector') {
      if (current.length > 0) joined = true;
    } else if (!FILLER.test(token.word)) {
      if (current.length > 0) result.push(current);
      current = [];
      joined = false;
    }
  }
  if (current.length > 0) result.push(current);
  return result;
}

/**
 * Resolves one chain right to left, each mention borrowing what it lacks from the next one; `undefined`
 * when the chain is ambiguous or invalid. The chain's last mention is never a bare number.
 */
function resolveChain(chain: Mention[]): number[] | undefined {
  const dates: number[] = [];
  let next: { day: number; month: number; year: number } | undefined;
  for (let i = chain.length - 1; i >= 0; i--) {
    const mention = chain[i] as Mention;
    const month = mention.month ?? next?.month;
    let year = mention.year ?? next?.year;
    if (month === undefined || year === undefined) return undefined;
    if (mention.year === undefined && next !== undefined) {
      // A range crossing New Year: "28 de diciembre al 3 de enero de 2027".
      if (month > next.month) year -= 1;
      else if (month === next.month && mention.day > next.day) return undefined;
    }
    if (!isValid(year, month, mention.day)) return undefined;
    dates.push(asNumber(year, month, mention.day));
    next = { day: mention.day, month, year };
  }
  return dates;
}

/** Parses the date text of an event (see the module comment for the accepted forms). */
export function parseEventDates(text: string): EventDates {
  const all: number[] = [];
  for (const chain of chains(tokenize(text))) {
    const dates = resolveChain(withoutTrailingNumbers(chain));
    if (dates === undefined) return {};
    all.push(...dates);
  }
  if (all.length === 0) return {};
  return { startDate: Math.min(...all), endDate: Math.max(...all) };
}

/** A chain ending in bare numbers ("15 de marzo de 2026, 10 a 18"): those numbers are not dates. */
function withoutTrailingNumbers(chain: Mention[]): Mention[] {
  let end = chain.length;
  while (end > 0 && chain[end - 1]?.bare) end--;
  return chain.slice(0, end);
}
