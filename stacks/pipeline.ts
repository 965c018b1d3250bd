import { ArnFormat, type CfnElement, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';
import { PipelineAlarms } from './pipeline-alarms.js';
import { PipelineFunctions, type PipelineFunctionsProps } from './pipeline-functions.js';
import { PipelineStateMachine } from './pipeline-state-machine.js';

export interface PipelineProps extends Omit<PipelineFunctionsProps, 'stateMachineArn'> {
  /** Every failure is published here (the topic's key included in the grant). */
  readonly alertTopic: sns.ITopic;
}

/**
 * The ingestion pipeline of one environment: the Lambda functions, the state machine, the nightly
 * EventBridge schedule, the alarms, and the outputs to run it by hand.
 */
export class Pipeline extends Construct {
  readonly functions: PipelineFunctions;
  readonly stateMachine: PipelineStateMachine;
  readonly schedule: events.Rule;
  readonly alarms: PipelineAlarms;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const { config, names } = props;
    const { cloud } = config;
    const stack = Stack.of(this);
    const stateMachineName = `${names.prefix}-pipeline`;

    // Built from the name, not the state machine: the state machine references the guard function,
    // so the guard's role referencing the state machine would be a dependency cycle.
    const stateMachineArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    this.functions = new PipelineFunctions(this, 'Functions', { ...props, stateMachineArn });

    this.stateMachine = new PipelineStateMachine(this, 'StateMachine', {
      stateMachineName,
      env: names.env,
      contentTypes: config.contentTypes.map((t) => t.name),
      settings: cloud.pipeline,
      functions: this.functions,
      alertTopic: props.alertTopic,
      dataBucket: props.dataBucket,
      agentSteps: props.agent !== undefined,
      canaries: { ...config.canaries, timeZone: config.site.timeZone },
    });
    const machine = this.stateMachine.stateMachine;
    // The alert topic is encrypted with its own key: publishing needs the key too.
    props.alertTopic.grantPublish(machine);

    const role = machine.role;
    for (const fn of [
      this.functions.extract,
      this.functions.transform,
      this.functions.sync,
      this.functions.guard,
    ]) {
      acknowledge(
        role,
        'AwsSolutions-IAM5',
        'CDK grants InvokeFunction on the function and its versions (<arn>:*); the state machine calls the unqualified function only.',
        `Resource::<${stack.getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*`,
      );
    }
    acknowledge(
      role,
      'AwsSolutions-IAM5',
      "SNS publishing to the KMS-encrypted alert topic needs kms:GenerateDataKey* on the topic's own key (topic.grantPublish); the resource is that one key.",
      'Action::kms:GenerateDataKey*',
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5',
      'CloudWatch Logs delivery (logs:CreateLogDelivery, …) and X-Ray (PutTraceSegments, …) actions used by Step Functions logging and tracing do not support resource-level permissions.',
      'Resource::*',
    );

    this.schedule = new events.Rule(this, 'Schedule', {
      ruleName: `${names.prefix}-nightly`,
      description: `Starts the ${stateMachineName} state machine (${cloud.schedule}, UTC)`,
      schedule: events.Schedule.expression(cloud.schedule),
      enabled: cloud.scheduleEnabled,
    });
    this.schedule.addTarget(
      new targets.SfnStateMachine(machine, {
        input: events.RuleTargetInput.fromObject({}),
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
      }),
    );

    this.alarms = new PipelineAlarms(this, 'Alarms', {
      stateMachine: machine,
      alertTopic: props.alertTopic,
      namePrefix: names.prefix,
      env: names.env,
      noSuccessHours:
        cloud.scheduleEnabled && cloud.alarms.noSuccessHours !== null
          ? cloud.alarms.noSuccessHours
          : undefined,
      canaries: config.canaries.questions.length > 0,
    });

    new CfnOutput(stack, 'StateMachineArn', {
      value: machine.stateMachineArn,
      description: 'The pipeline state machine (aws stepfunctions start-execution --state-machine-arn …)',
    });
    new CfnOutput(stack, 'StartPipelineCommand', {
      value: `aws stepfunctions start-execution --state-machine-arn ${machine.stateMachineArn} --input '{}'`,
      description: 'Runs the pipeline now (add --name manual-<date> for a readable run id)',
    });
  }
}
