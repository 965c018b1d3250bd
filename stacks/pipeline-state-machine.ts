import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { PipelineCloudConfig } from '../functions/core/shared/config/cloud-schema.js';
import type { CanaryConfig } from '../functions/core/shared/config/schema.js';
import { ConfigError } from '../functions/core/shared/errors.js';
import { MAX_CANARIES, SYNC_ERRORS } from '../functions/core/sync/contract.js';
import { PENDING_SYNC_KEY } from '../functions/core/sync/synced-data-source.js';

/**
 * State names: what the console, the execution history, the alert e-mail and the Logs Insights
 * queries in docs/operations.md show. Tests bind the Lambda handlers to the Task states by these names.
 */
export const STATES = {
  readInput: 'Read input',
  applyDefaults: 'Apply defaults',
  checkInput: 'Check input',
  invalidInput: 'Invalid input',
  guard: 'Concurrency guard',
  listTypes: 'List content types',
  extractAll: 'Extract content types',
  extractType: 'Extract type',
  transform: 'Transform',
  checkPendingSync: 'Check pending sync',
  anyChanges: 'Any changes?',
  markSyncPending: 'Mark sync pending',
  noChanges: 'No changes',
  startIngestion: 'Start ingestion',
  ingestionStarted: 'Ingestion started?',
  waitForRunningJob: 'Wait for running job',
  waitForIngestion: 'Wait for ingestion',
  checkIngestion: 'Check ingestion',
  ingestionComplete: 'Ingestion complete?',
  prepareAgent: 'Prepare agent',
  agentPrepared: 'Agent prepared?',
  waitForAgent: 'Wait for agent',
  checkAgent: 'Check agent',
  verify: 'Verify index',
  clearPendingSync: 'Clear pending sync',
  runCanaries: 'Run canaries',
  canariesPassed: 'Canaries passed?',
  sendCanaryAlert: 'Send canary alert',
  synced: 'Synced',
  sendAlert: 'Send alert',
  failed: 'Pipeline failed',
} as const;

/** The Pass state that records which state failed before the alert: `Failed at Transform`. */
export const failedAt = (state: string): string => `Failed at ${state}`;

/** The pending-sync marker (see functions/core/sync/synced-data-source.ts). */
export { PENDING_SYNC_KEY };

/** Error name of an execution refused by `Check input`. */
export const INVALID_INPUT = 'InvalidInput';

/** Lambda invocation errors Step Functions reports when the service, not the function, failed. */
const LAMBDA_TRANSIENT = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** Transient errors of the sync Lambda's dependencies (SYNC_ERRORS marks which are retryable). */
const SYNC_TRANSIENT = [
  SYNC_ERRORS.throttling,
  SYNC_ERRORS.internalServer,
  SYNC_ERRORS.pineconeStats,
  SYNC_ERRORS.storage,
  'ServiceUnavailableException',
];

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
 * COMPLETE → prepare the agent's DRAFT → wait/poll until PREPARED → verify the Pinecone index → clear
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

    // ---- failure path: Failed at <state> → Send alert → Pipeline failed -------------------------------
    const failed = new sfn.Fail(this, STATES.failed, {
      comment: 'Ends the execution with the error and cause of the state that failed',
      errorPath: '$.error.Error',
      causePath: '$.error.Cause',
    });
    const consoleUrl = `https://${Aws.REGION}.console.aws.amazon.com/states/home?region=${Aws.REGION}#/v2/executions/details/{}`;
    const sendAlert = new tasks.SnsPublish(this, STATES.sendAlert, {
      topic: props.alertTopic,
      subject: sfn.JsonPath.format(
        `wpkb ${props.env.slice(0, 24)}: pipeline failed at {}`,
        sfn.JsonPath.stringAt('$.failedState'),
      ),
      message: sfn.TaskInput.fromText(
        sfn.JsonPath.format(
          `The wpkb ${props.env} pipeline execution {} failed in state {}. Error: {}. Cause: {} -- Input: {} -- Execution: {} -- Console: ${consoleUrl}`,
          sfn.JsonPath.executionName,
          sfn.JsonPath.stringAt('$.failedState'),
          sfn.JsonPath.stringAt('$.error.Error'),
          sfn.JsonPath.stringAt('$.error.Cause'),
          sfn.JsonPath.jsonToString(sfn.JsonPath.executionInput),
          sfn.JsonPath.executionId,
          sfn.JsonPath.executionId,
        ),
      ),
      resultPath: sfn.JsonPath.DISCARD,
    });
    sendAlert.addRetry({
      errors: ['States.TaskFailed'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 3,
      jitterStrategy: sfn.JitterType.FULL,
    });
    // An alert that cannot be sent must not hide the original failure: the execution fails anyway
    // (and the failed-executions alarm still fires).
    sendAlert.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.alertError' });
    sendAlert.next(failed);

    const failures = new Map<string, sfn.Pass>();
    const failureOf = (state: string): sfn.Pass => {
      let pass = failures.get(state);
      if (!pass) {
        pass = new sfn.Pass(this, failedAt(state), {
          comment: `Records that ${state} failed, for the alert`,
          result: sfn.Result.fromString(state),
          resultPath: '$.failedState',
        });
        pass.next(sendAlert);
        failures.set(state, pass);
      }
      return pass;
    };
    const catchInto = <T extends sfn.TaskStateBase | sfn.Map>(state: T, name: string): T => {
      state.addCatch(failureOf(name), { errors: ['States.ALL'], resultPath: '$.error' });
      return state;
    };

    const invoke = (
      name: string,
      fn: lambda.IFunction,
      payload: Record<string, unknown> | undefined,
      options: {
        /** Where the result goes; absent: discarded (the state's output is its input). */
        resultPath?: string;
        /** The result becomes the state's output (no ResultPath: Step Functions' default `$`). */
        replaceInput?: boolean;
        resultSelector?: Record<string, unknown>;
        transient?: string[];
        /** false inside the Map: its iterations cannot leave it; the Map state catches instead. */
        catchErrors?: boolean;
      } = {},
    ): tasks.LambdaInvoke => {
      const task = new tasks.LambdaInvoke(this, name, {
        lambdaFunction: fn,
        // The Lambda ARN as the Resource: the state's result is the function's return value.
        payloadResponseOnly: true,
        // Retries for Lambda's own transient errors are added below, with jitter and the throttle error.
        retryOnServiceExceptions: false,
        payload: payload ? sfn.TaskInput.fromObject(payload) : undefined,
        resultPath: options.replaceInput ? undefined : (options.resultPath ?? sfn.JsonPath.DISCARD),
        resultSelector: options.resultSelector,
      });
      task.addRetry({
        errors: LAMBDA_TRANSIENT,
        interval: Duration.seconds(2),
        backoffRate: 2,
        maxAttempts: 6,
        maxDelay: Duration.seconds(60),
        jitterStrategy: sfn.JitterType.FULL,
      });
      if (options.transient?.length) {
        task.addRetry({
          errors: options.transient,
          interval: Duration.seconds(5),
          backoffRate: 2,
          maxAttempts: 5,
          maxDelay: Duration.seconds(60),
          jitterStrategy: sfn.JitterType.FULL,
        });
      }
      return options.catchErrors === false ? task : catchInto(task, name);
    };

    // ---- input ---------------------------------------------------------------------------------------
    const readInput = new sfn.Pass(this, STATES.readInput, {
      comment: 'Keeps the execution input beside the defaults',
      parameters: { defaults: { force: false, forceSync: false }, input: sfn.JsonPath.entirePayload },
    });
    const applyDefaults = new sfn.Pass(this, STATES.applyDefaults, {
      comment: 'runId = the execution name; options = defaults overridden by the input',
      parameters: {
        runId: sfn.JsonPath.executionName,
        startedAt: sfn.JsonPath.executionStartTime,
        options: sfn.JsonPath.jsonMerge(
          sfn.JsonPath.objectAt('$.defaults'),
          sfn.JsonPath.objectAt('$.input'),
        ),
      },
    });
    const invalidInput = new sfn.Pass(this, STATES.invalidInput, {
      result: sfn.Result.fromObject({
        Error: INVALID_INPUT,
        Cause:
          'the input must be a JSON object like {}, {"force": true} or {"forceSync": true} (force and forceSync true or false), and the execution name must start with a letter or a digit',
      }),
      resultPath: '$.error',
    });
    invalidInput.next(failureOf(STATES.checkInput));

    // ---- guard, extract, transform -----------------------------------------------------------------
    const guard = invoke(
      STATES.guard,
      functions.guard,
      {
        stateMachineArn: sfn.JsonPath.stateMachineId,
        executionArn: sfn.JsonPath.executionId,
      },
      { transient: [SYNC_ERRORS.throttling] },
    );

    const listTypes = new sfn.Pass(this, STATES.listTypes, {
      comment: 'The configured content types (cloud config contentTypes, fixed at deploy)',
      result: sfn.Result.fromArray(props.contentTypes),
      resultPath: '$.types',
    });

    // Its input is the Map's item selection, {runId, type}: the extract event as it is.
    const extractType = invoke(STATES.extractType, functions.extract, undefined, {
      replaceInput: true,
      transient: ['StorageError'],
      catchErrors: false,
    });
    const extractAll = new sfn.Map(this, STATES.extractAll, {
      comment: 'One extract Lambda per content type',
      itemsPath: '$.types',
      itemSelector: {
        runId: sfn.JsonPath.stringAt('$.runId'),
        type: sfn.JsonPath.stringAt('$$.Map.Item.Value'),
      },
      maxConcurrency: settings.maxConcurrentExtracts,
      resultPath: '$.extracts',
    });
    extractAll.itemProcessor(extractType);
    catchInto(extractAll, STATES.extractAll);

    const transform = invoke(
      STATES.transform,
      functions.transform,
      {
        runId: sfn.JsonPath.stringAt('$.runId'),
        extracts: sfn.JsonPath.listAt('$.extracts'),
        force: sfn.JsonPath.stringAt('$.options.force'),
        startedAt: sfn.JsonPath.stringAt('$.startedAt'),
      },
      {
        // The run report is in S3 (runs/<runId>.json); the state keeps what later states need.
        resultSelector: {
          changes: sfn.JsonPath.numberAt('$.changes'),
          totals: sfn.JsonPath.objectAt('$.report.totals'),
        },
        resultPath: '$.transform',
        transient: ['StorageError'],
      },
    );

    // ---- pending-sync marker (S3 SDK integrations, no Lambda) ----------------------------------------
    const bucket = props.dataBucket;
    const s3Retry: sfn.RetryProps = {
      errors: ['States.TaskFailed'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 3,
      jitterStrategy: sfn.JitterType.FULL,
    };
    // ListObjectsV2 on the one key (GetObject of a missing key answers 403, not 404, without a
    // bucket-wide ListBucket grant; a listing limited to this prefix needs only that prefix).
    const checkPendingSync = new sfn.CustomState(this, STATES.checkPendingSync, {
      stateJson: {
        Type: 'Task',
        Comment: `Is ${PENDING_SYNC_KEY} there (a sync an earlier run did not finish)?`,
        Resource: `arn:${Aws.PARTITION}:states:::aws-sdk:s3:listObjectsV2`,
        Parameters: { Bucket: bucket.bucketName, Prefix: PENDING_SYNC_KEY, MaxKeys: 1 },
        ResultSelector: { 'count.$': '$.KeyCount' },
        ResultPath: '$.pendingSync',
      },
    });
    checkPendingSync.addRetry(s3Retry);
    checkPendingSync.addCatch(failureOf(STATES.checkPendingSync), {
      errors: ['States.ALL'],
      resultPath: '$.error',
    });
    const markSyncPending = catchInto(
      new tasks.CallAwsService(this, STATES.markSyncPending, {
        comment: `Writes ${PENDING_SYNC_KEY} (the run id) until the sync is verified`,
        service: 's3',
        action: 'putObject',
        parameters: {
          Bucket: bucket.bucketName,
          Key: PENDING_SYNC_KEY,
          Body: sfn.JsonPath.stringAt('$.runId'),
          ContentType: 'text/plain; charset=utf-8',
        },
        iamAction: 's3:PutObject',
        iamResources: [bucket.arnForObjects(PENDING_SYNC_KEY)],
        resultPath: sfn.JsonPath.DISCARD,
      }).addRetry(s3Retry),
      STATES.markSyncPending,
    );
    const clearPendingSync = catchInto(
      new tasks.CallAwsService(this, STATES.clearPendingSync, {
        comment: `Deletes ${PENDING_SYNC_KEY}: the knowledge base and the agent are current`,
        service: 's3',
        action: 'deleteObject',
        parameters: { Bucket: bucket.bucketName, Key: PENDING_SYNC_KEY },
        iamAction: 's3:DeleteObject',
        iamResources: [bucket.arnForObjects(PENDING_SYNC_KEY)],
        resultPath: sfn.JsonPath.DISCARD,
      }).addRetry(s3Retry),
      STATES.clearPendingSync,
    );

    // ---- sync -----------------------------------------------------------------------------------------
    const sync = (name: string, action: string, extra: Record<string, unknown>, resultPath: string) =>
      invoke(
        name,
        functions.sync,
        { action, runId: sfn.JsonPath.stringAt('$.runId'), ...extra },
        { resultPath, transient: SYNC_TRANSIENT },
      );
    const startIngestion = sync(
      STATES.startIngestion,
      'start',
      { executionId: sfn.JsonPath.executionId },
      '$.ingestion',
    );
    const checkIngestion = sync(
      STATES.checkIngestion,
      'status',
      { jobId: sfn.JsonPath.stringAt('$.ingestion.jobId') },
      '$.ingestion',
    );
    const prepareAgent = sync(STATES.prepareAgent, 'prepare', {}, '$.agent');
    const checkAgent = sync(STATES.checkAgent, 'agentStatus', {}, '$.agent');
    const verify = sync(STATES.verify, 'verify', {}, '$.verify');

    const waitForRunningJob = new sfn.Wait(this, STATES.waitForRunningJob, {
      comment: 'Another ingestion job of this data source runs: start again after it',
      time: sfn.WaitTime.duration(Duration.seconds(settings.ingestionPollSeconds)),
    });
    const waitForIngestion = new sfn.Wait(this, STATES.waitForIngestion, {
      time: sfn.WaitTime.duration(Duration.seconds(settings.ingestionPollSeconds)),
    });
    const waitForAgent = new sfn.Wait(this, STATES.waitForAgent, {
      time: sfn.WaitTime.duration(Duration.seconds(settings.agentPollSeconds)),
    });

    const synced = new sfn.Succeed(this, STATES.synced, {
      comment: 'Documents synced, agent prepared, index verified',
    });
    const noChanges = new sfn.Succeed(this, STATES.noChanges, {
      comment: 'Nothing changed under kb/: no ingestion job, no agent preparation',
    });

    // FAILED / STOPPED jobs and failed preparations make the sync Lambda throw (caught above), so each
    // Choice only tells "done" from "poll again".
    const ingestionComplete = new sfn.Choice(this, STATES.ingestionComplete)
      .when(sfn.Condition.stringEquals('$.ingestion.status', 'COMPLETE'), prepareAgent)
      .otherwise(waitForIngestion);
    waitForIngestion.next(checkIngestion).next(ingestionComplete);

    const agentPrepared = new sfn.Choice(this, STATES.agentPrepared)
      .when(sfn.Condition.stringEquals('$.agent.agentStatus', 'PREPARED'), verify)
      .otherwise(waitForAgent);
    waitForAgent.next(checkAgent).next(agentPrepared);
    prepareAgent.next(agentPrepared);
    verify.next(clearPendingSync);
    const canaries = props.canaries;
    if (canaries && canaries.questions.length > 0) {
      clearPendingSync.next(this.canaryStates(props, canaries, invoke, synced));
    } else {
      clearPendingSync.next(synced);
    }

    const ingestionStarted = new sfn.Choice(this, STATES.ingestionStarted)
      .when(sfn.Condition.stringEquals('$.ingestion.status', 'BUSY'), waitForRunningJob)
      .otherwise(waitForIngestion);
    waitForRunningJob.next(startIngestion);
    startIngestion.next(ingestionStarted);

    const anyChanges = new sfn.Choice(this, STATES.anyChanges)
      .when(
        sfn.Condition.or(
          sfn.Condition.numberGreaterThan('$.transform.changes', 0),
          sfn.Condition.booleanEquals('$.options.forceSync', true),
          sfn.Condition.numberGreaterThan('$.pendingSync.count', 0),
        ),
        markSyncPending,
      )
      .otherwise(noChanges);
    markSyncPending.next(startIngestion);

    const checkInput = new sfn.Choice(this, STATES.checkInput)
      .when(
        sfn.Condition.or(
          sfn.Condition.not(sfn.Condition.isBoolean('$.options.force')),
          sfn.Condition.not(sfn.Condition.isBoolean('$.options.forceSync')),
          sfn.Condition.stringMatches('$.runId', '-*'),
          sfn.Condition.stringMatches('$.runId', '_*'),
        ),
        invalidInput,
      )
      .otherwise(guard);
    guard.next(listTypes).next(extractAll).next(transform).next(checkPendingSync).next(anyChanges);

    const definition = readInput.next(applyDefaults).next(checkInput);

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
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: Duration.minutes(settings.timeoutMinutes),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'CheckPendingSync',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringEquals: { 's3:prefix': PENDING_SYNC_KEY } },
      }),
    );
  }

  /**
   * Run canaries → Canaries passed? → (a miss) Send canary alert → Synced. The marker is already cleared:
   * a miss says the knowledge base answers badly, not that it is behind kb/, so no re-sync is forced.
   * A strict miss throws CanaryMissError, caught like any failure (alert, then Fail). An alert that
   * cannot be published does not fail a run that synced: the CanaryMisses alarm still tells.
   */
  private canaryStates(
    props: PipelineStateMachineProps,
    canaries: NonNullable<PipelineStateMachineProps['canaries']>,
    invoke: (
      name: string,
      fn: lambda.IFunction,
      payload: Record<string, unknown> | undefined,
      options: { resultPath?: string; transient?: string[] },
    ) => tasks.LambdaInvoke,
    synced: sfn.Succeed,
  ): sfn.IChainable {
    if (canaries.questions.length > MAX_CANARIES) {
      throw new ConfigError(
        `config key canaries.questions: at most ${MAX_CANARIES} canaries run after a sync (got ${canaries.questions.length})`,
      );
    }
    const runCanaries = invoke(
      STATES.runCanaries,
      props.functions.sync,
      {
        action: 'canaries',
        runId: sfn.JsonPath.stringAt('$.runId'),
        questions: canaries.questions.map(({ question, expected, type, k }) => ({
          question,
          expected,
          ...(type ? { type } : {}),
          k,
        })),
        strict: canaries.strict,
        timeZone: canaries.timeZone,
      },
      { resultPath: '$.canaries', transient: SYNC_TRANSIENT },
    );
    const consoleUrl = `https://${Aws.REGION}.console.aws.amazon.com/states/home?region=${Aws.REGION}#/v2/executions/details/{}`;
    const sendCanaryAlert = new tasks.SnsPublish(this, STATES.sendCanaryAlert, {
      comment: 'A canary missed (canaries.strict is off): alert, and the run still succeeds',
      topic: props.alertTopic,
      subject: sfn.JsonPath.format(
        `wpkb ${props.env.slice(0, 24)}: {} of {} canaries missed`,
        sfn.JsonPath.stringAt('$.canaries.misses'),
        sfn.JsonPath.stringAt('$.canaries.asked'),
      ),
      message: sfn.TaskInput.fromText(
        sfn.JsonPath.format(
          `The wpkb ${props.env} pipeline execution {} synced the knowledge base, but {} of {} canary questions did not bring back their expected item (the run succeeds: canaries.strict is off): {} -- Run report: runs/{}.json -- Execution: {} -- Console: ${consoleUrl}`,
          sfn.JsonPath.executionName,
          sfn.JsonPath.stringAt('$.canaries.misses'),
          sfn.JsonPath.stringAt('$.canaries.asked'),
          sfn.JsonPath.stringAt('$.canaries.summary'),
          sfn.JsonPath.stringAt('$.runId'),
          sfn.JsonPath.executionId,
          sfn.JsonPath.executionId,
        ),
      ),
      resultPath: sfn.JsonPath.DISCARD,
    });
    sendCanaryAlert.addRetry({
      errors: ['States.TaskFailed'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 3,
      jitterStrategy: sfn.JitterType.FULL,
    });
    sendCanaryAlert.addCatch(synced, { errors: ['States.ALL'], resultPath: '$.canaryAlertError' });
    sendCanaryAlert.next(synced);
    const passed = new sfn.Choice(this, STATES.canariesPassed)
      .when(sfn.Condition.booleanEquals('$.canaries.ok', true), synced)
      .otherwise(sendCanaryAlert);
    return runCanaries.next(passed);
  }
}
