/**
 * Retry policy: which failures are worth another attempt and how long to wait before it.
 * Pure functions; the loop that uses them lives in http.ts.
 */

/** Statuses that say "try again later": rate limiting, request timeout and server-side trouble. */
export function isRetryableStatus(status: number): boolean {
  if (status === 429 || status === 408) return true;
  // 501 Not Implemented and 505 HTTP Version Not Supported will not change on a retry.
  return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}

/** Connection-level error codes worth a retry (Node's and axios's). */
export const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET', // includes "socket hang up"
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNABORTED', // axios's timeout code when clarifyTimeoutError is off
  'EPIPE',
  'EAI_AGAIN', // temporary DNS failure
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(cap, base × 2^(retry−1))).
 * `retry` counts from 1 (the wait before the second attempt).
 */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(Math.min(1, Math.max(0, random())) * ceiling);
}

/**
 * `Retry-After` in milliseconds: delta-seconds (`120`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`).
 * Undefined when absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // Only accept something that looks like a date, not any string Date.parse happens to understand.
  if (!/[a-z]{3}/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
