import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { PipelineCloudConfig } from '../functions/core/shared/config/cloud-schema.js';
import type { CanaryConfig } from '../functions/core/shared/config/schema.js';
import { canaryStates } from './pipeline-states/canaries.js';
import { extractTransformStates } from './pipeline-states/extract-transform.js';
import { inputStates } from './pipeline-states/input.js';
import { StateKit } from './pipeline-states/kit.js';
import { PENDING_SYNC_KEY, STATES } from './pipeline-states/names.js';
import { syncLoopStates } from './pipeline-states/sync-loop.js';

export interface PipelineStateMachineProps {
  /** `wpkb-<env>-pipeline`. */
  stateMachineName: string;
  env: string;
  /** Content type names, in configuration order: the Map's items, baked in at synth. */
  contentTypes: string[];
  settings: PipelineCloudConfig;
  functions: {
    extract: lambda.IFunction;
    transform: lambda.IFunction;
    sync: lambda.IFunction;
    guard: lambda.IFunction;
  };
  alertTopic: sns.ITopic;
  /** The data bucket, for the pending-sync marker (PENDING_SYNC_KEY). */
  dataBucket: s3.IBucket;
  /** Agent engine: prepare the agent's DRAFT after each ingestion. false (knowledge-base engine): no agent states. */
  agentSteps: boolean;
  /**
   * The configuration's `canaries` and the site's time zone. With questions, `Run canaries` follows
   * `Clear pending sync`; without (the default), the states are not built at all.
   */
  canaries?: { questions: CanaryConfig[]; strict: boolean; timeZone: string };
}

/**
 * The pipeline's state machine (Standard, JSONPath):
 *
 * input defaults → input check → concurrency guard → Map(extract per content type) → transform →
 * "any changes?" (or `forceSync`, or a sync left pending by an earlier run) → mark the sync pending →
 * start ingestion (BUSY: wait, start again) → wait/poll until
 * COMPLETE → [agent engine: prepare the agent's DRAFT → wait/poll until PREPARED →] verify the Pinecone index → clear
 * the pending mark → [canaries configured: run the canaries → a miss: canary alert (not strict) →] Synced.
 * The canary questions travel in the `Run canaries` event (baked in at synth, like the content types):
 * no room is taken in the sync Lambda's 4 KB environment, and a change deploys as a definition update.
 * Every Task's failure (after its retries) is caught into `Failed at <state>` → SNS alert → Fail with
 * the original error and cause. Execution logs (ALL, with data) go to CloudWatch; X-Ray tracing is on.
 */
export class PipelineStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PipelineStateMachineProps) {
    super(scope, id);
    const { settings, functions } = props;
    const kit = new StateKit(this, props.env, props.alertTopic);

    const synced = new sfn.Succeed(this, STATES.synced, {
      comment: props.agentSteps
        ? 'Documents synced, agent DRAFT prepared, index verified'
        : 'Documents synced, index verified',
    });
    const canaries = props.canaries;
    const afterSync =
      canaries && canaries.questions.length > 0
        ? canaryStates(this, kit, { sync: functions.sync, ...canaries, synced })
        : synced;

    const input = inputStates(this, kit, functions.guard);
    input.guard
      .next(
        extractTransformStates(this, kit, {
          contentTypes: props.contentTypes,
          maxConcurrentExtracts: settings.maxConcurrentExtracts,
          extract: functions.extract,
          transform: functions.transform,
        }),
      )
      .next(
        syncLoopStates(this, kit, {
          sync: functions.sync,
          dataBucket: props.dataBucket,
          ingestionPollSeconds: settings.ingestionPollSeconds,
          agentPollSeconds: settings.agentPollSeconds,
          agentSteps: props.agentSteps,
          afterSync,
        }),
      );

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // The vended-logs prefix keeps CloudWatch Logs' resource policy small (AWS's recommendation).
      logGroupName: `/aws/vendedlogs/states/${props.stateMachineName}`,
      retention: settings.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: `wpkb ${props.env}: WordPress → S3 documents → Bedrock knowledge base sync`,
      definitionBody: sfn.DefinitionBody.fromChainable(input.start),
      timeout: Duration.minutes(settings.timeoutMinutes),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'CheckPendingSync',
        actions: ['s3:ListBucket'],
        resources: [props.dataBucket.bucketArn],
        conditions: { StringEquals: { 's3:prefix': PENDING_SYNC_KEY } },
      }),
    );
  }
}
