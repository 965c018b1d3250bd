import { setTimeout as delay } from 'node:timers/promises';
import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { WordPressError } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import { parseJsonBody } from './body.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter, RETRYABLE_ERROR_CODES } from './retry.js';

/** One HTTP response, body as text (JSON is parsed by the caller, which knows what it expects). */
export interface HttpResponse {
  url: string;
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

/** Counters a caller passes in to learn what a read cost. */
export interface RequestStats {
  requests: number;
  retries: number;
  /** Response body bytes received (every attempt), when the caller counts them. */
  bytes?: number;
}

export interface HttpOptions {
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  userAgent: string;
  username?: string;
  password?: string;
}

export interface HttpDeps {
  log: Log;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface GetContext {
  /** Prefix of error messages: the content type's name, or "WordPress discovery". */
  label: string;
  stats: RequestStats;
  /** Aborts the request and any pending retry (another page of the same read failed). */
  signal?: AbortSignal;
}

export interface GetOutcome {
  response: HttpResponse;
  attempts: number;
}

export interface Http {
  /**
   * GET with retries. Resolves with the first response whose status is not retryable (2xx, 3xx, 4xx
   * other than 408/429): the caller decides what a 404 or a 400 means. Rejects with a WordPressError
   * when retries are exhausted, `Retry-After` asks for too long, or the request cannot be made at all;
   * with RequestAborted when `signal` aborted it.
   */
  get(url: string, context: GetContext): Promise<GetOutcome>;
  /** Longest `Retry-After` this client honours; longer ones fail the read. */
  readonly maxRetryAfterMs: number;
}

/** The read this request belonged to was abandoned; not an error of its own. */
export class RequestAborted extends Error {
  constructor() {
    super('request aborted');
    this.name = 'RequestAborted';
  }
}

type Failure =
  | { kind: 'status'; response: HttpResponse }
  | { kind: 'timeout' }
  | { kind: 'network'; code: string; detail: string; retryable: boolean };

/** The WordPress error code of a JSON error body (`rest_no_route`…), if there is one. */
export function wpErrorCode(response: HttpResponse): string | undefined {
  const parsed = parseJsonBody(response.body);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return undefined;
  const code = (parsed.value as Record<string, unknown>).code;
  return typeof code === 'string' && code.length <= 100 ? code : undefined;
}

/** `HTTP 404 (rest_no_route)` */
export function describeStatus(response: HttpResponse): string {
  const code = wpErrorCode(response);
  return `HTTP ${response.status}${code ? ` (${code})` : ''}`;
}

const attemptsText = (attempts: number): string => `${attempts} attempt${attempts === 1 ? '' : 's'}`;

/** The error for a response the caller cannot use because of its status. */
export function statusError(label: string, outcome: GetOutcome): WordPressError {
  const { response, attempts } = outcome;
  return new WordPressError(
    `${label}: GET ${response.url} failed with ${describeStatus(response)} after ${attemptsText(attempts)}`,
    response.url,
    response.status,
  );
}

function plainHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** Waits `ms`, or rejects with RequestAborted as soon as `signal` aborts. */
async function pause(ms: number, sleep: ((ms: number) => Promise<void>) | undefined, signal?: AbortSignal) {
  if (signal?.aborted) throw new RequestAborted();
  if (!sleep) {
    try {
      await delay(ms, undefined, signal ? { signal } : {});
      return;
    } catch (error) {
      if (signal?.aborted) throw new RequestAborted();
      throw error;
    }
  }
  if (!signal) return sleep(ms);
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(new RequestAborted());
    signal.addEventListener('abort', onAbort, { once: true });
    sleep(ms).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * The HTTP layer: axios for the transport (redirects, decompression, auth), a small explicit loop for
 * retries. Not axios-retry (4.5): it waits with its own setTimeout (no injectable sleep, so tests would
 * wait for real), does not retry axios timeouts (ECONNABORTED) by default, adds 0–20 % jitter instead of
 * full jitter, has no ceiling on `Retry-After`, shrinks the timeout of later attempts unless told not to,
 * and reports no attempt count for the final error. Working around all of that costs more than this loop.
 */
export function createHttp(options: HttpOptions, deps: HttpDeps): Http {
  const { log } = deps;
  const random = deps.random ?? Math.random;
  const maxRetryAfterMs = 5 * options.retryMaxMs;
  const auth =
    options.username && options.password
      ? { username: options.username, password: options.password }
      : undefined;
  const instance: AxiosInstance = axios.create({
    headers: { 'User-Agent': options.userAgent, Accept: 'application/json' },
    ...(auth ? { auth } : {}),
    responseType: 'text',
    // Keep the raw text: parseJsonBody gives better errors than axios's silent JSON parsing.
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    timeout: options.timeoutMs,
    transitional: { clarifyTimeoutError: true },
    maxRedirects: 5,
  });

  /** One attempt. Resolves with any HTTP response; rejects with a Failure or RequestAborted. */
  async function once(url: string, signal?: AbortSignal): Promise<HttpResponse> {
    // axios's `timeout` is a socket inactivity timeout; this one bounds the whole exchange, body included.
    const deadline = AbortSignal.timeout(options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    try {
      const res = await instance.get<string>(url, { signal: combined });
      return {
        url,
        status: res.status,
        headers: plainHeaders(res.headers),
        body: typeof res.data === 'string' ? res.data : String(res.data ?? ''),
      };
    } catch (error) {
      if (signal?.aborted) throw new RequestAborted();
      if (deadline.aborted) throw { kind: 'timeout' } satisfies Failure;
      const code =
        (isAxiosError(error) || error instanceof Error ? (error as { code?: string }).code : undefined) ?? '';
      const detail = error instanceof Error ? error.message : String(error);
      if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') throw { kind: 'timeout' } satisfies Failure;
      // A connection dropped in the middle of the body.
      const droppedBody = code === 'ERR_BAD_RESPONSE' && /aborted|premature|closed/i.test(detail);
      throw {
        kind: 'network',
        code: code || 'ERR_NETWORK',
        detail,
        retryable: RETRYABLE_ERROR_CODES.has(code) || droppedBody,
      } satisfies Failure;
    }
  }

  function describe(failure: Failure): string {
    switch (failure.kind) {
      case 'status':
        return describeStatus(failure.response);
      case 'timeout':
        return `ETIMEDOUT (no complete response within ${options.timeoutMs} ms)`;
      case 'network':
        return failure.code === 'ERR_NETWORK' ? `a network error (${failure.detail})` : failure.code;
    }
  }

  function failureError(label: string, url: string, failure: Failure, attempts: number, extra = '') {
    const status = failure.kind === 'status' ? failure.response.status : undefined;
    // The cause is a plain Error: an AxiosError carries the request config, Authorization header included.
    const cause = failure.kind === 'network' ? new Error(`${failure.code}: ${failure.detail}`) : undefined;
    return new WordPressError(
      `${label}: GET ${url} failed with ${describe(failure)} after ${attemptsText(attempts)}${extra}`,
      url,
      status,
      cause ? { cause } : undefined,
    );
  }

  async function get(url: string, context: GetContext): Promise<GetOutcome> {
    const { label, stats, signal } = context;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new RequestAborted();
      stats.requests++;
      const started = performance.now();
      let failure: Failure;
      try {
        const response = await once(url, signal);
        if (stats.bytes !== undefined) stats.bytes += Buffer.byteLength(response.body);
        const ms = Math.round(performance.now() - started);
        log.debug('wordpress GET', { url, status: response.status, attempt, ms });
        if (!isRetryableStatus(response.status)) return { response, attempts: attempt };
        failure = { kind: 'status', response };
      } catch (thrown) {
        if (thrown instanceof RequestAborted) throw thrown;
        failure = thrown as Failure;
        const ms = Math.round(performance.now() - started);
        log.debug('wordpress GET failed', { url, error: describe(failure), attempt, ms });
        if (failure.kind === 'network' && !failure.retryable)
          throw failureError(label, url, failure, attempt);
      }

      if (attempt > options.maxRetries) throw failureError(label, url, failure, attempt);
      const retryAfterMs =
        failure.kind === 'status'
          ? parseRetryAfter(failure.response.headers['retry-after'], Date.now())
          : undefined;
      if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) {
        const asked = Math.ceil(retryAfterMs / 1000);
        const limit = Math.round(maxRetryAfterMs / 1000);
        throw failureError(
          label,
          url,
          failure,
          attempt,
          `: Retry-After asks for ${asked} s, more than the ${limit} s this client waits (5 × retryMaxMs)`,
        );
      }
      const waitMs = Math.max(
        backoffDelay(attempt, options.retryBaseMs, options.retryMaxMs, random),
        retryAfterMs ?? 0,
      );
      stats.retries++;
      log.debug('wordpress retry', { url, error: describe(failure), attempt, waitMs });
      await pause(waitMs, deps.sleep, signal);
    }
  }

  return { get, maxRetryAfterMs };
}
