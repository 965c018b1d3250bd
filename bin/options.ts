import { InvalidArgumentError } from 'commander';
import { SESSION_ID_PATTERN } from '../functions/core/chat/http.js';
import { BEDROCK_ID } from '../functions/core/shared/validators.js';

/*
 * Option parsers the commands share (commander calls them with the option's text; what they throw
 * becomes `error: option '--k <n>' argument '0' is invalid. expected …`).
 */

/** A whole number in [min, max]. */
export const integer =
  (min: number, max: number, unit = '') =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}${unit ? ` (${unit})` : ''}`);
    }
    return n;
  };

/** One of a fixed set of words. */
export const choice =
  <T extends string>(allowed: readonly T[]) =>
  (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}`);
    }
    return value as T;
  };

/** `a,b,c` → ['a', 'b', 'c'] (blanks dropped; at least one). */
export const commaList =
  (what: string) =>
  (value: string): string[] => {
    const names = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!names.length) throw new InvalidArgumentError(`expected a comma-separated list of ${what}`);
    return names;
  };

/** An http(s) URL, without trailing slashes. */
export const httpUrl = (value: string): string => {
  if (!/^https?:\/\/[^\s]+$/.test(value)) throw new InvalidArgumentError('expected an http(s) URL');
  return value.replace(/\/+$/, '');
};

/** An instant `Date.parse` reads (ISO 8601 with an offset, best). */
export const instant = (value: string): string => {
  if (Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('expected an ISO date-time, e.g. 2026-03-07T15:00:00-03:00');
  }
  return value;
};

export const bedrockId = (value: string): string => {
  if (!BEDROCK_ID.test(value)) throw new InvalidArgumentError('expected a Bedrock id (10 letters or digits)');
  return value;
};

export const sessionId = (value: string): string => {
  if (!SESSION_ID_PATTERN.test(value))
    throw new InvalidArgumentError('expected 2-100 letters, digits or . _ : -');
  return value;
};
