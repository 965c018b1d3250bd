import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ChatAccessRequest,
  decideChatAccess,
  originListed,
  type VisitorTokenPolicy,
} from '../../../functions/core/auth/chat-access.js';
import { mintVisitorToken } from '../../../functions/core/auth/visitor-token.js';

const SECRET = 'site-shared-secret-0123456789abcdef';
const SITE = 'https://mall.example.cl';
const NOW = 1_767_268_800;
const policy: VisitorTokenPolicy = {
  secret: SECRET,
  site: SITE,
  allowedOrigins: ['https://mall.example.cl', 'https://www.mall.example.cl'],
  now: NOW,
};
const bearer = (token: string) => `Bearer ${token}`;
const minted = (over: Partial<Parameters<typeof mintVisitorToken>[0]> = {}) =>
  mintVisitorToken({ secret: SECRET, site: SITE, now: NOW - 60, ...over }).token;
const visitor = (over: Partial<ChatAccessRequest> = {}): ChatAccessRequest => ({
  route: 'visitor-token',
  authorization: bearer(minted()),
  origin: 'https://mall.example.cl',
  ...over,
});

describe('decideChatAccess: the visitors’ route', () => {
  it('a token the site signed, from an allowed page: allowed, with its claims', () => {
    expect(decideChatAccess(visitor(), policy)).toEqual({
      ok: true,
      credential: 'visitor-token',
      claims: { site: SITE, iat: NOW - 60, exp: NOW + 840 },
    });
    // Any allowed origin, a trailing slash on the origin or the site ignored.
    expect(decideChatAccess(visitor({ origin: 'https://www.mall.example.cl/' }), policy).ok).toBe(true);
    expect(decideChatAccess(visitor(), { ...policy, site: `${SITE}/` }).ok).toBe(true);
  });

  it.each([
    ['expired', { now: NOW - 2000 }, 'expired'],
    ['forged (another secret)', { secret: 'someone-elses-secret-0123456789' }, 'signature'],
    ['minted for another site', { site: 'https://otro-mall.example.cl' }, 'site'],
    ['issued in the future', { now: NOW + 600 }, 'issued_in_future'],
  ] as const)('a token %s: 401 invalid_token, the reason for the log only', (_name, mint, reason) => {
    const access = decideChatAccess(visitor({ authorization: bearer(minted(mint)) }), policy);
    expect(access).toEqual({
      ok: false,
      status: 401,
      code: 'invalid_token',
      message: 'The visitor token is not valid: get a new one from the site.',
      reason,
      challenge: 'Bearer error="invalid_token"',
    });
  });

  it.each([
    ['no Authorization', undefined],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['an empty bearer', 'Bearer '],
  ])('%s: 401 token_required', (_name, authorization) => {
    const access = decideChatAccess(visitor({ authorization }), policy);
    expect(access).toMatchObject({ ok: false, status: 401, code: 'token_required', challenge: 'Bearer' });
  });

  it('an API key is no credential here: API key only → 401, whatever API Gateway says about the key', () => {
    const access = decideChatAccess(visitor({ authorization: undefined, apiKeyId: 'abcdef1234' }), policy);
    expect(access).toMatchObject({ ok: false, status: 401, code: 'token_required' });
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['no Origin (a script, not a page)', undefined],
    ['the site over http', 'http://mall.example.cl'],
    ['a look-alike host', 'https://mall.example.cl.evil.example'],
  ])('a valid token from %s: 403 origin_not_allowed', (_name, origin) => {
    expect(decideChatAccess(visitor({ origin }), policy)).toMatchObject({
      ok: false,
      status: 403,
      code: 'origin_not_allowed',
    });
  });

  it('a page origin not in the list is refused whatever the token (property)', () => {
    const valid = bearer(minted());
    fc.assert(
      fc.property(fc.webUrl(), fc.string(), (url, junk) => {
        const origin = new URL(url).origin;
        fc.pre(!policy.allowedOrigins?.includes(origin));
        for (const authorization of [valid, junk, undefined])
          expect(decideChatAccess(visitor({ origin, authorization }), policy)).toMatchObject({
            status: 403,
            code: 'origin_not_allowed',
          });
      }),
    );
  });

  it('without an origin list (wpkb serve) only the token counts', () => {
    const { allowedOrigins: _, ...noList } = policy;
    expect(decideChatAccess(visitor({ origin: undefined }), noList).ok).toBe(true);
    expect(decideChatAccess(visitor({ authorization: undefined }), noList)).toMatchObject({ status: 401 });
  });

  it('needs a policy', () => {
    expect(() => decideChatAccess(visitor())).toThrow(/needs a token policy/);
  });
});

describe('decideChatAccess: the API-key route', () => {
  it('the key API Gateway accepted: allowed; none: 403 forbidden, a token there changes nothing', () => {
    expect(decideChatAccess({ route: 'api-key', apiKeyId: 'abcdef1234' })).toEqual({
      ok: true,
      credential: 'api-key',
      apiKeyId: 'abcdef1234',
    });
    for (const apiKeyId of [undefined, null, ''])
      expect(
        decideChatAccess(
          { route: 'api-key', apiKeyId, authorization: bearer(minted()), origin: SITE },
          policy,
        ),
      ).toEqual({ ok: false, status: 403, code: 'forbidden', message: 'A valid API key is required.' });
  });
});

describe('originListed', () => {
  it('exact origins, * for any, never a missing one', () => {
    expect(originListed('https://a.example', ['https://a.example'])).toBe(true);
    expect(originListed('https://a.example:8443', ['https://a.example'])).toBe(false);
    expect(originListed('https://b.example', ['*'])).toBe(true);
    expect(originListed(undefined, ['*'])).toBe(false);
  });
});
