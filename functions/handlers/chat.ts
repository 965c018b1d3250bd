import { randomUUID } from 'node:crypto';
import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { agentAssistant } from '../core/assistant/agent-engine.js';
import type { Assistant, AssistantError } from '../core/assistant/assistant.js';
import { dynamoDbHistory } from '../core/assistant/dynamodb-history.js';
import { awsKnowledgeBaseAssistant } from '../core/assistant/knowledge-base-engine.js';
import { checkChatAccess } from '../core/auth/chat-access.js';
import { type SecretSource, secretCache } from '../core/auth/secret-cache.js';
import { readSharedSecret } from '../core/auth/shared-secret.js';
import {
  type ApiGatewayEvent,
  type ApiGatewayResult,
  type ChatRequest,
  corsHeaders,
  header,
  type LambdaContextLike,
  VISITOR_CHAT_RESOURCE,
} from '../core/chat/http.js';
import {
  accessHttpError,
  assistantHttpError,
  ChatHttpError,
  checkPost,
  checkPreflight,
  readChatRequest,
} from '../core/chat/request.js';
import { type Clock, systemClock } from '../core/shared/clock.js';
import { loadAssistantDefinition } from '../core/shared/config/assistant-definition.js';
import { type ChatSettings, chatSettings } from '../core/shared/config/chat-env.js';
import { bundledConfigText, loadBundledConfig } from '../core/shared/config/lambda-env.js';
import { oneLine } from '../core/shared/errors.js';
import { type Log, powertoolsLog } from '../core/shared/logger.js';

export type { ApiGatewayEvent, ApiGatewayResult } from '../core/chat/http.js';

export interface ChatHandlerDeps {
  settings: ChatSettings;
  /** The engine that answers (core/assistant/agent-engine.ts or knowledge-base-engine.ts). */
  assistant: Assistant;
  log: Log;
  /** New session ids (tests pass a fixed one). */
  newSessionId?: () => string;
  /** "Today" for the freshness filter, "now" for visitor tokens. */
  clock?: Clock;
  /** The site's shared secret (cached), when `settings.visitorTokens` is set. */
  visitorSecret?: SecretSource;
}

/**
 * `POST /chat {message, sessionId?}` → `{sessionId, answer, citations}` behind API Gateway (REST API,
 * proxy integration). On `/chat` API Gateway has already checked the API key and applied the usage plan's
 * throttling, and this handler checks that it did (`requireApiKey`); on `/visitor/chat` (with
 * `settings.visitorTokens`) it checks the page origin (403) and the visitor token (401; 503 when the
 * secret cannot be read) itself — docs/threat-model.md says why. Then the Origin (CORS), and the body,
 * then runs one turn of the configured assistant engine (the same contract for both). Errors: 400 invalid request, 403 no API key / origin not allowed,
 * 405 other methods, 413 body too large, 429 Bedrock throttling, 502 upstream failure or empty answer,
 * 504 timeout — always `{error: {code, message}, requestId}`. Users' messages are not logged unless
 * `logUserMessages`.
 */
export function makeChatHandler(deps: ChatHandlerDeps) {
  const { settings, log } = deps;
  const newSessionId = deps.newSessionId ?? randomUUID;
  const clock = deps.clock ?? systemClock;
  if (settings.visitorTokens && !deps.visitorSecret)
    throw new TypeError('makeChatHandler: visitor tokens are configured but no visitorSecret was given');
  const visitorTokens =
    settings.visitorTokens && deps.visitorSecret
      ? {
          secret: deps.visitorSecret,
          site: settings.visitorTokens.site,
          allowedOrigins: settings.allowedOrigins,
          clock,
        }
      : undefined;

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
    // Who is asking (docs/threat-model.md): a visitor token on the visitors' route, else an API key.
    const route = visitorTokens && event.resource === VISITOR_CHAT_RESOURCE ? 'visitor-token' : 'api-key';
    let request: ChatRequest;
    try {
      if (method === 'OPTIONS') {
        checkPreflight(origin, settings);
        return { statusCode: 204, headers: { ...cors, 'Cache-Control': 'no-store' }, body: '' };
      }
      checkPost(event);
      if (route === 'visitor-token' || settings.requireApiKey) {
        const access = await checkChatAccess(
          {
            route,
            authorization: header(event, 'authorization'),
            origin,
            apiKeyId: event.requestContext?.identity?.apiKeyId,
          },
          visitorTokens,
        );
        if (!access.ok) {
          if (access.status === 503)
            log.error('visitor token secret unavailable', { requestId, error: oneLine(access.error) });
          else if (access.reason) log.warn('visitor token refused', { requestId, reason: access.reason });
          throw accessHttpError(access);
        }
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
      engine: deps.assistant.engine,
      sessionId,
      route,
      newSession: request.sessionId === undefined,
      messageChars: message.length,
      ...(settings.logUserMessages ? { message } : {}),
    });
    try {
      const result = await deps.assistant.ask({ sessionId, message, timeoutMs });
      log.info('chat answered', {
        requestId,
        sessionId,
        answerChars: result.answer.length,
        citations: result.citations.length,
        durationMs: Date.now() - started,
      });
      return reply(200, result);
    } catch (error) {
      const e = error as Partial<AssistantError>;
      const answer = assistantHttpError(error);
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

/** The configured engine with this container's AWS clients. */
function assistantFor(settings: ChatSettings, log: Log): Assistant {
  const engine = settings.assistant;
  if (engine.engine === 'agent') {
    return agentAssistant({
      client: new BedrockAgentRuntimeClient({}),
      agentId: engine.agentId,
      agentAliasId: engine.agentAliasId,
      streamFinalResponse: engine.streamFinalResponse,
      ...(settings.knowledgeBaseId ? { knowledgeBaseId: settings.knowledgeBaseId } : {}),
      siteTimeZone: settings.siteTimeZone,
      clock: systemClock,
    });
  }
  return awsKnowledgeBaseAssistant({
    dataBucket: engine.dataBucket,
    knowledgeBaseId: engine.knowledgeBaseId,
    definition: loadAssistantDefinition(),
    config: loadBundledConfig(bundledConfigText()),
    history: dynamoDbHistory({
      client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
      tableName: engine.historyTable,
      maxTurns: engine.historyTurns,
      ttlSeconds: engine.sessionTtlSeconds,
      clock: systemClock,
    }),
    modelId: engine.modelId,
    ...(engine.guardrail ? { guardrail: engine.guardrail } : {}),
    maxToolRounds: engine.maxToolRounds,
    maxAnswerTokens: engine.maxAnswerTokens,
    retrievalResults: engine.retrievalResults,
    catalogCheckSeconds: engine.catalogCheckSeconds,
    maxBodyBytes: engine.maxBodyBytes,
    clock: systemClock,
    log,
  });
}

/**
 * Lambda entry (API Gateway REST API, proxy integration): settings, engine and clients built once per
 * container. A bad environment (or a knowledge-base engine built without its bundle) is logged with the variable at fault and answered 500 (tried again next request).
 */
export const handler = async (
  event: ApiGatewayEvent,
  context?: LambdaContextLike,
): Promise<ApiGatewayResult> => {
  if (!cached) {
    try {
      const settings = chatSettings(process.env);
      const tokens = settings.visitorTokens;
      const secrets = tokens ? new SecretsManagerClient({}) : undefined;
      cached = makeChatHandler({
        settings,
        assistant: assistantFor(settings, powertoolsLog),
        log: powertoolsLog,
        ...(tokens && secrets
          ? { visitorSecret: secretCache(() => readSharedSecret(secrets, tokens.secretId), systemClock) }
          : {}),
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
