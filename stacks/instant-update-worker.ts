import { type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { InstantUpdatesCloudConfig } from '../functions/core/shared/config/cloud-schema.js';
import { notifyAlerts } from './alert-topic.js';
import { DATA_LOCK_OBJECT, DATA_PREFIXES } from './data-bucket.js';
import { acknowledge } from './nag.js';
import { secretReadStatements } from './pinecone-index.js';
import { WpkbFunction } from './wpkb-function.js';

/** Direct-ingestion calls per second per API, account-wide default quota (bedrock-facts.md). */
const DOCUMENT_API_RATE = 5;
/** Time for WordPress reads (a type hint reads the whole type) and S3 writes, besides the index wait. */
const WORK_SECONDS = 240;

/** The worker's timeout for a given index wait: what the queue's visibility timeout must cover. */
export function workerTimeout(settings: Pick<InstantUpdatesCloudConfig, 'indexWaitSeconds'>): Duration {
  return Duration.seconds(settings.indexWaitSeconds + WORK_SECONDS);
}

export interface InstantUpdateWorkerProps {
  settings: InstantUpdatesCloudConfig;
  namePrefix: string;
  env: string;
  queue: sqs.IQueue;
  dataBucket: s3.IBucket;
  knowledgeBaseId: string;
  knowledgeBaseArn: string;
  dataSourceId: string;
  /** Site, WordPress client, content types, labels, deletion guard: compiled into the bundle. */
  bundledConfig: Record<string, unknown>;
  /** Source maps in the bundle (`cloud.sourceMaps`). */
  sourceMaps: boolean;
  /** Secrets Manager secret with the WordPress application password, when the site needs one. */
  wordpressPasswordSecret?: string;
  alertTopic: sns.ITopic;
}

/**
 * The instant-update worker (functions/handlers/webhook-worker.ts) on the FIFO queue: batches of up to
 * `batchSize` hints, `workerConcurrency` invocations at most (WordPress's load and each worker's share
 * of the 5 requests/s per document API), ReportBatchItemFailures. Its role may write exactly what one
 * item's update writes (the document, sidecar and catalog entry; for a type hint the type's export), its
 * ledger record and the data lock; read the types' state (the boilerplate blocks); call the knowledge base's document APIs;
 * consume and delay messages of its queue. An alarm on its errors goes to the alert topic.
 */
export class InstantUpdateWorker extends Construct {
  readonly function: WpkbFunction;
  readonly errors: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: InstantUpdateWorkerProps) {
    super(scope, id);
    const { settings, dataBucket: bucket } = props;
    const objects = (prefix: string) => bucket.arnForObjects(`${prefix}*`);
    const lock = bucket.arnForObjects(DATA_LOCK_OBJECT);
    const timeout = workerTimeout(settings);
    const passwordSecret = props.wordpressPasswordSecret;

    this.function = new WpkbFunction(this, 'Worker', {
      functionName: `${props.namePrefix}-instant-worker`,
      entry: 'handlers/webhook-worker.ts',
      description: `wpkb ${props.env}: applies WordPress change hints to S3 and ingests them directly`,
      memorySize: 1024,
      timeout,
      environment: {
        DATA_BUCKET: bucket.bucketName,
        KNOWLEDGE_BASE_ID: props.knowledgeBaseId,
        DATA_SOURCE_ID: props.dataSourceId,
        INDEX_WAIT_SECONDS: String(settings.indexWaitSeconds),
        INGEST_MIN_INTERVAL_MS: String(Math.ceil((1000 * settings.workerConcurrency) / DOCUMENT_API_RATE)),
        LOCK_TTL_SECONDS: String(timeout.toSeconds() + 60),
        BUSY_DELAY_SECONDS: String(settings.busyDelaySeconds),
        ENV_NAME: props.env,
        POWERTOOLS_SERVICE_NAME: 'wpkb-instant-updates',
        ...(passwordSecret ? { WP_APP_PASSWORD_SECRET: passwordSecret } : {}),
      },
      statements: [
        new iam.PolicyStatement({
          // With ListBucket a missing key is 404 (a new document, no catalog yet, a free lock), not 403.
          sid: 'ListData',
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
        }),
        new iam.PolicyStatement({
          sid: 'ReadItemObjects',
          actions: ['s3:GetObject'],
          resources: [
            objects(DATA_PREFIXES.kb),
            objects(DATA_PREFIXES.catalog),
            objects(DATA_PREFIXES.state),
            lock,
          ],
        }),
        new iam.PolicyStatement({
          sid: 'WriteItemObjects',
          actions: ['s3:PutObject'],
          resources: [
            objects(DATA_PREFIXES.kb),
            objects(DATA_PREFIXES.catalog),
            objects(DATA_PREFIXES.exports),
            objects(DATA_PREFIXES.instant),
            lock,
          ],
        }),
        new iam.PolicyStatement({
          sid: 'DeleteGoneDocuments',
          actions: ['s3:DeleteObject'],
          resources: [objects(DATA_PREFIXES.kb), lock],
        }),
        new iam.PolicyStatement({
          // The document APIs the worker calls, and ListIngestionJobs to never run beside a job. AWS's
          // direct-ingestion prerequisites also list StartIngestionJob (bedrock-facts.md); the worker never
          // calls it, but a direct ingestion may be authorised against it: kept to follow the documentation.
          sid: 'DirectIngestion',
          actions: [
            'bedrock:IngestKnowledgeBaseDocuments',
            'bedrock:DeleteKnowledgeBaseDocuments',
            'bedrock:GetKnowledgeBaseDocuments',
            'bedrock:ListIngestionJobs',
            'bedrock:StartIngestionJob',
          ],
          resources: [props.knowledgeBaseArn],
        }),
        new iam.PolicyStatement({
          // The event source mapping polls with the function's role; ChangeMessageVisibility defers a
          // hint that found the data busy.
          sid: 'ConsumeHints',
          actions: [
            'sqs:ReceiveMessage',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
            'sqs:ChangeMessageVisibility',
          ],
          resources: [props.queue.queueArn],
        }),
        ...(passwordSecret ? secretReadStatements(this, passwordSecret, undefined, 'WordPressPassword') : []),
      ],
      logRetentionDays: settings.logRetentionDays,
      // Bundled, not the runtime's copy: the direct-ingestion commands and S3's conditional writes are
      // recent, and the bundle is the version the worker was tested with.
      externalModules: [],
      bundledConfig: props.bundledConfig,
      sourceMaps: props.sourceMaps,
    });
    const bucketArnId = `${Stack.of(this).getLogicalId(bucket.node.defaultChild as CfnElement)}.Arn`;
    for (const prefix of ['kb', 'catalog', 'exports', 'state', 'instant'] as const) {
      acknowledge(
        this.function.role,
        'AwsSolutions-IAM5',
        prefix === 'state'
          ? 'The worker reads state/<type>.json of the type it updates (known only at run time), so the grant is on the prefix.'
          : `The worker writes the objects of the items it updates under ${DATA_PREFIXES[prefix]} (which item is known only at run time), so the grant is on the prefix.`,
        `Resource::<${bucketArnId}>/${DATA_PREFIXES[prefix]}*`,
      );
    }

    this.function.fn.addEventSource(
      new SqsEventSource(props.queue, {
        batchSize: settings.batchSize,
        maxConcurrency: settings.workerConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    this.errors = new cloudwatch.Alarm(this, 'Errors', {
      alarmName: `${props.namePrefix}-instant-updates-worker-errors`,
      alarmDescription:
        'The instant-update worker threw (configuration, AWS access): hints are retried, then dead-lettered. See docs/instant-updates.md.',
      metric: this.function.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notifyAlerts(props.alertTopic, this.errors);
  }
}
