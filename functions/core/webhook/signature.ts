import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The webhook signature (the shared wire contract, plugin → wpkb): header
 * `X-Wpkb-Signature: t=<unix seconds>,v1=<lowercase hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * Valid when |now − t| ≤ 300 s and the HMAC matches, compared in constant time; bodies over 16 KB are
 * refused before anything else is looked at.
 */
export const SIGNATURE_HEADER = 'x-wpkb-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;
export const WEBHOOK_MAX_BODY_BYTES = 16 * 1024;

/** `t=…,v1=…` for a body signed at `timestamp` (unix seconds): what the plugin sends. */
export function signWebhook(body: string | Buffer, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

function hmacHex(secret: string, timestamp: number | string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; status: 401 | 413; reason: string };

export interface SignatureOptions {
  secret: string;
  /** Unix seconds now. */
  nowSeconds: number;
  toleranceSeconds?: number;
  maxBodyBytes?: number;
}

/** `t=<digits>` and every `v1=<64 hex>` of the header (unknown parts are ignored, as Stripe does). */
function parseHeader(header: string): { timestamp?: string; signatures: string[] } {
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't' && timestamp === undefined) timestamp = value;
    else if (name === 'v1') signatures.push(value);
  }
  return { ...(timestamp !== undefined ? { timestamp } : {}), signatures };
}

/**
 * Checks a request's size, then its signature. Never reads the body's meaning: a request that fails
 * here changes nothing and its body is not logged (the reasons below never quote it).
 */
export function checkSignature(
  body: Buffer,
  header: string | undefined,
  options: SignatureOptions,
): SignatureCheck {
  const maxBytes = options.maxBodyBytes ?? WEBHOOK_MAX_BODY_BYTES;
  if (body.length > maxBytes) {
    return { ok: false, status: 413, reason: `body of ${body.length} bytes is over ${maxBytes}` };
  }
  if (!options.secret) return { ok: false, status: 401, reason: 'no webhook secret is configured' };
  if (header === undefined || header.trim() === '') {
    return { ok: false, status: 401, reason: 'no X-Wpkb-Signature header' };
  }
  const { timestamp, signatures } = parseHeader(header);
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, status: 401, reason: 'signature header has no valid t=<unix seconds>' };
  }
  const seconds = Number(timestamp);
  const tolerance = options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  const skew = options.nowSeconds - seconds;
  if (Math.abs(skew) > tolerance) {
    return {
      ok: false,
      status: 401,
      reason: `timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'} (more than ${tolerance} s)`,
    };
  }
  const expected = Buffer.from(hmacHex(options.secret, timestamp, body), 'hex');
  const matches = signatures.some((candidate) => {
    if (!/^[0-9a-f]{64}$/.test(candidate)) return false;
    return timingSafeEqual(Buffer.from(candidate, 'hex'), expected);
  });
  if (!matches) return { ok: false, status: 401, reason: 'signature does not match' };
  return { ok: true, timestamp: seconds };
}
