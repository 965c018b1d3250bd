import type { ResolvedContentType } from '../shared/config/schema.js';
import { WordPressError } from '../shared/errors.js';
import type { ListedItem, ListResult, WordPressClient } from '../wordpress/client.js';
import type { PreviousListing } from './extract-previous.js';

/**
 * How long before the newest date the previous run saw the question "what changed since?" starts.
 * WordPress compares `modified_after`/`after` with its local-time columns (post_modified, post_date)
 * after converting the instant to the site's time zone: a margin covers a daylight-saving hour, a time
 * zone setting changed between runs (offsets span 26 hours), and a save whose timestamp was taken before
 * the previous run listed the site but committed after. Items in the margin are listed again and found
 * unchanged: it costs a few ids, never a read.
 */
export const CHANGES_MARGIN_MS = 2 * 24 * 60 * 60 * 1000;

export interface ChangesListing {
  listing: ListResult;
  /** What was asked, for the plan's reason. */
  note: string;
}

/** `2026-11-28T03:00:00Z`: the RFC 3339 form WordPress validates `date-time` parameters with. */
const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A quiet night's listing in three requests instead of every page: the previous complete run's items
 * (ids and modified_gmt of its raw file) updated with what WordPress lists as modified or published since
 * shortly before the newest date that run saw, trusted only when the site's X-WP-Total equals the number
 * of items that makes. Anything it cannot judge — a removal (the count is lower), an item made public
 * without a new date (higher), a site refusing the parameters — returns
 * `fallback` with the reason, and the caller lists every page as before.
 *
 * What it cannot see: an item removed without a trace AND another made public with old dates in the same
 * night (the counts cancel out). The scheduled full read (`wordpress.fullReadEveryDays`) reconciles that,
 * as it does meta-only changes.
 */
export async function listChangesSince(
  type: ResolvedContentType,
  previous: PreviousListing,
  client: WordPressClient,
  now: Date,
): Promise<ChangesListing | { fallback: string }> {
  const started = performance.now();
  if (!Number.isFinite(previous.newestMs)) return { fallback: 'the previous run holds no dated item' };
  // A date the site gave in the future (a wrong clock, an import) must not push the question past now.
  const since = rfc3339(Math.min(previous.newestMs, now.getTime()) - CHANGES_MARGIN_MS);

  let reads: Awaited<ReturnType<typeof readChanges>>;
  try {
    reads = await readChanges(client, type, since);
  } catch (error) {
    if (error instanceof WordPressError)
      return { fallback: `the changes since ${since} could not be listed (${error.message})` };
    throw error;
  }
  const [count, modified, published] = reads;

  const merged = new Map(previous.items);
  let added = 0;
  const changed = new Set<number>();
  for (const item of [...modified.items, ...published.items]) {
    const before = merged.get(item.id);
    if (before === undefined) added++;
    if (before !== item.modified) changed.add(item.id);
    merged.set(item.id, item.modified);
  }
  if (count.total !== merged.size) {
    return {
      fallback:
        `X-WP-Total is ${count.total}, but the previous run's ${previous.items.size} items and ${added} new since ${since} make ${merged.size} ` +
        `(${count.total < merged.size ? 'something was removed or unpublished' : 'something was made public without a new date'})`,
    };
  }
  const items: ListedItem[] = [...merged]
    .map(([id, modifiedGmt]) => ({ id, modified: modifiedGmt }))
    .sort((a, b) => a.id - b.id);
  const parts = [count, modified, published];
  const sum = (pick: (part: { requests: number; retries: number; bytes: number }) => number) =>
    parts.reduce((n, part) => n + pick(part), 0);
  return {
    listing: {
      type: type.name,
      items,
      pages: modified.pages + published.pages,
      requests: sum((p) => p.requests),
      retries: sum((p) => p.retries),
      bytes: sum((p) => p.bytes),
      durationMs: Math.round(performance.now() - started),
    },
    note: `listed the changes since ${since} (${changed.size} new or modified, ${sum((p) => p.requests)} requests; X-WP-Total ${count.total} agrees)`,
  };
}

/** The count, the items modified since and the items published since, read at once. */
function readChanges(client: WordPressClient, type: ResolvedContentType, since: string) {
  return Promise.all([
    client.countItems(type),
    client.listItems(type, { modifiedAfter: since }),
    client.listItems(type, { publishedAfter: since }),
  ] as const);
}
