import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { notifyAlerts } from './alert-topic.js';
import { acknowledge } from './nag.js';

export interface InstantUpdateQueueProps {
  /** `wpkb-<env>`: queue and alarm names start with it. */
  namePrefix: string;
  /** At least the worker's timeout (AWS requires it of an event source's queue). */
  visibilityTimeout: Duration;
  /** Deliveries of a hint before it moves to the dead-letter queue. */
  maxReceiveCount: number;
  /** Where the dead-letter alarm (and its recovery) goes: the alert topic. */
  alertTopic: sns.ITopic;
}

/**
 * The instant-update queue: SQS FIFO (one message group per site/type/id, so hints about one item are
 * handled in order and different items in parallel; deduplication ids from the receiver), its FIFO
 * dead-letter queue kept 14 days, and an alarm as soon as a hint lands there. SQS-managed encryption,
 * TLS only.
 */
export class InstantUpdateQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: InstantUpdateQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      queueName: `${props.namePrefix}-instant-updates-dlq.fifo`,
      fifo: true,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledge(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This is the dead-letter queue of the instant-update queue; its messages are inspected, not redriven automatically.',
    );
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: `${props.namePrefix}-instant-updates.fifo`,
      fifo: true,
      contentBasedDeduplication: false,
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmName: `${props.namePrefix}-instant-updates-dlq`,
      alarmDescription:
        'An instant update failed after every retry (WordPress unreadable, direct ingestion failing): see docs/instant-updates.md. The nightly run reconciles the item.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notifyAlerts(props.alertTopic, this.deadLetterAlarm);
  }
}
