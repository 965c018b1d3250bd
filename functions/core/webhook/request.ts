import type { ContentTypeConfig } from '../shared/config/schema.js';
import { type Hint, parseHint } from './hint.js';
import { checkSignature, SIGNATURE_HEADER } from './signature.js';

/**
 * What to answer a webhook request, decided by the pure rules every receiver shares (the Lambda behind
 * API Gateway and `wpkb serve`): 413 oversized, 401 unsigned / wrongly signed / replayed, 400 a signed
 * body that is not a hint for this site, else accepted. Only an accepted request may cause work.
 */
export type WebhookDecision =
  | { accepted: true; hint: Hint; timestamp: number; signature: string }
  | { accepted: false; status: 400 | 401 | 413; code: WebhookErrorCode; reason: string };

export type WebhookErrorCode = 'bad_request' | 'unauthorized' | 'payload_too_large';

const CODES = { 400: 'bad_request', 401: 'unauthorized', 413: 'payload_too_large' } as const;

export interface WebhookRules {
  secret: string;
  siteUrl: string;
  contentTypes: readonly ContentTypeConfig[];
  nowSeconds: number;
}

/** Header lookup regardless of case (API Gateway keeps the client's casing; node lower-cases). */
export function headerValue(
  headers: Readonly<Record<string, string | string[] | undefined>> | null | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value.join(',') : value;
  }
  return undefined;
}

export function decideWebhook(
  body: Buffer,
  headers: Readonly<Record<string, string | string[] | undefined>> | null | undefined,
  rules: WebhookRules,
): WebhookDecision {
  const signature = headerValue(headers, SIGNATURE_HEADER);
  const check = checkSignature(body, signature, { secret: rules.secret, nowSeconds: rules.nowSeconds });
  if (!check.ok)
    return { accepted: false, status: check.status, code: CODES[check.status], reason: check.reason };
  const hint = parseHint(body, { siteUrl: rules.siteUrl, contentTypes: rules.contentTypes });
  if (!hint.ok) return { accepted: false, status: 400, code: CODES[400], reason: hint.reason };
  return { accepted: true, hint: hint.hint, timestamp: check.timestamp, signature: signature ?? '' };
}

/** The JSON error body, in the chat API's shape: `{"error": {"code", "message"}}`. */
export function webhookErrorBody(decision: Extract<WebhookDecision, { accepted: false }>): string {
  return JSON.stringify({ error: { code: decision.code, message: decision.reason } });
}
