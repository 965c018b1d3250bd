import { randomUUID } from 'node:crypto';
import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { type AgentError, askAgent } from '../core/chat/agent.js';
import {
  type ApiGatewayEvent,
  type ApiGatewayResult,
  BODY_MAX_BYTES,
  chatRequestSchema,
  corsHeaders,
  header,
  type LambdaContextLike,
  originAllowed,
} from '../core/chat/http.js';
import { freshnessFilter } from '../core/retrieval/freshness.js';
import { type Clock, systemClock } from '../core/shared/clock.js';
import { type ChatSettings, chatSettings } from '../core/shared/config/chat-env.js';
import { oneLine } from '../core/shared/errors.js';
import { type Log, powertoolsLog } from '../core/shared/logger.js';

export type { ApiGatewayEvent, ApiGatewayResult } from '../core/chat/http.js';

export interface ChatHandlerDeps {
  settings: ChatSettings;
  client: Pick<BedrockAgentRuntimeClient, 'send'>;
  log: Log;
  /** New session ids (tests pass a fixed one). */
  newSessionId?: () => string;
  /** "Today" for the freshness filter. */
  clock?: Clock;
}

const STATUS: Record<AgentError['failure'], number> = {
  throttled: 429,
  upstream: 502,
  empty: 502,
  timeout: 504,
};
const USER_MESSAGE: Record<AgentError['failure'], string> = {
  throttled: 'The assistant is busy. Please try again in a few seconds.',
  upstream: 'The assistant could not answer right now. Please try again.',
  empty: 'The assistant returned no answer. Please rephrase or try again.',
  timeout: 'The assistant took too long to answer. Please try again.',
};

/**
 * `POST /chat {message, sessionId?}` → `{sessionId, answer, citations}` behind API Gateway (REST API,
 * proxy integration). API Gateway has already checked the API key and applied the usage plan's
 * throttling; this handler checks that it did (`requireApiKey`), the Origin (CORS), and the body,
 * then runs one agent turn. Errors: 400 invalid request, 403 no API key / origin not allowed,
 * 405 other methods, 413 body too large, 429 Bedrock throttling, 502 upstream failure or empty answer,
 * 504 timeout — always `{error: {code, message}, requestId}`. Users' messages are not logged unless
 * `logUserMessages`.
 */
export function makeChatHandler(deps: ChatHandlerDeps) {
  const { settings, log } = deps;
  const newSessionId = deps.newSessionId ?? randomUUID;
  const clock = deps.clock ?? systemClock;

  return async (event: ApiGatewayEvent, context?: LambdaContextLike): Promise<ApiGatewayResult> => {
    const started = Date.now();
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? randomUUID();
    const origin = header(event, 'origin');
    const cors = corsHeaders(origin, settings.allowedOrigins);
    const reply = (
      statusCode: number,
      body: unknown,
      extra: Record<string, string> = {},
    ): ApiGatewayResult => ({
      statusCode,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Request-Id': requestId,
        ...cors,
        ...extra,
      },
      body: JSON.stringify(body),
    });
    const fail = (statusCode: number, code: string, message: string, extra: Record<string, string> = {}) => {
      log.warn('chat refused', { requestId, statusCode, code, durationMs: Date.now() - started });
      return reply(statusCode, { error: { code, message }, requestId }, extra);
    };

    const method = (event.httpMethod ?? '').toUpperCase();
    if (method === 'OPTIONS') {
      return originAllowed(origin, settings.allowedOrigins)
        ? { statusCode: 204, headers: { ...cors, 'Cache-Control': 'no-store' }, body: '' }
        : fail(403, 'origin_not_allowed', 'This origin may not call the chat endpoint.');
    }
    if (method !== 'POST') return fail(405, 'method_not_allowed', 'Use POST.', { Allow: 'POST, OPTIONS' });
    if (settings.requireApiKey && !event.requestContext?.identity?.apiKeyId) {
      return fail(403, 'forbidden', 'A valid API key is required.');
    }
    if (!originAllowed(origin, settings.allowedOrigins)) {
      return fail(403, 'origin_not_allowed', 'This origin may not call the chat endpoint.');
    }

    const raw = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
      : (event.body ?? '');
    if (Buffer.byteLength(raw, 'utf8') > BODY_MAX_BYTES) {
      return fail(413, 'body_too_large', `The request body must be at most ${BODY_MAX_BYTES} bytes.`);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return fail(400, 'invalid_json', 'The body must be JSON: {"message": "…", "sessionId": "…"}.');
    }
    const parsed = chatRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || 'body';
      const message =
        issue?.code === 'invalid_type' && issue.path.length === 0 ? 'must be a JSON object' : issue?.message;
      return fail(400, 'invalid_request', `${field}: ${message ?? 'is invalid'}`);
    }

    const { message } = parsed.data;
    const sessionId = parsed.data.sessionId ?? newSessionId();
    const remaining = context?.getRemainingTimeInMillis?.();
    // Leave a second to answer before Lambda itself times out.
    const timeoutMs = remaining
      ? Math.max(1000, Math.min(settings.agentTimeoutMs, remaining - 1000))
      : settings.agentTimeoutMs;
    log.info('chat turn', {
      requestId,
      sessionId,
      newSession: parsed.data.sessionId === undefined,
      messageChars: message.length,
      ...(settings.logUserMessages ? { message } : {}),
    });
    try {
      const result = await askAgent(
        {
          client: deps.client,
          agentId: settings.agentId,
          agentAliasId: settings.agentAliasId,
          streamFinalResponse: settings.streamFinalResponse,
          timeoutMs,
          ...(settings.knowledgeBaseId
            ? {
                knowledgeBaseFilter: {
                  knowledgeBaseId: settings.knowledgeBaseId,
                  filter: freshnessFilter({ clock, timeZone: settings.siteTimeZone }),
                },
              }
            : {}),
        },
        { sessionId, message },
      );
      log.info('chat answered', {
        requestId,
        sessionId,
        answerChars: result.answer.length,
        citations: result.citations.length,
        durationMs: Date.now() - started,
      });
      return reply(200, result);
    } catch (error) {
      const e = error as AgentError;
      const failure = e.failure ?? 'upstream';
      log.error('chat failed', {
        requestId,
        sessionId,
        failure,
        upstream: e.upstream,
        error: oneLine(error),
        durationMs: Date.now() - started,
      });
      return reply(
        STATUS[failure],
        {
          error: {
            code:
              failure === 'throttled' ? 'throttled' : failure === 'timeout' ? 'timeout' : 'upstream_error',
            message: USER_MESSAGE[failure],
          },
          requestId,
          sessionId,
        },
        failure === 'throttled' ? { 'Retry-After': '5' } : {},
      );
    }
  };
}

let cached: ReturnType<typeof makeChatHandler> | undefined;

/**
 * Lambda entry (API Gateway REST API, proxy integration): settings and client built once per container.
 * A bad environment is logged with the variable at fault and answered 500 (tried again next request).
 */
export const handler = async (
  event: ApiGatewayEvent,
  context?: LambdaContextLike,
): Promise<ApiGatewayResult> => {
  if (!cached) {
    try {
      cached = makeChatHandler({
        settings: chatSettings(process.env),
        client: new BedrockAgentRuntimeClient({}),
        log: powertoolsLog,
      });
    } catch (error) {
      const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? randomUUID();
      powertoolsLog.error('chat misconfigured', { requestId, error: oneLine(error) });
      return {
        statusCode: 500,
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Request-Id': requestId },
        body: JSON.stringify({
          error: { code: 'misconfigured', message: 'The chat service is not available.' },
          requestId,
        }),
      };
    }
  }
  return cached(event, context);
};
