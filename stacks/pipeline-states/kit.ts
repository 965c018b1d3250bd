import { Aws, Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { failedAt, STATES } from './names.js';

/** Lambda invocation errors Step Functions reports when the service, not the function, failed. */
const LAMBDA_TRANSIENT = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** A service integration (SNS, S3) that failed: three quick tries with jitter. */
export const SERVICE_RETRY: sfn.RetryProps = {
  errors: ['States.TaskFailed'],
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 3,
  jitterStrategy: sfn.JitterType.FULL,
};

export interface InvokeOptions {
  /** Where the result goes; absent: discarded (the state's output is its input). */
  resultPath?: string;
  /** The result becomes the state's output (no ResultPath: Step Functions' default `$`). */
  replaceInput?: boolean;
  resultSelector?: Record<string, unknown>;
  /** Errors of the function's own dependencies worth retrying (slower backoff than Lambda's own). */
  transient?: string[];
  /** false inside the Map: its iterations cannot leave it; the Map state catches instead. */
  catchErrors?: boolean;
}

export interface AlertMessage {
  /** Subject template (`{}` placeholders), cut to what SNS e-mail subjects hold. */
  subject: string;
  subjectArgs: string[];
  /** Body template; the execution and a console link to it are appended. */
  text: string;
  textArgs: string[];
}

/**
 * What every state group builds with: Lambda tasks with the house retries, alerts with the console
 * link, and the failure path every Task is caught into — `Failed at <state>` → `Send alert` →
 * `Pipeline failed` (with the original error and cause). All states are created in `scope`, so their
 * names are the state names.
 */
export class StateKit {
  readonly failed: sfn.Fail;
  readonly sendAlert: tasks.SnsPublish;
  private readonly failures = new Map<string, sfn.Pass>();

  constructor(
    private readonly scope: Construct,
    readonly env: string,
    private readonly alertTopic: sns.ITopic,
  ) {
    this.failed = new sfn.Fail(scope, STATES.failed, {
      comment: 'Ends the execution with the error and cause of the state that failed',
      errorPath: '$.error.Error',
      causePath: '$.error.Cause',
    });
    this.sendAlert = this.alert(STATES.sendAlert, undefined, {
      subject: 'pipeline failed at {}',
      subjectArgs: [sfn.JsonPath.stringAt('$.failedState')],
      text: `The wpkb ${env} pipeline execution {} failed in state {}. Error: {}. Cause: {} -- Input: {}`,
      textArgs: [
        sfn.JsonPath.executionName,
        sfn.JsonPath.stringAt('$.failedState'),
        sfn.JsonPath.stringAt('$.error.Error'),
        sfn.JsonPath.stringAt('$.error.Cause'),
        sfn.JsonPath.jsonToString(sfn.JsonPath.executionInput),
      ],
    });
    // An alert that cannot be sent must not hide the original failure: the execution fails anyway
    // (and the failed-executions alarm still fires).
    this.sendAlert.addCatch(this.failed, { errors: ['States.ALL'], resultPath: '$.alertError' });
    this.sendAlert.next(this.failed);
  }

  /** An SNS alert to the pipeline's topic, retried; the caller decides where it goes next. */
  alert(name: string, comment: string | undefined, message: AlertMessage): tasks.SnsPublish {
    const consoleUrl = `https://${Aws.REGION}.console.aws.amazon.com/states/home?region=${Aws.REGION}#/v2/executions/details/{}`;
    const task = new tasks.SnsPublish(this.scope, name, {
      ...(comment ? { comment } : {}),
      topic: this.alertTopic,
      subject: sfn.JsonPath.format(
        `wpkb ${this.env.slice(0, 24)}: ${message.subject}`,
        ...message.subjectArgs,
      ),
      message: sfn.TaskInput.fromText(
        sfn.JsonPath.format(
          `${message.text} -- Execution: {} -- Console: ${consoleUrl}`,
          ...message.textArgs,
          sfn.JsonPath.executionId,
          sfn.JsonPath.executionId,
        ),
      ),
      resultPath: sfn.JsonPath.DISCARD,
    });
    task.addRetry(SERVICE_RETRY);
    return task;
  }

  /** `Failed at <state>`: records the state's name, then the alert. */
  failureOf(state: string): sfn.Pass {
    let pass = this.failures.get(state);
    if (!pass) {
      pass = new sfn.Pass(this.scope, failedAt(state), {
        comment: `Records that ${state} failed, for the alert`,
        result: sfn.Result.fromString(state),
        resultPath: '$.failedState',
      });
      pass.next(this.sendAlert);
      this.failures.set(state, pass);
    }
    return pass;
  }

  /** Any error of `state` (after its retries) goes to its `Failed at` state, the error in `$.error`. */
  catchInto<T extends sfn.TaskStateBase | sfn.Map | sfn.CustomState>(state: T, name: string): T {
    state.addCatch(this.failureOf(name), { errors: ['States.ALL'], resultPath: '$.error' });
    return state;
  }

  /** A Lambda Task whose result is the function's return value, with Lambda's and the given retries. */
  invoke(
    name: string,
    fn: lambda.IFunction,
    payload: Record<string, unknown> | undefined,
    options: InvokeOptions = {},
  ): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this.scope, name, {
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
    return options.catchErrors === false ? task : this.catchInto(task, name);
  }
}
