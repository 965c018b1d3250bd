import { describe, expect, it } from 'vitest';
import { contentTypeSchema } from '../../../functions/core/shared/config/schema.js';
import { parseJsonBody } from '../../../functions/core/wordpress/body.js';
import { BASE_FIELDS, restFieldsFor } from '../../../functions/core/wordpress/fields.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from '../../../functions/core/wordpress/retry.js';
import { restUrl } from '../../../functions/core/wordpress/routes.js';
import { resolvedType } from '../resolved.js';

describe('restFieldsFor', () => {
  it('asks for the base fields plus the root key of every path the type reads, once each', () => {
    const type = contentTypeSchema.parse({
      name: 'event',
      restBase: 'event',
      label: 'Evento',
      labelPlural: 'Eventos',
      textFields: ['content', 'acf', 'custom_text.value'],
      dateField: 'acf.informacion_tienda.0.cards.0.data.date',
      metadata: [
        { name: 'place', path: 'acf.informacion_tienda.0.cards.0.data.place' },
        { name: 'venue', path: 'meta.venue_name' },
      ],
    });
    expect(restFieldsFor(resolvedType(type))).toEqual([...BASE_FIELDS, 'acf', 'custom_text', 'meta']);
  });
});

describe('backoffDelay (full jitter)', () => {
  it('spreads over [0, min(cap, base × 2^(n−1)))', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, 500, 30_000, () => 0.999999))).toEqual([
      499, 999, 1999, 3999, 7999,
    ]);
    expect(backoffDelay(10, 500, 30_000, () => 0.999999)).toBe(29_999);
    expect(backoffDelay(3, 500, 30_000, () => 0)).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-15T12:00:00Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 15 Mar 2026 12:00:30 GMT', now)).toBe(30_000);
  });
  it('gives 0 for a date in the past and undefined for nothing usable', () => {
    expect(parseRetryAfter('Sun, 15 Mar 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('isRetryableStatus', () => {
  it('retries 408, 429 and server errors, not client errors or 501', () => {
    expect([408, 429, 500, 502, 503, 504, 520, 599].every(isRetryableStatus)).toBe(true);
    expect([200, 301, 400, 401, 403, 404, 410, 501, 505].some(isRetryableStatus)).toBe(false);
  });
});

describe('parseJsonBody', () => {
  it('parses JSON, with or without a byte order mark', () => {
    expect(parseJsonBody('[{"id":1}]')).toEqual({ ok: true, value: [{ id: 1 }], skipped: 0 });
    expect(parseJsonBody('\uFEFF{"a":1}')).toEqual({ ok: true, value: { a: 1 }, skipped: 0 });
  });
  it('skips a PHP warning printed before the JSON, even one with brackets in it', () => {
    const notice = '<b>Warning</b>: Undefined array key [0] in {plugin} on line 3<br />\n';
    expect(parseJsonBody(`${notice}[{"id":7}]`)).toEqual({
      ok: true,
      value: [{ id: 7 }],
      skipped: notice.length,
    });
  });
  it('does not mistake an HTML page with JSON inside for JSON', () => {
    expect(parseJsonBody('<html><script>var x = {"a":1};</script></html>')).toEqual({
      ok: false,
      what: 'HTML',
    });
    expect(parseJsonBody('Service Unavailable')).toEqual({ ok: false, what: 'text' });
    expect(parseJsonBody('  ')).toEqual({ ok: false, what: 'an empty body' });
    expect(parseJsonBody('[{"id":1},')).toEqual({ ok: false, what: 'text' });
  });
});

describe('restUrl', () => {
  it('builds pretty and ?rest_route= URLs, keeping commas readable', () => {
    const query = [
      ['page', 2],
      ['_fields', 'id,title'],
    ] as const;
    expect(restUrl('https://mall.example.cl/', 'pretty', '/wp/v2/stores', query)).toBe(
      'https://mall.example.cl/wp-json/wp/v2/stores?page=2&_fields=id,title',
    );
    expect(restUrl('https://mall.example.cl/blog', 'query', '/wp/v2/stores', query)).toBe(
      'https://mall.example.cl/blog/?rest_route=/wp/v2/stores&page=2&_fields=id,title',
    );
    expect(restUrl('https://mall.example.cl/wp-json/', 'pretty', '/')).toBe(
      'https://mall.example.cl/wp-json/',
    );
    expect(restUrl('https://mall.example.cl', 'query', '/')).toBe('https://mall.example.cl/?rest_route=/');
  });
});
