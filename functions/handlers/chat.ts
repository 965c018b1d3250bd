import { randomUUID } from 'node:crypto';
import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { type AgentError, askAgent } from '../core/chat/agent.js';
import {
  type ApiGatewayEvent,
  type ApiGatewayResult,
  type ChatRequest,
  corsHeaders,
  header,
  type LambdaContextLike,
} from '../core/chat/http.js';
import { agentHttpError, ChatHttpError, checkPreflight, readChatRequest } from '../core/chat/request.js';
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
    const refuse = ({ status, code, message, headers }: ChatHttpError) => {
      log.warn('chat refused', { requestId, statusCode: status, code, durationMs: Date.now() - started });
      return reply(status, { error: { code, message }, requestId }, headers);
    };

    const method = (event.httpMethod ?? '').toUpperCase();
    let request: ChatRequest;
    try {
      if (method === 'OPTIONS') {
        checkPreflight(origin, settings);
        return { statusCode: 204, headers: { ...cors, 'Cache-Control': 'no-store' }, body: '' };
      }
      request = readChatRequest(event, origin, settings);
    } catch (error) {
      if (!(error instanceof ChatHttpError)) throw error;
      return refuse(error);
    }

    const { message } = request;
    const sessionId = request.sessionId ?? newSessionId();
    const remaining = context?.getRemainingTimeInMillis?.();
    // Leave a second to answer before Lambda itself times out.
    const timeoutMs = remaining
      ? Math.max(1000, Math.min(settings.agentTimeoutMs, remaining - 1000))
      : settings.agentTimeoutMs;
    log.info('chat turn', {
      requestId,
      sessionId,
      newSession: request.sessionId === undefined,
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
      const e = error as Partial<AgentError>;
      const answer = agentHttpError(error);
      log.error('chat failed', {
        requestId,
        sessionId,
        failure: e.failure ?? 'upstream',
        upstream: e.upstream,
        error: oneLine(error),
        durationMs: Date.now() - started,
      });
      return reply(
        answer.status,
        { error: { code: answer.code, message: answer.message }, requestId, sessionId },
        answer.headers,
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
