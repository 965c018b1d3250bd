import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type SecretSource, secretCache } from '../core/auth/secret-cache.js';
import { readSharedSecret } from '../core/auth/shared-secret.js';
import type { ApiGatewayEvent, ApiGatewayResult, LambdaContextLike } from '../core/chat/http.js';
import { type Clock, systemClock } from '../core/shared/clock.js';
import type { ContentTypeConfig } from '../core/shared/config/schema.js';
import { receiverSettings } from '../core/shared/config/webhook-env.js';
import { oneLine } from '../core/shared/errors.js';
import { type Log, powertoolsLog } from '../core/shared/logger.js';
import { queueMessageFor } from '../core/webhook/queue-message.js';
import { decideWebhook, webhookErrorBody } from '../core/webhook/request.js';

export interface WebhookReceiverDeps {
  siteUrl: string;
  contentTypes: readonly ContentTypeConfig[];
  /** The site's shared secret, cached; read again early when a signature fails (a rotated secret). */
  secret: SecretSource;
  sqs: Pick<SQSClient, 'send'>;
  queueUrl: string;
  log: Log;
  clock: Clock;
}

/**
 * `POST /webhook` behind API Gateway (no API key: the signature is the authentication). Verifies the
 * request with the shared rules (413 over 16 KB, 401 unsigned / wrong / replayed, 400 not a hint for
 * this site) and enqueues an accepted hint on the FIFO queue (202); the worker does the rest. A refused
 * request changes nothing and its body is never logged. 503 when the queue cannot take the hint (the
 * plugin logs it; the nightly run reconciles the item).
 */
export function makeWebhookReceiverHandler(deps: WebhookReceiverDeps) {
  return async (event: ApiGatewayEvent, context?: LambdaContextLike): Promise<ApiGatewayResult> => {
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? '';
    const reply = (statusCode: number, body: string): ApiGatewayResult => ({
      statusCode,
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
      body,
    });
    if (event.httpMethod && event.httpMethod !== 'POST') {
      return reply(405, JSON.stringify({ error: { code: 'method_not_allowed', message: 'use POST' } }));
    }
    const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    const sourceIp = event.requestContext?.identity?.sourceIp;
    const now = deps.clock.now();
    const decide = (secret: string) =>
      decideWebhook(raw, event.headers, {
        secret,
        siteUrl: deps.siteUrl,
        contentTypes: deps.contentTypes,
        nowSeconds: Math.floor(now.getTime() / 1000),
      });
    let decision: ReturnType<typeof decide>;
    try {
      decision = decide(await deps.secret.get());
      if (!decision.accepted && decision.reason === 'signature does not match') {
        // The secret may have been rotated since it was cached: one fresh read (rate-limited).
        const fresh = await deps.secret.refresh();
        if (fresh !== undefined) decision = decide(fresh);
      }
    } catch (error) {
      deps.log.error('webhook secret unavailable', { requestId, error: oneLine(error) });
      return reply(503, JSON.stringify({ error: { code: 'unavailable', message: 'try again later' } }));
    }
    if (!decision.accepted) {
      deps.log.warn('webhook refused', {
        requestId,
        status: decision.status,
        reason: decision.reason,
        bytes: raw.length,
        sourceIp,
      });
      return reply(decision.status, webhookErrorBody(decision));
    }
    const { hint } = decision;
    const message = queueMessageFor(raw.toString('utf8'), hint, deps.siteUrl, decision.timestamp, now);
    try {
      await deps.sqs.send(
        new SendMessageCommand({
          QueueUrl: deps.queueUrl,
          MessageBody: message.body,
          MessageGroupId: message.groupId,
          MessageDeduplicationId: message.deduplicationId,
        }),
      );
    } catch (error) {
      deps.log.error('webhook hint not enqueued', {
        requestId,
        target: message.groupId,
        error: oneLine(error),
      });
      return reply(503, JSON.stringify({ error: { code: 'unavailable', message: 'try again later' } }));
    }
    deps.log.info('webhook hint queued', {
      requestId,
      type: hint.type.name,
      id: hint.id,
      event: hint.event,
      signedAt: decision.timestamp,
    });
    return reply(202, JSON.stringify({ status: 'queued' }));
  };
}

let cached: ReturnType<typeof makeWebhookReceiverHandler> | undefined;

export const handler = async (
  event: ApiGatewayEvent,
  context?: LambdaContextLike,
): Promise<ApiGatewayResult> => {
  if (!cached) {
    const settings = receiverSettings(process.env);
    const secrets = new SecretsManagerClient({});
    cached = makeWebhookReceiverHandler({
      siteUrl: settings.config.site.url,
      contentTypes: settings.config.contentTypes,
      secret: secretCache(() => readSharedSecret(secrets, settings.secretId), systemClock),
      sqs: new SQSClient({}),
      queueUrl: settings.queueUrl,
      log: powertoolsLog,
      clock: systemClock,
    });
  }
  return cached(event, context);
};
