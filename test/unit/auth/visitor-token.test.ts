import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bearerToken,
  CLOCK_SKEW_SECONDS,
  mintVisitorToken,
  type TokenRejection,
  verifyVisitorToken,
} from '../../../functions/core/auth/visitor-token.js';

const vector = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../../fixtures/auth/visitor-token.json'), 'utf8'),
) as {
  secret: string;
  site: string;
  iat: number;
  exp: number;
  token: string;
  phpJsonEncode: { token: string };
};

const SECRET = 'a-shared-secret-of-the-site-0123456789';
const SITE = 'https://mall.example.cl';
const T0 = 1_772_895_600;

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
/** A token with any payload, correctly signed with `secret` (what a holder of the secret could write). */
const signed = (payloadJson: string, secret = SECRET, version = 'v1') => {
  const payload = b64(payloadJson);
  const sig = createHmac('sha256', secret).update(`wpkb-token.${version}.${payload}`).digest('base64url');
  return `${version}.${payload}.${sig}`;
};
const verify = (token: unknown, now = T0, site = SITE) =>
  verifyVisitorToken(token, { secret: SECRET, site, now });
const reason = (token: unknown, now = T0, site = SITE): TokenRejection | 'ok' => {
  const v = verify(token, now, site);
  return v.ok ? 'ok' : v.reason;
};

describe('visitor token: the wire contract', () => {
  it('mints exactly the known-answer vector computed independently (Python hmac)', () => {
    const minted = mintVisitorToken({ secret: vector.secret, site: vector.site, now: vector.iat });
    expect(minted).toEqual({ token: vector.token, expiresAt: vector.exp });
  });

  it("accepts the vector and PHP json_encode's escaped slashes (the plugin's bytes)", () => {
    for (const token of [vector.token, vector.phpJsonEncode.token]) {
      expect(
        verifyVisitorToken(token, { secret: vector.secret, site: vector.site, now: vector.iat + 60 }),
      ).toEqual({
        ok: true,
        claims: { site: vector.site, iat: vector.iat, exp: vector.exp },
      });
    }
  });

  it('ignores a trailing slash on either side of the site comparison', () => {
    const { token } = mintVisitorToken({ secret: SECRET, site: `${SITE}/`, now: T0 });
    expect(reason(token)).toBe('ok');
    expect(reason(mintVisitorToken({ secret: SECRET, site: SITE, now: T0 }).token, T0, `${SITE}/`)).toBe(
      'ok',
    );
  });

  it('refuses a token minted for another site', () => {
    const { token } = mintVisitorToken({ secret: SECRET, site: 'https://other-mall.example.cl', now: T0 });
    expect(reason(token)).toBe('site');
    expect(reason(mintVisitorToken({ secret: SECRET, site: 'http://mall.example.cl', now: T0 }).token)).toBe(
      'site',
    );
  });

  it('expires at exp, give or take the 30 s clock skew', () => {
    const { token, expiresAt } = mintVisitorToken({ secret: SECRET, site: SITE, now: T0 });
    expect(expiresAt).toBe(T0 + 900);
    expect(reason(token, expiresAt - 1)).toBe('ok');
    expect(reason(token, expiresAt + CLOCK_SKEW_SECONDS - 1)).toBe('ok');
    expect(reason(token, expiresAt + CLOCK_SKEW_SECONDS)).toBe('expired');
    expect(reason(token, expiresAt + 86_400)).toBe('expired');
  });

  it('refuses a token issued in the future (beyond the skew)', () => {
    const { token } = mintVisitorToken({ secret: SECRET, site: SITE, now: T0 + CLOCK_SKEW_SECONDS + 1 });
    expect(reason(token, T0)).toBe('issued_in_future');
    expect(reason(mintVisitorToken({ secret: SECRET, site: SITE, now: T0 + 10 }).token, T0)).toBe('ok');
  });

  it('refuses a validly signed token living longer than an hour, or ending before it starts', () => {
    expect(reason(signed(JSON.stringify({ site: SITE, iat: T0, exp: T0 + 3601 })))).toBe('lifetime');
    expect(reason(signed(JSON.stringify({ site: SITE, iat: T0, exp: T0 - 1 })))).toBe('lifetime');
    expect(reason(signed(JSON.stringify({ site: SITE, iat: T0, exp: T0 + 3600 })))).toBe('ok');
  });

  it('refuses a tampered payload (a longer expiry) and a tampered signature', () => {
    const { token } = mintVisitorToken({ secret: SECRET, site: SITE, now: T0 });
    const [v, , sig] = token.split('.');
    const longer = b64(JSON.stringify({ site: SITE, iat: T0, exp: T0 + 3600 }));
    expect(reason(`${v}.${longer}.${sig}`)).toBe('signature');
    const flipped = `${sig?.slice(0, 10)}${sig?.[10] === 'A' ? 'B' : 'A'}${sig?.slice(11)}`;
    expect(reason(`${v}.${token.split('.')[1]}.${flipped}`)).toBe('signature');
  });

  it('refuses a token signed with another secret', () => {
    const { token } = mintVisitorToken({ secret: 'another-secret-entirely-0123456789', site: SITE, now: T0 });
    expect(reason(token)).toBe('signature');
    expect(verifyVisitorToken(token, { secret: '', site: SITE, now: T0 })).toEqual({
      ok: false,
      reason: 'signature',
    });
  });

  it('refuses another version, even correctly signed under it', () => {
    const payload = JSON.stringify({ site: SITE, iat: T0, exp: T0 + 900 });
    expect(reason(signed(payload, SECRET, 'v2'))).toBe('version');
    expect(reason(signed(payload).replace(/^v1/, 'v0'))).toBe('version');
  });

  it('refuses signed payloads that are not the claims', () => {
    for (const payload of [
      'null',
      '[]',
      '"x"',
      '{',
      JSON.stringify({ site: SITE, iat: `${T0}`, exp: T0 + 9 }),
      JSON.stringify({ site: 1, iat: T0, exp: T0 + 9 }),
      JSON.stringify({ site: SITE, iat: T0 + 0.5, exp: T0 + 9 }),
    ])
      expect(reason(signed(payload)), payload).toBe('payload');
  });

  it('refuses garbage as malformed', () => {
    for (const token of [
      undefined,
      null,
      42,
      {},
      '',
      'v1',
      'v1..',
      'v1.a.b',
      'a.b.c.d',
      `v1.${'a'.repeat(5000)}.x`,
      `v1.eyJ9.${'='.repeat(43)}`,
      `v1.e+J9.${'A'.repeat(43)}`,
      `v1.eyJ9.${'A'.repeat(44)}`,
    ])
      expect(reason(token), String(token)).toBe('malformed');
  });
});

describe('visitor token: properties', () => {
  const site = fc.webUrl({ withQueryParameters: false, withFragments: false });
  const secret = fc.string({ minLength: 1, maxLength: 64 });
  const now = fc.integer({ min: 1_000_000_000, max: 4_000_000_000 });
  const ttl = fc.integer({ min: 1, max: 3600 });

  it('a minted token verifies, with its claims, at any moment of its life', () => {
    fc.assert(
      fc.property(secret, site, now, ttl, fc.double({ min: 0, max: 1, noNaN: true }), (s, u, t, life, at) => {
        const { token, expiresAt } = mintVisitorToken({ secret: s, site: u, now: t, ttlSeconds: life });
        const when = t + Math.floor(at * (life - 1));
        expect(verifyVisitorToken(token, { secret: s, site: u, now: when })).toEqual({
          ok: true,
          claims: { site: u, iat: t, exp: expiresAt },
        });
      }),
    );
  });

  it('changing any one character of a token makes it invalid', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    fc.assert(
      fc.property(secret, site, now, fc.nat(), fc.nat(), (s, u, t, i, c) => {
        const { token } = mintVisitorToken({ secret: s, site: u, now: t });
        const at = i % token.length;
        const replacement = alphabet[c % alphabet.length] as string;
        fc.pre(token[at] !== replacement);
        const tampered = token.slice(0, at) + replacement + token.slice(at + 1);
        expect(verifyVisitorToken(tampered, { secret: s, site: u, now: t }).ok).toBe(false);
      }),
    );
  });

  it('a token never verifies under another secret, another site, or after expiry + skew', () => {
    fc.assert(
      fc.property(secret, secret, site, site, now, ttl, (s1, s2, u1, u2, t, life) => {
        const { token, expiresAt } = mintVisitorToken({ secret: s1, site: u1, now: t, ttlSeconds: life });
        if (s1 !== s2)
          expect(verifyVisitorToken(token, { secret: s2, site: u1, now: t })).toEqual({
            ok: false,
            reason: 'signature',
          });
        if (u1.replace(/\/+$/, '') !== u2.replace(/\/+$/, ''))
          expect(verifyVisitorToken(token, { secret: s1, site: u2, now: t })).toEqual({
            ok: false,
            reason: 'site',
          });
        expect(
          verifyVisitorToken(token, { secret: s1, site: u1, now: expiresAt + CLOCK_SKEW_SECONDS }),
        ).toEqual({
          ok: false,
          reason: 'expired',
        });
      }),
    );
  });

  it('arbitrary strings never verify and never throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.base64String()), (junk) => {
        expect(verify(junk).ok).toBe(false);
        expect(verify(`v1.${junk}`).ok).toBe(false);
      }),
    );
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer header only', () => {
    expect(bearerToken('Bearer v1.a.b')).toBe('v1.a.b');
    expect(bearerToken('bearer   v1.a.b ')).toBe('v1.a.b');
    for (const h of [undefined, '', 'Bearer', 'Basic dXNlcg==', 'Bearer a b', 'Bearerv1.a.b'])
      expect(bearerToken(h)).toBeUndefined();
  });
});
