import { z } from 'zod';

/** The parts of an API Gateway REST API (proxy integration, payload 1.0) event the chat handler reads. */
export interface ApiGatewayEvent {
  httpMethod?: string;
  path?: string;
  /** The API's resource path the request matched (`/chat`, `/visitor/chat`), without the stage. */
  resource?: string;
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: {
    requestId?: string;
    identity?: { apiKeyId?: string | null; apiKey?: string | null; sourceIp?: string } | null;
  } | null;
}

export interface ApiGatewayResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** What a Lambda context offers that the handler uses. */
export interface LambdaContextLike {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
}

/** The deployed API's route for the widget (visitor tokens); `/chat` is for clients with an API key. */
export const VISITOR_CHAT_RESOURCE = '/visitor/chat';

export const MESSAGE_MAX = 2000;
/** InvokeAgent's sessionId rule. */
export const SESSION_ID_PATTERN = /^[0-9a-zA-Z._:-]{2,100}$/;
/** Larger bodies are refused before parsing (a 2,000-character message is far below). */
export const BODY_MAX_BYTES = 16_384;

/** Control characters other than tab and newline, and lone UTF-16 surrogates: binary, not a question. */
const NOT_TEXT = /[^\P{Cc}\t\n]|\p{Cs}/u;

export const chatRequestSchema = z.object({
  message: z
    .string({ error: 'must be a string' })
    .transform((s) => s.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(1, 'must not be empty')
        .max(MESSAGE_MAX, `must be at most ${MESSAGE_MAX} characters`)
        .refine((s) => !NOT_TEXT.test(s), 'must be text (no control characters other than tab and newline)'),
    ),
  sessionId: z
    .string({ error: 'must be a string' })
    .regex(SESSION_ID_PATTERN, 'must be 2-100 letters, digits or . _ : -')
    .optional(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** Header lookup, case-insensitive (API Gateway keeps the client's casing). */
export function header(event: ApiGatewayEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** CORS headers for a request's Origin: only an allowed origin is echoed (and `Vary: Origin` always). */
export function corsHeaders(origin: string | undefined, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = { Vary: 'Origin' };
  if (origin === undefined) return out;
  const normalised = origin.replace(/\/+$/, '');
  if (allowed.includes('*')) out['Access-Control-Allow-Origin'] = '*';
  else if (allowed.includes(normalised)) out['Access-Control-Allow-Origin'] = normalised;
  else return out;
  out['Access-Control-Allow-Methods'] = 'POST, OPTIONS';
  out['Access-Control-Allow-Headers'] = 'Content-Type, X-Api-Key, Authorization';
  out['Access-Control-Max-Age'] = '600';
  return out;
}

export const originAllowed = (origin: string | undefined, allowed: readonly string[]) =>
  origin === undefined || allowed.includes('*') || allowed.includes(origin.replace(/\/+$/, ''));
