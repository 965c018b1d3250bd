import type { ResolvedContentType } from '../shared/config/schema.js';
import { WordPressError } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import type { WpItem } from '../shared/types.js';
import { JsonLinesGzFile } from '../storage/stream.js';
import type { WordPressClient } from '../wordpress/client.js';
import { redactProtected } from './redact.js';

/* Putting a read right against a listing made after it: ids that went missing, pages that shifted. */

/** What settling needs: the site, and a log for what it finds. */
export interface SettleDeps {
  client: WordPressClient;
  log: Log;
}

/** Ids a full read by pages missed and may read by id to put right; more means the type is being rewritten. */
export const MAX_RECONCILED = 1000;

/**
 * Ids listed but not returned by `include=`, twice: listed again now. One that is no longer listed was
 * unpublished or deleted during the read (it is gone, like any item missing from the listing); one that
 * is still listed fails the type, because passing it on without its item would delete its document.
 */
export async function settleMissing(
  type: ResolvedContentType,
  missing: readonly number[],
  deps: SettleDeps,
): Promise<{ vanished: Set<number>; requests: number; retries: number; bytes: number }> {
  if (missing.length === 0) return { vanished: new Set(), requests: 0, retries: 0, bytes: 0 };
  const again = await deps.client.listItems(type);
  const listed = new Set(again.items.map((item) => item.id));
  const still = missing.filter((id) => listed.has(id));
  if (still.length > 0) {
    throw new WordPressError(
      `${type.name} ${still.slice(0, 5).join(', ')}${still.length > 5 ? ` (and ${still.length - 5} more)` : ''}: listed by the site but not returned by include=, and still listed; not passing on a possibly incomplete type`,
      '',
    );
  }
  deps.log.warn('listed items unpublished or deleted during the read: gone', {
    type: type.name,
    ids: missing.slice(0, 20).join(', '),
    count: missing.length,
  });
  return { vanished: new Set(missing), requests: again.requests, retries: again.retries, bytes: again.bytes };
}

/**
 * A full read by pages that does not add up (X-WP-Total moved, a page past the end, an item on two pages,
 * fewer or more items than counted): the type changed while it was read. The ids are listed now and the
 * read is put right against them — items no longer listed are dropped (unpublished or deleted meanwhile),
 * listed ids the pages missed are read by id — or the type fails when that cannot be done (too many missed,
 * or a missed id the site lists but will not return). Streams the assembled file once more.
 */
export async function reconcilePages(
  type: ResolvedContentType,
  read: JsonLinesGzFile,
  file: string,
  why: string,
  deps: SettleDeps,
): Promise<Reconciled> {
  const listing = await deps.client.listItems(type);
  const listed = new Set(listing.items.map((item) => item.id));
  const seen = new Set<number>();
  for await (const item of read.read<WpItem>()) seen.add(item.id);
  const missed = listing.items.map((item) => item.id).filter((id) => !seen.has(id));
  if (missed.length > MAX_RECONCILED) {
    throw new WordPressError(
      `${type.name}: ${missed.length} listed items were missed by the read by pages (${why}); the type is changing faster than it can be read — not passing on a possibly incomplete type`,
      '',
    );
  }
  const fetched = missed.length ? await deps.client.fetchByIds(type, missed) : undefined;
  const settled = await settleMissing(type, fetched?.missing ?? [], deps);
  const extra = (fetched?.items ?? []).map(redactProtected);
  const out = new JsonLinesGzFile(file);
  let vanished = 0;
  for await (const item of read.read<WpItem>()) {
    while (extra[0] && extra[0].id < item.id) await out.write(extra.shift() as WpItem);
    if (listed.has(item.id)) await out.write(item);
    else vanished++;
  }
  for (const item of extra) await out.write(item);
  await out.close();
  deps.log.warn('extract: the read by pages did not add up; put right against a listing', {
    type: type.name,
    why,
    missedRead: fetched?.items.length ?? 0,
    gone: vanished,
  });
  const calls = [listing, fetched ?? { requests: 0, retries: 0, bytes: 0 }, settled];
  return {
    file: out,
    vanished,
    requests: calls.reduce((n, c) => n + c.requests, 0),
    retries: calls.reduce((n, c) => n + c.retries, 0),
    bytes: calls.reduce((n, c) => n + c.bytes, 0),
  };
}

/** A read by pages put right: the file to store, the items dropped, and the requests it took. */
export interface Reconciled {
  file: JsonLinesGzFile;
  vanished: number;
  requests: number;
  retries: number;
  bytes: number;
}
