import { z } from 'zod';

/*
 * The small checks several edges share (Lambda environments, Lambda events, CLI options), written once.
 */

/** Bedrock resource ids (knowledge base, data source, agent, alias): ten letters or digits. */
export const BEDROCK_ID = /^[0-9a-zA-Z]{10}$/;

/** `must be a knowledge base id (10 letters or digits)`, `must be an agent id (…)`. */
export const bedrockIdSchema = (what: string) =>
  z
    .string()
    .regex(BEDROCK_ID, `must be ${/^[aeiou]/i.test(what) ? 'an' : 'a'} ${what} id (10 letters or digits)`);

/** Run ids end up in S3 keys and Step Functions names: keep them to a safe alphabet. */
const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;

export const runIdSchema = z.string().regex(RUN_ID_PATTERN, 'must be a run id (letters, digits, . _ -)');

/** An IANA time zone name Intl knows (`America/Santiago`). */
export function isTimeZone(zone: string): boolean {
  if (zone.length === 0) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z
  .string()
  .refine(isTimeZone, 'must be an IANA time zone like America/Santiago');

/**
 * A boolean environment variable: `true`/`1` or `false`/`0`; unset or empty takes `fallback`. Anything
 * else is refused rather than read as false.
 */
export const envFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', ''], { error: 'must be "true" or "false"' })
    .optional()
    .transform((value) =>
      value === undefined || value === '' ? fallback : value === 'true' || value === '1',
    );
