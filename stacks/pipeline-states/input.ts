import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { SYNC_ERRORS } from '../../functions/core/sync/contract.js';
import type { StateKit } from './kit.js';
import { INVALID_INPUT, STATES } from './names.js';

export interface InputStates {
  /** `Read input`: the state machine's start. */
  start: sfn.Pass;
  /** `Concurrency guard`, reached when the input is valid; the caller chains what follows it. */
  guard: tasks.LambdaInvoke;
}

/**
 * Read input → Apply defaults → Check input → (invalid: Invalid input → failure path) → Concurrency
 * guard. The run id is the execution name; `{"force"}`, `{"forceSync"}` and `{"full"}` must be booleans.
 */
export function inputStates(scope: Construct, kit: StateKit, guardFunction: lambda.IFunction): InputStates {
  const readInput = new sfn.Pass(scope, STATES.readInput, {
    comment: 'Keeps the execution input beside the defaults',
    parameters: {
      defaults: { force: false, forceSync: false, full: false },
      input: sfn.JsonPath.entirePayload,
    },
  });
  const applyDefaults = new sfn.Pass(scope, STATES.applyDefaults, {
    comment: 'runId = the execution name; options = defaults overridden by the input',
    parameters: {
      runId: sfn.JsonPath.executionName,
      startedAt: sfn.JsonPath.executionStartTime,
      options: sfn.JsonPath.jsonMerge(sfn.JsonPath.objectAt('$.defaults'), sfn.JsonPath.objectAt('$.input')),
    },
  });
  const invalidInput = new sfn.Pass(scope, STATES.invalidInput, {
    result: sfn.Result.fromObject({
      Error: INVALID_INPUT,
      Cause:
        'the input must be a JSON object like {}, {"force": true}, {"forceSync": true} or {"full": true} (force, forceSync and full true or false), and the execution name must start with a letter or a digit',
    }),
    resultPath: '$.error',
  });
  invalidInput.next(kit.failureOf(STATES.checkInput));

  const guard = kit.invoke(
    STATES.guard,
    guardFunction,
    { stateMachineArn: sfn.JsonPath.stateMachineId, executionArn: sfn.JsonPath.executionId },
    { transient: [SYNC_ERRORS.throttling] },
  );

  const checkInput = new sfn.Choice(scope, STATES.checkInput)
    .when(
      sfn.Condition.or(
        sfn.Condition.not(sfn.Condition.isBoolean('$.options.force')),
        sfn.Condition.not(sfn.Condition.isBoolean('$.options.forceSync')),
        sfn.Condition.not(sfn.Condition.isBoolean('$.options.full')),
        sfn.Condition.stringMatches('$.runId', '-*'),
        sfn.Condition.stringMatches('$.runId', '_*'),
      ),
      invalidInput,
    )
    .otherwise(guard);
  readInput.next(applyDefaults).next(checkInput);
  return { start: readInput, guard };
}
