import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface ChatAlarmsProps {
  /** `wpkb-<env>`: alarm names start with it. */
  namePrefix: string;
  api: apigw.RestApi;
  /** Where alarms (and their recovery) are sent: the pipeline's alert topic. */
  topic: sns.ITopic;
  /** 5XX answers in 5 minutes that alarm (default 5: one user retrying is not an incident). */
  serverErrorsThreshold?: number;
  /** p95 latency that alarms when it lasts 15 minutes (default 20 s; the integration gives up at 29 s). */
  latencyP95Ms?: number;
  /**
   * Requests on the visitors' route that alarm within an hour: its throttle caps spend per second, this
   * tells a person (docs/threat-model.md). Default: no such alarm.
   */
  visitorRequests?: { method: apigw.Method; stage: apigw.Stage; perHour: number };
}

/**
 * What tells people the chat endpoint is failing its users: API Gateway's 5XX answers (the handler
 * maps Bedrock failures to 502/504, API Gateway adds its own) and a p95 latency close to the 29 s
 * integration timeout. Throttling (429) is the usage plan working as configured and does not alarm.
 */
export class ChatAlarms extends Construct {
  readonly serverErrors: cloudwatch.Alarm;
  readonly latency: cloudwatch.Alarm;
  readonly visitorVolume?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ChatAlarmsProps) {
    super(scope, id);
    const notify = new actions.SnsAction(props.topic);

    this.serverErrors = new cloudwatch.Alarm(this, 'ServerErrors', {
      alarmName: `${props.namePrefix}-chat-5xx`,
      alarmDescription:
        'The chat endpoint answered 5XX (Bedrock failures, timeouts, API Gateway errors): see docs/operations.md',
      metric: props.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: props.serverErrorsThreshold ?? 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.latency = new cloudwatch.Alarm(this, 'Latency', {
      alarmName: `${props.namePrefix}-chat-latency`,
      alarmDescription: 'Chat answers are close to the 29 s integration timeout (p95 over 15 minutes)',
      metric: props.api.metricLatency({ period: Duration.minutes(5), statistic: 'p95' }),
      threshold: props.latencyP95Ms ?? 20_000,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const visitor = props.visitorRequests;
    if (visitor) {
      this.visitorVolume = new cloudwatch.Alarm(this, 'VisitorVolume', {
        alarmName: `${props.namePrefix}-chat-visitor-volume`,
        alarmDescription:
          "Unusually many questions on the widget's route in an hour (Bedrock spend): see docs/threat-model.md",
        metric: visitor.method.metricCount(visitor.stage, { period: Duration.hours(1), statistic: 'Sum' }),
        threshold: visitor.perHour,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    for (const alarm of [
      this.serverErrors,
      this.latency,
      ...(this.visitorVolume ? [this.visitorVolume] : []),
    ]) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
  }
}
