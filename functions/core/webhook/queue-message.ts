import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ContentTypeConfig } from '../shared/config/schema.js';
import { restBaseOf } from '../wordpress/resolve-types.js';
import { type Hint, parseHint } from './hint.js';

/**
 * What the receiver puts on the FIFO queue for the worker: the signed body as received (the worker
 * parses it again with the same rules, so a configuration change in between cannot slip a hint
 * through), when it arrived and the signature's timestamp.
 */
const queuedSchema = z.object({
  body: z.string().min(2),
  receivedAt: z.iso.datetime(),
  signedAt: z.number().int().min(0),
});
export type QueuedHint = z.infer<typeof queuedSchema>;

export interface QueueMessage {
  body: string;
  /**
   * One message group per site/type/id (`mall.example.cl/stores/12`; `…/stores/0` for a type hint): the
   * hints about one item are handled in order, different items in parallel.
   */
  groupId: string;
  /**
   * SHA-256 of the signed request (`<t>.<body>`): a notification the plugin or a proxy sent twice within
   * SQS's 5-minute window is enqueued once, and so is a replay of it. Not the item alone: a later save of
   * the same item inside the window is a new notification, and dropping it could leave the item in an
   * earlier state until the nightly run (the worker may already have read the earlier one).
   */
  deduplicationId: string;
}

export function queueMessageFor(
  rawBody: string,
  hint: Hint,
  siteUrl: string,
  signedAt: number,
  receivedAt: Date,
): QueueMessage {
  const host = new URL(siteUrl).host.toLowerCase();
  const queued: QueuedHint = { body: rawBody, receivedAt: receivedAt.toISOString(), signedAt };
  return {
    body: JSON.stringify(queued),
    groupId: `${host}/${restBaseOf(hint.type)}/${hint.event === 'type' ? 0 : hint.id}`.slice(0, 128),
    deduplicationId: createHash('sha256').update(`${signedAt}.${rawBody}`).digest('hex'),
  };
}

export type QueuedRead = { ok: true; hint: Hint; queued: QueuedHint } | { ok: false; reason: string };

/** Reads a queued message back into a hint checked against the configuration. */
export function readQueuedHint(
  messageBody: string,
  config: { siteUrl: string; contentTypes: readonly ContentTypeConfig[] },
): QueuedRead {
  let queued: QueuedHint;
  try {
    queued = queuedSchema.parse(JSON.parse(messageBody));
  } catch {
    return { ok: false, reason: 'message is not a queued hint' };
  }
  const check = parseHint(Buffer.from(queued.body, 'utf8'), config);
  return check.ok ? { ok: true, hint: check.hint, queued } : { ok: false, reason: check.reason };
}
