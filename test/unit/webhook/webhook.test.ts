import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import { parseHint, sameSite } from '../../../functions/core/webhook/hint.js';
import { decideWebhook, webhookErrorBody } from '../../../functions/core/webhook/request.js';
import { checkSignature, signWebhook } from '../../../functions/core/webhook/signature.js';

const SECRET = 'wpkb-test-secret-0123456789';
const NOW = 1_772_366_400; // 2026-03-01T12:00:00Z
const config = loadConfig({ overrides: { site: { url: 'https://mall.example.cl' } } });
const rules = {
  secret: SECRET,
  siteUrl: config.site.url,
  contentTypes: config.contentTypes,
  nowSeconds: NOW,
};
const body = (value: unknown) => Buffer.from(JSON.stringify(value));
const storeHint = {
  site: 'https://mall.example.cl',
  type: 'stores',
  id: 12,
  event: 'upsert',
  modified_gmt: '2026-03-01T11:59:58',
};

describe('webhook signature', () => {
  it('accepts exactly what the contract signs: HMAC-SHA256(secret, "<t>.<raw body>") in lowercase hex', () => {
    const raw = body(storeHint);
    const expected = createHmac('sha256', SECRET).update(`${NOW}.${raw.toString()}`).digest('hex');
    expect(signWebhook(raw, SECRET, NOW)).toBe(`t=${NOW},v1=${expected}`);
    expect(checkSignature(raw, `t=${NOW},v1=${expected}`, { secret: SECRET, nowSeconds: NOW })).toEqual({
      ok: true,
      timestamp: NOW,
    });
    // Spaces and parts it does not know are tolerated; an upper-case signature is not the contract.
    expect(
      checkSignature(raw, ` t=${NOW} , v0=abc, v1=${expected} `, { secret: SECRET, nowSeconds: NOW }).ok,
    ).toBe(true);
    expect(
      checkSignature(raw, `t=${NOW},v1=${expected.toUpperCase()}`, { secret: SECRET, nowSeconds: NOW }).ok,
    ).toBe(false);
  });

  it('rejects any change to the body, the timestamp or the secret (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2048 }),
        fc.integer({ min: 0, max: 2047 }),
        fc.integer({ min: 1, max: 255 }),
        (bytes, at, flip) => {
          const raw = Buffer.from(bytes);
          const header = signWebhook(raw, SECRET, NOW);
          expect(checkSignature(raw, header, { secret: SECRET, nowSeconds: NOW }).ok).toBe(true);
          if (raw.length > 0) {
            const tampered = Buffer.from(raw);
            const index = at % raw.length;
            tampered[index] = (tampered[index] ?? 0) ^ flip;
            expect(checkSignature(tampered, header, { secret: SECRET, nowSeconds: NOW })).toMatchObject({
              ok: false,
              status: 401,
            });
          }
          const otherTime = header.replace(`t=${NOW}`, `t=${NOW - 1}`);
          expect(checkSignature(raw, otherTime, { secret: SECRET, nowSeconds: NOW }).ok).toBe(false);
          expect(checkSignature(raw, header, { secret: `${SECRET}x`, nowSeconds: NOW }).ok).toBe(false);
        },
      ),
    );
  });

  it('accepts a timestamp up to 300 s either way and refuses one beyond (replays, clocks far off)', () => {
    const raw = body(storeHint);
    for (const skew of [-300, -1, 0, 1, 300]) {
      const header = signWebhook(raw, SECRET, NOW + skew);
      expect(checkSignature(raw, header, { secret: SECRET, nowSeconds: NOW }).ok).toBe(true);
    }
    const old = checkSignature(raw, signWebhook(raw, SECRET, NOW - 301), { secret: SECRET, nowSeconds: NOW });
    expect(old).toEqual({ ok: false, status: 401, reason: 'timestamp is 301 s old (more than 300 s)' });
    const future = checkSignature(raw, signWebhook(raw, SECRET, NOW + 301), {
      secret: SECRET,
      nowSeconds: NOW,
    });
    expect(future).toMatchObject({
      ok: false,
      status: 401,
      reason: expect.stringContaining('in the future'),
    });
  });

  it('refuses missing or malformed headers and an empty secret with 401', () => {
    const raw = body(storeHint);
    const sig = signWebhook(raw, SECRET, NOW);
    for (const header of [
      undefined,
      '',
      'v1=abc',
      `t=abc,${sig.split(',')[1]}`,
      `t=${NOW}`,
      `t=${NOW},v1=zz`,
    ]) {
      expect(checkSignature(raw, header, { secret: SECRET, nowSeconds: NOW })).toMatchObject({
        ok: false,
        status: 401,
      });
    }
    expect(checkSignature(raw, signWebhook(raw, '', NOW), { secret: '', nowSeconds: NOW })).toMatchObject({
      ok: false,
      status: 401,
      reason: 'no webhook secret is configured',
    });
  });

  it('refuses a body over 16 KB with 413 before looking at the signature', () => {
    const limit = Buffer.alloc(16 * 1024, 0x61);
    expect(
      checkSignature(limit, signWebhook(limit, SECRET, NOW), { secret: SECRET, nowSeconds: NOW }).ok,
    ).toBe(true);
    const over = Buffer.alloc(16 * 1024 + 1, 0x61);
    expect(checkSignature(over, signWebhook(over, SECRET, NOW), { secret: SECRET, nowSeconds: NOW })).toEqual(
      {
        ok: false,
        status: 413,
        reason: 'body of 16385 bytes is over 16384',
      },
    );
    expect(checkSignature(over, undefined, { secret: SECRET, nowSeconds: NOW }).ok).toBe(false);
  });
});

describe('webhook hint', () => {
  it('resolves a valid hint to the configured content type', () => {
    const check = parseHint(body(storeHint), { siteUrl: config.site.url, contentTypes: config.contentTypes });
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.hint).toMatchObject({ id: 12, event: 'upsert', modifiedGmt: '2026-03-01T11:59:58' });
    expect(check.hint.type.name).toBe('stores');
    const typeHint = parseHint(body({ ...storeHint, id: 0, event: 'type', modified_gmt: null }), {
      siteUrl: config.site.url,
      contentTypes: config.contentTypes,
    });
    expect(typeHint).toMatchObject({ ok: true, hint: { id: 0, event: 'type', modifiedGmt: null } });
  });

  it.each([
    ['not JSON', Buffer.from('{"site": '), 'body is not JSON'],
    ['an array', body([storeHint]), 'body: '],
    ['an unknown event', body({ ...storeHint, event: 'publish' }), 'event: '],
    ['a negative id', body({ ...storeHint, id: -1 }), 'id: '],
    ['a string id', body({ ...storeHint, id: '12' }), 'id: '],
    ['id 0 on upsert', body({ ...storeHint, id: 0 }), 'id: id must be 0 for a "type" event'],
    ['a post id on a type event', body({ ...storeHint, event: 'type' }), 'id: id must be 0'],
    ['a bad date', body({ ...storeHint, modified_gmt: '2026-03-01 11:59:58' }), 'modified_gmt: '],
    ['another site', body({ ...storeHint, site: 'https://evil.example' }), 'site: not the configured site'],
    [
      'http for https',
      body({ ...storeHint, site: 'http://mall.example.cl' }),
      'site: not the configured site',
    ],
    [
      'an unknown type',
      body({ ...storeHint, type: 'posts' }),
      'type: "posts" is not a configured content type',
    ],
  ])('refuses %s with 400 naming the field', (_name, raw, reason) => {
    const check = parseHint(raw, { siteUrl: config.site.url, contentTypes: config.contentTypes });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.status).toBe(400);
    expect(check.reason.startsWith(reason)).toBe(true);
  });

  it('compares sites regardless of a trailing slash or the host case', () => {
    expect(sameSite('https://Mall.Example.cl/', 'https://mall.example.cl')).toBe(true);
    expect(sameSite('https://mall.example.cl/es/', 'https://mall.example.cl/es')).toBe(true);
    expect(sameSite('https://mall.example.cl/es', 'https://mall.example.cl')).toBe(false);
    expect(sameSite('not a url', 'not a url')).toBe(false);
  });
});

describe('decideWebhook', () => {
  it('checks size, then signature, then the hint, and never quotes the body', () => {
    const secretWord = 'Zorzalquimera';
    const raw = body({ ...storeHint, site: `https://${secretWord}.example` });
    const headers = { 'X-Wpkb-Signature': signWebhook(raw, SECRET, NOW) };
    const decision = decideWebhook(raw, headers, rules);
    expect(decision).toMatchObject({ accepted: false, status: 400, code: 'bad_request' });
    if (decision.accepted) return;
    expect(webhookErrorBody(decision)).not.toContain(secretWord);
    expect(JSON.parse(webhookErrorBody(decision))).toEqual({
      error: { code: 'bad_request', message: 'site: not the configured site' },
    });

    const unsigned = decideWebhook(body(storeHint), {}, rules);
    expect(unsigned).toMatchObject({ accepted: false, status: 401, code: 'unauthorized' });
    const ok = decideWebhook(
      body(storeHint),
      { 'x-wpkb-signature': signWebhook(body(storeHint), SECRET, NOW) },
      rules,
    );
    expect(ok).toMatchObject({ accepted: true, timestamp: NOW, hint: { id: 12 } });
  });
});
