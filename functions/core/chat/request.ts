import type { ChatSettings } from '../shared/config/chat-env.js';
import { WpkbError } from '../shared/errors.js';
import type { AgentError } from './agent.js';
import {
  type ApiGatewayEvent,
  BODY_MAX_BYTES,
  type ChatRequest,
  chatRequestSchema,
  originAllowed,
} from './http.js';

/**
 * A request the chat endpoint answers with an error: the HTTP status, the stable `code` clients switch
 * on, a message people can read, and any header the answer needs (`Allow`, `Retry-After`).
 */
export class ChatHttpError extends WpkbError {
  override readonly name = 'ChatHttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const originNotAllowed = () =>
  new ChatHttpError(403, 'origin_not_allowed', 'This origin may not call the chat endpoint.');

/** A CORS preflight (`OPTIONS`) from an origin that may call: anything else is refused. */
export function checkPreflight(
  origin: string | undefined,
  settings: Pick<ChatSettings, 'allowedOrigins'>,
): void {
  if (!originAllowed(origin, settings.allowedOrigins)) throw originNotAllowed();
}

/**
 * `POST /chat {message, sessionId?}` read and checked, in the order that costs least: method, API key
 * (API Gateway checked it; `requireApiKey` makes sure it did), origin, body size, JSON, fields. Throws a
 * ChatHttpError: 405, 403, 413 or 400 naming the field.
 */
export function readChatRequest(
  event: ApiGatewayEvent,
  origin: string | undefined,
  settings: Pick<ChatSettings, 'allowedOrigins' | 'requireApiKey'>,
): ChatRequest {
  const method = (event.httpMethod ?? '').toUpperCase();
  if (method !== 'POST')
    throw new ChatHttpError(405, 'method_not_allowed', 'Use POST.', { Allow: 'POST, OPTIONS' });
  if (settings.requireApiKey && !event.requestContext?.identity?.apiKeyId) {
    throw new ChatHttpError(403, 'forbidden', 'A valid API key is required.');
  }
  if (!originAllowed(origin, settings.allowedOrigins)) throw originNotAllowed();

  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  if (Buffer.byteLength(raw, 'utf8') > BODY_MAX_BYTES) {
    throw new ChatHttpError(
      413,
      'body_too_large',
      `The request body must be at most ${BODY_MAX_BYTES} bytes.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ChatHttpError(
      400,
      'invalid_json',
      'The body must be JSON: {"message": "…", "sessionId": "…"}.',
    );
  }
  const parsed = chatRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'body';
    const message =
      issue?.code === 'invalid_type' && issue.path.length === 0 ? 'must be a JSON object' : issue?.message;
    throw new ChatHttpError(400, 'invalid_request', `${field}: ${message ?? 'is invalid'}`);
  }
  return parsed.data;
}

/** How a turn that failed is answered: 429 throttled, 502 upstream failure or empty answer, 504 timeout. */
export function agentHttpError(error: unknown): ChatHttpError {
  switch ((error as Partial<AgentError>).failure ?? 'upstream') {
    case 'throttled':
      return new ChatHttpError(
        429,
        'throttled',
        'The assistant is busy. Please try again in a few seconds.',
        {
          'Retry-After': '5',
        },
      );
    case 'timeout':
      return new ChatHttpError(504, 'timeout', 'The assistant took too long to answer. Please try again.');
    case 'empty':
      return new ChatHttpError(
        502,
        'upstream_error',
        'The assistant returned no answer. Please rephrase or try again.',
      );
    default:
      return new ChatHttpError(
        502,
        'upstream_error',
        'The assistant could not answer right now. Please try again.',
      );
  }
}
