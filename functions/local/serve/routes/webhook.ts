import type { Clock } from '../../../core/shared/clock.js';
import type { ContentTypeConfig } from '../../../core/shared/config/schema.js';
import { decideWebhook, webhookErrorBody } from '../../../core/webhook/request.js';
import { WEBHOOK_MAX_BODY_BYTES } from '../../../core/webhook/signature.js';
import type { LocalUpdater } from '../../instant/updater.js';
import type { ServeRoutes } from '../server.js';

export interface WebhookRoutesOptions {
  /** The site's shared secret (the plugin's WPKB_SECRET); without one every request is refused. */
  secret: string | undefined;
  /** The site hints must name (`--wp-url`, else `site.url`). */
  siteUrl: string;
  contentTypes: readonly ContentTypeConfig[];
  clock: Clock;
  updater: LocalUpdater;
}

/**
 * `POST /webhook` for the WordPress plugin: the same verification as the cloud receiver (413 over
 * 16 KB, 401 unsigned / wrongly signed / replayed, 400 not a hint for this site), then 202 and the hint
 * goes to the local updater. The body is read raw, whatever its content type, because the signature
 * covers its exact bytes; it is never logged.
 */
export function webhookRoutes(options: WebhookRoutesOptions): ServeRoutes {
  return {
    name: options.secret ? 'webhook' : 'webhook (no secret: every request refused)',
    register(app) {
      app.removeAllContentTypeParsers();
      app.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: WEBHOOK_MAX_BODY_BYTES },
        (_request, body, done) => done(null, body),
      );
      app.post('/webhook', { bodyLimit: WEBHOOK_MAX_BODY_BYTES }, async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const decision = decideWebhook(body, request.headers, {
          secret: options.secret ?? '',
          siteUrl: options.siteUrl,
          contentTypes: options.contentTypes,
          nowSeconds: Math.floor(options.clock.now().getTime() / 1000),
        });
        reply.header('Cache-Control', 'no-store').type('application/json; charset=utf-8');
        if (!decision.accepted) {
          request.logNote = `${decision.code}: ${decision.reason}`;
          return reply.status(decision.status).send(webhookErrorBody(decision));
        }
        const { hint } = decision;
        request.logNote = `${hint.event} ${hint.type.name}${hint.event === 'type' ? '' : `/${hint.id}`}`;
        options.updater.enqueue(hint);
        return reply.status(202).send(JSON.stringify({ status: 'queued' }));
      });
    },
  };
}
