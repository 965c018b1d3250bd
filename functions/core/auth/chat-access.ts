import type { Clock } from '../shared/clock.js';
import type { SecretSource } from './secret-cache.js';
import {
  bearerToken,
  type TokenRejection,
  unixSeconds,
  type VisitorTokenClaims,
  verifyVisitorToken,
} from './visitor-token.js';

/**
 * Who may ask the chat endpoint a question. Two routes, one credential each (docs/threat-model.md):
 * - `api-key`: server-to-server clients. API Gateway itself checks the key and applies its usage plan
 *   (`apiKeyRequired`); the handler only confirms that it did (the request carries the key's id).
 * - `visitor-token`: the widget on the site's pages. A visitor token signed with the site's shared secret
 *   (`Authorization: Bearer …`) sent from one of the allowed page origins.
 * Pure: the caller passes the request's parts, the secret and the time; the Lambda handler and
 * `wpkb serve` share it.
 */

export type ChatRoute = 'api-key' | 'visitor-token';

export interface ChatAccessRequest {
  route: ChatRoute;
  /** The `Authorization` header, if any. */
  authorization?: string;
  /** The `Origin` header, if any (browsers send it on every cross-origin POST). */
  origin?: string;
  /** `requestContext.identity.apiKeyId`: API Gateway sets it when it accepted an API key. */
  apiKeyId?: string | null;
}

export interface VisitorTokenPolicy {
  /** The site's shared secret (the one the WordPress plugin signs tokens with). */
  secret: string;
  /** The site tokens must be bound to (`home_url()`; a trailing slash is ignored). */
  site: string;
  /**
   * Page origins a token may be used from (`https://mall.example.cl`; `*` any). A token request without
   * an allowed Origin is refused; `undefined` skips the check (`wpkb serve`, where CORS guards the page).
   */
  allowedOrigins?: readonly string[];
  /** Unix seconds. */
  now: number;
}

type AccessRefusalCode = 'forbidden' | 'origin_not_allowed' | 'token_required' | 'invalid_token';

export type ChatAccess =
  | { ok: true; credential: 'api-key'; apiKeyId: string }
  | { ok: true; credential: 'visitor-token'; claims: VisitorTokenClaims }
  | {
      ok: false;
      status: 401 | 403;
      code: AccessRefusalCode;
      /** For the caller's error body: says what is missing, never why a token failed in detail. */
      message: string;
      /** Why a token was refused: for the log line only. */
      reason?: TokenRejection;
      /** `WWW-Authenticate` for a 401 (RFC 6750). */
      challenge?: string;
    };

const normalOrigin = (origin: string) => origin.replace(/\/+$/, '');

/** An Origin header in the list (`*` allows any); a missing one never is. */
export function originListed(origin: string | undefined, allowed: readonly string[]): boolean {
  return origin !== undefined && (allowed.includes('*') || allowed.includes(normalOrigin(origin)));
}

/**
 * The visitor-token check alone: a bearer token that verifies against the policy (signature, expiry,
 * lifetime, site). 401 `token_required` / `invalid_token` otherwise.
 */
export function checkVisitorToken(
  authorization: string | undefined,
  policy: Omit<VisitorTokenPolicy, 'allowedOrigins'>,
): Extract<ChatAccess, { credential: 'visitor-token' }> | Extract<ChatAccess, { ok: false }> {
  const token = bearerToken(authorization);
  if (!token)
    return {
      ok: false,
      status: 401,
      code: 'token_required',
      message: 'A visitor token is required (Authorization: Bearer <token> from the site).',
      challenge: 'Bearer',
    };
  const verdict = verifyVisitorToken(token, { secret: policy.secret, site: policy.site, now: policy.now });
  if (!verdict.ok)
    return {
      ok: false,
      status: 401,
      code: 'invalid_token',
      message: 'The visitor token is not valid: get a new one from the site.',
      reason: verdict.reason,
      challenge: 'Bearer error="invalid_token"',
    };
  return { ok: true, credential: 'visitor-token', claims: verdict.claims };
}

/**
 * The decision for one request. `api-key` route: the key API Gateway accepted, else 403. `visitor-token`
 * route: first the page origin (403 — checked before any HMAC work), then the token (401); an API key
 * is no credential there.
 */
export function decideChatAccess(request: ChatAccessRequest, policy?: VisitorTokenPolicy): ChatAccess {
  if (request.route === 'api-key') {
    return request.apiKeyId
      ? { ok: true, credential: 'api-key', apiKeyId: request.apiKeyId }
      : { ok: false, status: 403, code: 'forbidden', message: 'A valid API key is required.' };
  }
  if (!policy) throw new TypeError('decideChatAccess: the visitor-token route needs a token policy');
  if (policy.allowedOrigins !== undefined && !originListed(request.origin, policy.allowedOrigins))
    return {
      ok: false,
      status: 403,
      code: 'origin_not_allowed',
      message: "Visitor tokens are accepted from the site's own pages only.",
    };
  return checkVisitorToken(request.authorization, policy);
}

/** The secret could not be read: the visitors' route answers 503 (API-key requests never need it). */
export interface SecretUnavailable {
  ok: false;
  status: 503;
  code: 'unavailable';
  message: string;
  error: unknown;
}

export interface VisitorTokenSettings {
  /** The site's shared secret, cached (secret-cache.ts). */
  secret: SecretSource;
  site: string;
  allowedOrigins: readonly string[];
  clock: Clock;
}

/**
 * `decideChatAccess` with the secret read from its source. A token whose signature does not match makes
 * the source read the secret again (at most once a minute, see SecretSource.refresh): a rotated secret is
 * honoured at once instead of after the cache's lifetime.
 */
export async function checkChatAccess(
  request: ChatAccessRequest,
  tokens?: VisitorTokenSettings,
): Promise<ChatAccess | SecretUnavailable> {
  if (request.route === 'api-key') return decideChatAccess(request);
  if (!tokens) throw new TypeError('checkChatAccess: the visitor-token route needs its settings');
  const policy = (secret: string): VisitorTokenPolicy => ({
    secret,
    site: tokens.site,
    allowedOrigins: tokens.allowedOrigins,
    now: unixSeconds(tokens.clock.now()),
  });
  // Pages of other sites are refused before anything is read.
  if (!originListed(request.origin, tokens.allowedOrigins)) return decideChatAccess(request, policy(''));
  let secret: string;
  try {
    secret = await tokens.secret.get();
  } catch (error) {
    return {
      ok: false,
      status: 503,
      code: 'unavailable',
      message: 'The chat service is not available right now. Please try again later.',
      error,
    };
  }
  const access = decideChatAccess(request, policy(secret));
  if (access.ok || access.reason !== 'signature') return access;
  const fresh = await tokens.secret.refresh().catch(() => undefined);
  return fresh === undefined || fresh === secret ? access : decideChatAccess(request, policy(fresh));
}
