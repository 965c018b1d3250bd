import { WordPressError } from '../shared/errors.js';
import type { WpItem } from '../shared/types.js';
import { jsonKind, parseJsonBody, snippet } from './body.js';
import { type GetOutcome, statusError, wpErrorCode } from './http.js';

/**
 * One item as the REST API shows it to wpkb's reader (anonymous, or the configured application
 * password): the same visibility rule as the nightly extract, which lists the default `status=publish`.
 *
 * - `item`: published and readable (a password-protected item is an `item` too, with
 *   `content.protected`; the caller applies the nightly rule and leaves it out);
 * - `hidden`: the item exists but this reader may not see it as published — a draft, pending, private,
 *   future or trashed post (401/403 `rest_forbidden` for an anonymous reader; a non-`publish` status
 *   for an authenticated one);
 * - `gone`: 404 `rest_post_invalid_id` (deleted, or not of this type).
 * Anything else (an auth failure, a WAF page, 5xx after retries, not JSON) is a WordPressError: never
 * taken as "hidden", so a broken read cannot delete a document.
 */
export type ItemRead =
  | { kind: 'item'; item: WpItem }
  | { kind: 'hidden'; reason: string }
  | { kind: 'gone'; reason: string };

/** WordPress's codes for "you may not read this post" (anonymous readers of non-public posts). */
const FORBIDDEN_CODES = new Set(['rest_forbidden', 'rest_forbidden_context', 'rest_cannot_read']);

export function readItemResponse(label: string, id: number, outcome: GetOutcome): ItemRead {
  const { response } = outcome;
  const code = wpErrorCode(response);
  if (response.status === 404 && code === 'rest_post_invalid_id') {
    return { kind: 'gone', reason: `HTTP 404 (${code})` };
  }
  if ((response.status === 401 || response.status === 403) && code && FORBIDDEN_CODES.has(code)) {
    return { kind: 'hidden', reason: `HTTP ${response.status} (${code})` };
  }
  if (response.status < 200 || response.status > 299) throw statusError(label, outcome);
  const fail = (what: string) =>
    new WordPressError(
      `${label}: GET ${response.url} ${what} (HTTP ${response.status})`,
      response.url,
      response.status,
    );
  const parsed = parseJsonBody(response.body);
  if (!parsed.ok) throw fail(`returned ${parsed.what} instead of JSON: "${snippet(response.body)}"`);
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail(`returned ${jsonKind(value)} instead of an item`);
  }
  const item = value as WpItem;
  if (item.id !== id) throw fail(`returned item ${JSON.stringify(item.id)} instead of ${id}`);
  if (typeof item.status === 'string' && item.status !== 'publish') {
    return { kind: 'hidden', reason: `status ${item.status}` };
  }
  return { kind: 'item', item };
}
