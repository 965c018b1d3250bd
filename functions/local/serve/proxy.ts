import axios from 'axios';
import { oneLine } from '../../core/shared/errors.js';
import type { ChatBackend } from './routes/chat.js';
import { errorBody } from './server.js';

export interface ProxyOptions {
  /** The deployed chat endpoint (`…/v1/chat`). */
  endpoint: string;
  /** Sent as `x-api-key` (API Gateway's key for server-to-server clients). */
  apiKey?: string;
  timeoutMs: number;
}

/** Upstream headers worth passing to the widget. */
const PASSED_HEADERS = ['retry-after', 'x-request-id'];

/**
 * `wpkb serve --endpoint URL`: `/chat` is forwarded to a deployed chat endpoint — the body exactly as
 * the widget sent it and its `Authorization` header — and the endpoint's status and JSON come back as
 * they are (429 stays 429). An endpoint that cannot be reached is 502, one that does not answer in
 * time 504, in the contract's error shape.
 */
export function proxyBackend(options: ProxyOptions): ChatBackend {
  return async ({ raw, authorization }) => {
    try {
      const response = await axios.post<string>(options.endpoint, raw, {
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          ...(authorization ? { Authorization: authorization } : {}),
          ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
        },
        timeout: options.timeoutMs,
        responseType: 'text',
        transformResponse: (data: string) => data,
        validateStatus: () => true,
        maxRedirects: 0,
      });
      let body: unknown;
      try {
        body = JSON.parse(response.data);
      } catch {
        return {
          status: 502,
          body: errorBody('bad_gateway', `The chat endpoint answered HTTP ${response.status} without JSON.`),
        };
      }
      const headers: Record<string, string> = {};
      for (const name of PASSED_HEADERS) {
        const value = response.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      return { status: response.status, body, headers };
    } catch (error) {
      const timedOut = axios.isAxiosError(error) && error.code === 'ECONNABORTED';
      return timedOut
        ? { status: 504, body: errorBody('timeout', 'The chat endpoint did not answer in time.') }
        : {
            status: 502,
            body: errorBody(
              'upstream_unreachable',
              `The chat endpoint could not be reached: ${oneLine(error)}`,
            ),
          };
    }
  };
}
