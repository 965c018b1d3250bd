import { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  type BatchResponse,
  processHintBatch,
  type SqsRecord,
  type WorkerDeps,
} from '../core/instant/worker.js';
import { systemClock } from '../core/shared/clock.js';
import { workerEnvSettings } from '../core/shared/config/webhook-env.js';
import { logger, powertoolsLog } from '../core/shared/logger.js';
import { createS3Storage } from '../core/storage/s3.js';
import { createEmfMetrics } from '../core/sync/metrics.js';
import { createWordPressClient } from '../core/wordpress/client.js';
import { applicationPassword } from '../core/wordpress/password.js';

export interface SqsEvent {
  Records: SqsRecord[];
}

/** What the handler needs besides the event: everything but the per-invocation lock owner. */
export type WorkerHandlerDeps = Omit<WorkerDeps, 'owner'>;

/**
 * The instant-update worker: SQS FIFO event source with ReportBatchItemFailures. Thin: the batch goes
 * to processHintBatch (functions/core/instant/worker.ts), which answers the failed message ids.
 */
export function makeWebhookWorkerHandler(deps: WorkerHandlerDeps) {
  return async (event: SqsEvent, context?: { awsRequestId?: string }): Promise<BatchResponse> => {
    const records = Array.isArray(event?.Records) ? event.Records : [];
    return processHintBatch(records, {
      ...deps,
      owner: `worker:${context?.awsRequestId ?? deps.now().getTime()}`,
    });
  };
}

/** `arn:aws:sqs:<region>:<account>:<name>` → `https://sqs.<region>.amazonaws.com/<account>/<name>`. */
export function queueUrlOf(arn: string): string | undefined {
  const match = /^arn:(aws[a-z-]*):sqs:([a-z0-9-]+):(\d{12}):(.+)$/.exec(arn);
  if (!match) return undefined;
  const [, partition, region, account, name] = match;
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

let cached: Promise<ReturnType<typeof makeWebhookWorkerHandler>> | undefined;

async function create(): Promise<ReturnType<typeof makeWebhookWorkerHandler>> {
  const settings = workerEnvSettings(process.env);
  const password = settings.passwordSecret
    ? await applicationPassword(new SecretsManagerClient({}), settings.passwordSecret)
    : undefined;
  const sqs = new SQSClient({});
  return makeWebhookWorkerHandler({
    config: settings.config,
    storage: createS3Storage({ bucket: settings.bucket, client: new S3Client({}) }),
    client: createWordPressClient(
      { ...settings.config.wordpress, siteUrl: settings.config.site.url, ...(password ? { password } : {}) },
      { log: powertoolsLog },
    ),
    // Standard retry mode: ThrottlingException and 5xx are retried with backoff before a call fails.
    bedrock: new BedrockAgentClient({ maxAttempts: 6 }),
    settings: {
      knowledgeBaseId: settings.knowledgeBaseId,
      dataSourceId: settings.dataSourceId,
      bucket: settings.bucket,
      indexWaitMs: settings.indexWaitMs,
      minIntervalMs: settings.minIntervalMs,
      lockTtlMs: settings.lockTtlMs,
      busyDelaySeconds: settings.busyDelaySeconds,
    },
    metrics: createEmfMetrics(settings.envName),
    log: powertoolsLog,
    now: () => systemClock.now(),
    async delay(record, seconds) {
      const queueUrl = record.eventSourceARN ? queueUrlOf(record.eventSourceARN) : undefined;
      if (!queueUrl) return;
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    },
  });
}

export const handler = async (
  event: SqsEvent,
  context?: { awsRequestId?: string },
): Promise<BatchResponse> => {
  cached ??= create().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  logger.appendKeys({ requestId: context?.awsRequestId ?? '' });
  return (await cached)(event, context);
};
