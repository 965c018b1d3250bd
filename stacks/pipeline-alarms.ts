import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  CANARY_MISSES,
  INGESTION_DOCUMENTS_FAILED,
  METRICS_NAMESPACE,
} from '../functions/core/sync/metrics.js';

export interface PipelineAlarmsProps {
  stateMachine: sfn.IStateMachine;
  alertTopic: sns.ITopic;
  /** `wpkb-<env>`: prefixes the alarm names. */
  namePrefix: string;
  /** The `environment` dimension of the sync Lambda's metrics. */
  env: string;
  /** Hours without a successful execution before alarming; undefined: no such alarm. */
  noSuccessHours?: number;
  /** Post-sync canaries are configured: alarm on their misses. */
  canaries?: boolean;
}

/**
 * CloudWatch alarms of the pipeline, all notifying the alert topic:
 * - `<prefix>-pipeline-failed`: an execution failed or timed out (5-minute sums). Failures also send
 *   their own alert from the state machine; this catches what the state machine cannot report itself
 *   (the execution timeout, a failure of the alert itself, a malformed input).
 * - `<prefix>-pipeline-no-success`: no execution succeeded during the last N hours (N one-hour periods,
 *   missing data breaching: hours without executions count as hours without success).
 * - `<prefix>-ingestion-documents-failed`: an ingestion job completed with failed documents (the sync
 *   Lambda's `wpkb/IngestionDocumentsFailed` metric).
 * - `<prefix>-canary-misses` (only with canaries configured): a post-sync canary missed (the sync
 *   Lambda's `wpkb/CanaryMisses`). The state machine's canary alert names the questions; the alarm is
 *   the CloudWatch record of it and still fires when that alert could not be published.
 */
export class PipelineAlarms extends Construct {
  readonly failed: cloudwatch.Alarm;
  readonly noSuccess?: cloudwatch.Alarm;
  readonly documentsFailed: cloudwatch.Alarm;
  readonly canaryMisses?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const { stateMachine, namePrefix } = props;
    const notify = new actions.SnsAction(props.alertTopic);

    const fiveMinutes = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
    this.failed = new cloudwatch.Alarm(this, 'Failed', {
      alarmName: `${namePrefix}-pipeline-failed`,
      alarmDescription: `A ${namePrefix} pipeline execution failed or timed out. See docs/operations.md (alarm "pipeline-failed").`,
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
        usingMetrics: {
          failed: stateMachine.metricFailed(fiveMinutes),
          timedOut: stateMachine.metricTimedOut(fiveMinutes),
        },
        period: Duration.minutes(5),
        label: 'Executions failed or timed out',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failed.addAlarmAction(notify);

    if (props.noSuccessHours !== undefined) {
      const hours = props.noSuccessHours;
      this.noSuccess = new cloudwatch.Alarm(this, 'NoSuccess', {
        alarmName: `${namePrefix}-pipeline-no-success`,
        alarmDescription: `No ${namePrefix} pipeline execution succeeded in the last ${hours} hours. See docs/operations.md (alarm "pipeline-no-success").`,
        metric: stateMachine.metricSucceeded({ period: Duration.hours(1), statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // One-hour periods: CloudWatch allows up to 7 days of evaluation for periods of an hour or more.
        evaluationPeriods: hours,
        datapointsToAlarm: hours,
        // No execution in an hour means no success in that hour.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      this.noSuccess.addAlarmAction(notify);
      this.noSuccess.addOkAction(notify);
    }

    this.documentsFailed = new cloudwatch.Alarm(this, 'DocumentsFailed', {
      alarmName: `${namePrefix}-ingestion-documents-failed`,
      alarmDescription: `A ${namePrefix} ingestion job completed with documents Bedrock could not index. See docs/operations.md (alarm "ingestion-documents-failed").`,
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: INGESTION_DOCUMENTS_FAILED,
        dimensionsMap: { environment: props.env },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.hours(1),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.documentsFailed.addAlarmAction(notify);

    if (props.canaries) {
      this.canaryMisses = new cloudwatch.Alarm(this, 'CanaryMisses', {
        alarmName: `${namePrefix}-canary-misses`,
        alarmDescription: `A ${namePrefix} post-sync canary question did not retrieve its expected item. See docs/operations.md (alarm "canary-misses").`,
        metric: new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: CANARY_MISSES,
          dimensionsMap: { environment: props.env },
          statistic: cloudwatch.Stats.SUM,
          period: Duration.hours(1),
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.canaryMisses.addAlarmAction(notify);
    }
  }
}
