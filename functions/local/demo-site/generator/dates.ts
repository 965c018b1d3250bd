/** Dates of the demo site's items, relative to its fixed "now" (DEMO_NOW_GMT). */

import { DEMO_NOW_GMT } from '../site.js';
import type { Random } from './random.js';

export const DAY = 86_400_000;
export const NOW_MS = Date.parse(`${DEMO_NOW_GMT}Z`);

export const gmt = (ms: number): string => new Date(ms).toISOString().slice(0, 19);

const santiago = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Santiago',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The site's local time (America/Santiago), in WordPress's format. */
export function local(ms: number): string {
  const p: Record<string, string> = {};
  for (const part of santiago.formatToParts(new Date(ms))) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

export const pad = (n: number): string => String(n).padStart(2, '0');

/** A publish date in [from, to], at a plausible office hour, whole seconds. */
export function postDate(r: Random, fromMs: number, toMs: number): number {
  const day = Math.floor((fromMs + r.float() * (toMs - fromMs)) / DAY) * DAY;
  return day + r.int(11, 23) * 3_600_000 + r.int(0, 59) * 60_000 + r.int(0, 59) * 1000;
}

export function modifiedAfter(r: Random, dateMs: number): number {
  if (r.chance(0.3)) return dateMs;
  return Math.min(NOW_MS, dateMs + r.int(0, 400) * DAY + r.int(0, 86_399) * 1000);
}
