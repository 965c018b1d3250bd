import { WpkbError } from '../shared/errors.js';
import { type IsoDate, parseIsoDate } from './time.js';

/** A parameter the agent sent is missing or wrong: answered with HTTP 400 and how to fix it. */
export class ParamError extends WpkbError {
  override readonly name = 'ParamError';
  constructor(
    readonly parameter: string,
    message: string,
    /** What a valid value looks like, for the model to retry with. */
    readonly expected: string,
  ) {
    super(`parameter ${parameter}: ${message}`);
  }
}

/** The parameters of one call, by name (path, query and body properties; every value a string). */
export type Params = ReadonlyMap<string, string>;

/** The value, trimmed; undefined when absent or blank (models often send "" for "not given"). */
export function optionalText(params: Params, name: string, maxLength = 100): string | undefined {
  const value = params.get(name)?.trim();
  if (!value) return undefined;
  if (value.length > maxLength)
    throw new ParamError(name, `is ${value.length} characters long`, `at most ${maxLength} characters`);
  return value;
}

export function optionalDate(params: Params, name: string): IsoDate | undefined {
  const value = optionalText(params, name, 40);
  if (value === undefined) return undefined;
  const date = parseIsoDate(value);
  if (!date)
    throw new ParamError(name, `"${value}" is not a date`, 'a calendar date as YYYY-MM-DD, e.g. 2026-03-07');
  return date;
}

export function limitParam(params: Params, fallback: number, max: number): number {
  const value = optionalText(params, 'limit', 10);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
    throw new ParamError(
      'limit',
      `"${value}" is not a whole number from 1 to ${max}`,
      `an integer from 1 to ${max}`,
    );
  return Number(value);
}

export function optionalBoolean(params: Params, name: string): boolean | undefined {
  const value = optionalText(params, name, 10)?.toLowerCase();
  if (value === undefined) return undefined;
  if (['true', '1', 'yes', 'si', 'sí'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new ParamError(name, `"${value}" is not true or false`, 'true or false');
}

/** One of the allowed names (case-insensitive), or undefined when absent. */
export function optionalChoice(params: Params, name: string, allowed: readonly string[]): string | undefined {
  const value = optionalText(params, name, 60);
  if (value === undefined) return undefined;
  const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!found)
    throw new ParamError(
      name,
      `"${value}" is not one of the allowed values`,
      `one of: ${allowed.join(', ')}`,
    );
  return found;
}
