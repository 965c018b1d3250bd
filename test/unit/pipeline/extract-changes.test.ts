import { describe, expect, it } from 'vitest';
import { CHANGES_MARGIN_MS, listChangesSince } from '../../../functions/core/pipeline/extract-changes.js';
import type { PreviousListing } from '../../../functions/core/pipeline/extract-previous.js';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import type { WpItem } from '../../../functions/core/shared/types.js';
import type { WordPressClient } from '../../../functions/core/wordpress/client.js';
import { resolvedTypeNamed } from '../resolved.js';
import { fakeClient } from './fake-client.js';

const stores = resolvedTypeNamed(loadConfig({}), 'stores');
const now = new Date('2026-11-30T03:00:00Z');

const item = (id: number, modified: string, date = '2025-01-01T00:00:00'): WpItem =>
  ({ id, modified_gmt: modified, date_gmt: date }) as WpItem;

const previousOf = (items: WpItem[]): PreviousListing => ({
  items: new Map(items.map((i) => [i.id, i.modified_gmt ?? null])),
  newestMs: Math.max(
    ...items.flatMap((i) => [Date.parse(`${i.modified_gmt}Z`), Date.parse(`${i.date_gmt}Z`)]),
  ),
});

describe('asking WordPress what changed since the previous run', () => {
  const before = [
    item(1, '2026-11-01T10:00:00'),
    item(2, '2026-11-20T10:00:00'),
    item(3, '2026-06-01T10:00:00'),
  ];

  it('asks from two days before the newest date the previous run saw, and lists it with the changes', async () => {
    const calls: string[] = [];
    const site = [
      before[0] as WpItem,
      item(2, '2026-11-29T08:00:00'),
      before[2] as WpItem,
      item(4, '2026-11-29T09:00:00', '2026-11-29T09:00:00'),
    ];
    const result = await listChangesSince(
      stores,
      previousOf(before),
      fakeClient({ items: () => site, calls }),
      now,
    );
    expect(calls.sort()).toEqual(['count stores', 'list stores after', 'list stores modified_after']);
    if ('fallback' in result) throw new Error(result.fallback);
    expect(result.note).toContain(
      `since ${new Date(Date.parse('2026-11-20T10:00:00Z') - CHANGES_MARGIN_MS).toISOString().replace('.000', '')}`,
    );
    expect(result.note).toContain('2 new or modified');
    expect(result.listing.items).toEqual([
      { id: 1, modified: '2026-11-01T10:00:00' },
      { id: 2, modified: '2026-11-29T08:00:00' },
      { id: 3, modified: '2026-06-01T10:00:00' },
      { id: 4, modified: '2026-11-29T09:00:00' },
    ]);
  });

  it('never asks from a date in the future, whatever dates the site gave', async () => {
    const future = [...before, item(9, '2031-01-01T00:00:00')];
    const urls: string[] = [];
    const client = fakeClient({ items: () => future });
    const spy: WordPressClient = {
      ...client,
      listItems: async (type, since) => {
        if (since) urls.push(JSON.stringify(since));
        return client.listItems(type, since);
      },
    };
    const result = await listChangesSince(stores, previousOf(future), spy, now);
    expect('listing' in result).toBe(true);
    const expected = new Date(now.getTime() - CHANGES_MARGIN_MS).toISOString().replace('.000', '');
    expect(urls).toEqual([
      JSON.stringify({ modifiedAfter: expected }),
      JSON.stringify({ publishedAfter: expected }),
    ]);
  });

  it('stays correct when the site ignores the parameters and answers with every item', async () => {
    const client = fakeClient({ items: () => before });
    const ignoring: WordPressClient = { ...client, listItems: (type) => client.listItems(type) };
    const result = await listChangesSince(stores, previousOf(before), ignoring, now);
    if ('fallback' in result) throw new Error(result.fallback);
    expect(result.note).toContain('0 new or modified');
    expect(result.listing.items.map((i) => i.id)).toEqual([1, 2, 3]);
  });

  it('falls back to every page when the count disagrees, or a request fails', async () => {
    const removed = await listChangesSince(
      stores,
      previousOf(before),
      fakeClient({ items: () => before.slice(1) }),
      now,
    );
    expect(removed).toEqual({
      fallback: expect.stringMatching(
        /^X-WP-Total is 2, but the previous run's 3 items and 0 new since \S+ make 3 \(something was removed or unpublished\)$/,
      ),
    });
    const failing = await listChangesSince(
      stores,
      previousOf(before),
      fakeClient({ items: () => before, failing: 'stores' }),
      now,
    );
    expect(failing).toEqual({
      fallback: expect.stringMatching(/^the changes since \S+ could not be listed \(stores: GET .* HTTP 503/),
    });
    const undated = await listChangesSince(
      stores,
      { items: new Map([[1, null]]), newestMs: Number.NEGATIVE_INFINITY },
      fakeClient({ items: () => before }),
      now,
    );
    expect(undated).toEqual({ fallback: 'the previous run holds no dated item' });
  });
});
