import { z } from 'zod';
import type { ContentTypeConfig } from '../shared/config/schema.js';
import { restBaseOf } from '../wordpress/resolve-types.js';

/**
 * The notification body (the shared wire contract): `{"site": home_url(), "type": "<rest_base>",
 * "id": <post id, or 0 for "type">, "event": "upsert"|"delete"|"type", "modified_gmt": "<Y-m-d\TH:i:s>"|null}`.
 * A hint, never content: wpkb re-reads the item from the REST API whatever the event says.
 */
export const hintSchema = z
  .object({
    site: z.string().min(1).max(2048),
    type: z.string().regex(/^[a-z0-9][a-z0-9_/-]{0,99}$/, 'must be a REST base'),
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    event: z.enum(['upsert', 'delete', 'type']),
    modified_gmt: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, 'must be Y-m-d\\TH:i:s')
      .nullable()
      .optional(),
  })
  .refine((hint) => (hint.event === 'type') === (hint.id === 0), {
    message: 'id must be 0 for a "type" event and a post id otherwise',
    path: ['id'],
  });
export type WebhookHint = z.infer<typeof hintSchema>;

/** A hint checked against the configuration: the content type it names, one of ours. */
export interface Hint {
  type: ContentTypeConfig;
  /** The post id; 0 for a type-level hint (a term of the type was renamed or deleted). */
  id: number;
  event: WebhookHint['event'];
  modifiedGmt: string | null;
}

export type HintCheck = { ok: true; hint: Hint } | { ok: false; status: 400; reason: string };

/** `https://Mall.example.cl/` and `https://mall.example.cl` are the same site; http and https are not. */
export function sameSite(a: string, b: string): boolean {
  const key = (url: string): string | undefined => {
    try {
      const parsed = new URL(url.trim());
      return `${parsed.protocol}//${parsed.host.toLowerCase()}${parsed.pathname.replace(/\/+$/, '')}`;
    } catch {
      return undefined;
    }
  };
  const ka = key(a);
  return ka !== undefined && ka === key(b);
}

/**
 * Parses and checks a (signature-verified) body: JSON, the contract's shape, the configured site, a
 * configured content type. Any failure is a 400 naming the field, never quoting the body.
 */
export function parseHint(
  body: Buffer,
  config: { siteUrl: string; contentTypes: readonly ContentTypeConfig[] },
): HintCheck {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, status: 400, reason: 'body is not JSON' };
  }
  const parsed = hintSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'body';
    return { ok: false, status: 400, reason: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  const raw = parsed.data;
  if (!sameSite(raw.site, config.siteUrl)) {
    return { ok: false, status: 400, reason: 'site: not the configured site' };
  }
  // The configured REST base (default: the type's name): the plugin sends the post type's rest_base.
  const type = config.contentTypes.find((t) => restBaseOf(t) === raw.type);
  if (!type)
    return { ok: false, status: 400, reason: `type: "${raw.type}" is not a configured content type` };
  return {
    ok: true,
    hint: { type, id: raw.id, event: raw.event, modifiedGmt: raw.modified_gmt ?? null },
  };
}
