import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Visitor tokens (the shared wire contract; the WordPress plugin mints them, the chat endpoint and
 * `wpkb serve` verify them): `v1.<payload>.<sig>`, where payload is base64url(JSON
 * `{"site", "iat", "exp"}`) and sig is base64url(HMAC-SHA256(secret, "wpkb-token.v1." + payload)),
 * base64url without padding. A token proves "handed out by this site recently", not who the visitor is.
 * Pure: the caller passes the time, so tests and the Lambda share one implementation.
 */

export const TOKEN_VERSION = 'v1';
/** What the plugin mints: 15 minutes. */
export const DEFAULT_TOKEN_TTL_SECONDS = 900;
/** A token may not live longer than this (`exp - iat`), whatever its signer says. */
export const MAX_TOKEN_LIFETIME_SECONDS = 3600;
/** Clocks of WordPress and of the verifier may disagree by this much. */
export const CLOCK_SKEW_SECONDS = 30;

const SIGNING_PREFIX = `wpkb-token.${TOKEN_VERSION}.`;
/** base64url of a SHA-256 MAC without padding: always 43 characters. */
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Tokens are small (a site URL and two numbers); anything longer is refused before any work. */
export const MAX_TOKEN_CHARS = 4096;

export interface VisitorTokenClaims {
  site: string;
  /** Issued at, unix seconds. */
  iat: number;
  /** Expires at, unix seconds. */
  exp: number;
}

/** Why a token was refused; each is a 401 for the caller, the reason goes to the log only. */
export type TokenRejection =
  | 'malformed' // not three dot-separated base64url parts, too long, or not a string
  | 'version' // a version this verifier does not know
  | 'signature' // the MAC does not match (forged, tampered, or another secret)
  | 'payload' // signed, but not the JSON claims the contract defines
  | 'expired' // exp is in the past (beyond the clock skew)
  | 'issued_in_future' // iat is in the future (beyond the clock skew)
  | 'lifetime' // exp - iat is negative or longer than the maximum
  | 'site'; // minted for another site

export type TokenVerdict = { ok: true; claims: VisitorTokenClaims } | { ok: false; reason: TokenRejection };

export interface MintOptions {
  secret: string;
  /** The site the token is bound to (home_url()). */
  site: string;
  /** Unix seconds. */
  now: number;
  ttlSeconds?: number;
}

export interface VerifyOptions {
  secret: string;
  /** The configured site URL; a trailing slash on either side is ignored. */
  site: string;
  /** Unix seconds. */
  now: number;
  skewSeconds?: number;
  maxLifetimeSeconds?: number;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

const sign = (secret: string, payload: string) =>
  createHmac('sha256', secret)
    .update(SIGNING_PREFIX + payload, 'utf8')
    .digest('base64url');

const sameSite = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/** Unix seconds of a Date (what `now` means everywhere here). */
export const unixSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** A token for `site`, valid from `now` for `ttlSeconds` (default 900): what the plugin's route returns. */
export function mintVisitorToken(options: MintOptions): { token: string; expiresAt: number } {
  const ttl = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!options.secret) throw new TypeError('mintVisitorToken: the secret is empty');
  if (!Number.isInteger(options.now) || !Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_LIFETIME_SECONDS)
    throw new RangeError(
      `mintVisitorToken: ttlSeconds must be an integer from 1 to ${MAX_TOKEN_LIFETIME_SECONDS}`,
    );
  const claims: VisitorTokenClaims = { site: options.site, iat: options.now, exp: options.now + ttl };
  const payload = base64url(JSON.stringify(claims));
  return { token: `${TOKEN_VERSION}.${payload}.${sign(options.secret, payload)}`, expiresAt: claims.exp };
}

function claimsOf(payload: string): VisitorTokenClaims | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { site, iat, exp } = value as Record<string, unknown>;
  if (typeof site !== 'string' || !Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) return undefined;
  return { site, iat: iat as number, exp: exp as number };
}

/**
 * Checks a token: shape and version, then the signature in constant time (before the payload is even
 * parsed), then the claims: `exp` in the future and `iat` not in the future (both within the clock
 * skew), a lifetime of at most one hour, and the site. Never throws.
 */
export function verifyVisitorToken(token: unknown, options: VerifyOptions): TokenVerdict {
  const skew = options.skewSeconds ?? CLOCK_SKEW_SECONDS;
  const maxLifetime = options.maxLifetimeSeconds ?? MAX_TOKEN_LIFETIME_SECONDS;
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [version, payload, signature] = parts as [string, string, string];
  if (!BASE64URL.test(payload) || !SIGNATURE.test(signature)) return { ok: false, reason: 'malformed' };
  if (version !== TOKEN_VERSION) return { ok: false, reason: 'version' };
  if (!options.secret) return { ok: false, reason: 'signature' };

  const expected = Buffer.from(sign(options.secret, payload), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // Both are 43 ASCII characters here (checked above), as timingSafeEqual requires.
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'signature' };

  const claims = claimsOf(payload);
  if (!claims) return { ok: false, reason: 'payload' };
  if (claims.exp - claims.iat < 0 || claims.exp - claims.iat > maxLifetime)
    return { ok: false, reason: 'lifetime' };
  if (claims.iat > options.now + skew) return { ok: false, reason: 'issued_in_future' };
  if (claims.exp <= options.now - skew) return { ok: false, reason: 'expired' };
  if (!sameSite(claims.site, options.site)) return { ok: false, reason: 'site' };
  return { ok: true, claims };
}

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  return m?.[1];
}
