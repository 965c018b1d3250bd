import type { AssistantError } from '../assistant/assistant.js';
import type { ChatAccess, SecretUnavailable } from '../auth/chat-access.js';
import type { ChatSettings } from '../shared/config/chat-env.js';
import { WpkbError } from '../shared/errors.js';
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

/** Only `POST` asks a question (`OPTIONS` is the preflight): 405 otherwise. */
export function checkPost(event: ApiGatewayEvent): void {
  if ((event.httpMethod ?? '').toUpperCase() !== 'POST')
    throw new ChatHttpError(405, 'method_not_allowed', 'Use POST.', { Allow: 'POST, OPTIONS' });
}

/** A refused credential (chat-access.ts) as the endpoint answers it, with the 401's challenge. */
export function accessHttpError(
  refusal: Exclude<ChatAccess | SecretUnavailable, { ok: true }>,
): ChatHttpError {
  return new ChatHttpError(
    refusal.status,
    refusal.code,
    refusal.message,
    'challenge' in refusal && refusal.challenge ? { 'WWW-Authenticate': refusal.challenge } : {},
  );
}

/**
 * `POST /chat {message, sessionId?}` read and checked once the caller is known (chat-access.ts), in the
 * order that costs least: method, origin, body size, JSON, fields. Throws a ChatHttpError: 405, 403, 413
 * or 400 naming the field.
 */
export function readChatRequest(
  event: ApiGatewayEvent,
  origin: string | undefined,
  settings: Pick<ChatSettings, 'allowedOrigins'>,
): ChatRequest {
  checkPost(event);
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
  return parseChatBody(raw);
}

/**
 * The JSON body of a chat request, validated: `{message, sessionId?}`. Throws a ChatHttpError 400
 * (`invalid_json`, or `invalid_request` naming the field). Shared by the Lambda and `wpkb serve`.
 */
export function parseChatBody(raw: string): ChatRequest {
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
export function assistantHttpError(error: unknown): ChatHttpError {
  switch ((error as Partial<AssistantError>).failure ?? 'upstream') {
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
