import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { CanaryConfig } from '../../functions/core/shared/config/schema.js';
import { ConfigError } from '../../functions/core/shared/errors.js';
import { MAX_CANARIES } from '../../functions/core/sync/contract.js';
import type { StateKit } from './kit.js';
import { STATES } from './names.js';
import { syncTask } from './sync-loop.js';

export interface CanaryStatesProps {
  sync: lambda.IFunction;
  questions: CanaryConfig[];
  strict: boolean;
  /** IANA time zone of the site: when "today" turns for the freshness filter. */
  timeZone: string;
  /** Where a run goes after its canaries, whatever they found. */
  synced: sfn.State;
}

/**
 * Run canaries → Canaries passed? → (a miss) Send canary alert → Synced. The marker is already cleared:
 * a miss says the knowledge base answers badly, not that it is behind kb/, so no re-sync is forced.
 * A strict miss throws CanaryMissError, caught like any failure (alert, then Fail). An alert that
 * cannot be published does not fail a run that synced: the CanaryMisses alarm still tells.
 * The questions travel in the `Run canaries` event (baked in at synth, like the content types).
 */
export function canaryStates(scope: Construct, kit: StateKit, props: CanaryStatesProps): sfn.IChainable {
  const { questions, synced } = props;
  if (questions.length > MAX_CANARIES) {
    throw new ConfigError(
      `config key canaries.questions: at most ${MAX_CANARIES} canaries run after a sync (got ${questions.length})`,
    );
  }
  const runCanaries = syncTask(
    kit,
    props.sync,
    STATES.runCanaries,
    'canaries',
    {
      questions: questions.map(({ question, expected, type, k }) => ({
        question,
        expected,
        ...(type ? { type } : {}),
        k,
      })),
      strict: props.strict,
      timeZone: props.timeZone,
    },
    '$.canaries',
  );
  const sendCanaryAlert = kit.alert(
    STATES.sendCanaryAlert,
    'A canary missed (canaries.strict is off): alert, and the run still succeeds',
    {
      subject: '{} of {} canaries missed',
      subjectArgs: [sfn.JsonPath.stringAt('$.canaries.misses'), sfn.JsonPath.stringAt('$.canaries.asked')],
      text: `The wpkb ${kit.env} pipeline execution {} synced the knowledge base, but {} of {} canary questions did not bring back their expected item (the run succeeds: canaries.strict is off): {} -- Run report: runs/{}.json`,
      textArgs: [
        sfn.JsonPath.executionName,
        sfn.JsonPath.stringAt('$.canaries.misses'),
        sfn.JsonPath.stringAt('$.canaries.asked'),
        sfn.JsonPath.stringAt('$.canaries.summary'),
        sfn.JsonPath.stringAt('$.runId'),
      ],
    },
  );
  sendCanaryAlert.addCatch(synced, { errors: ['States.ALL'], resultPath: '$.canaryAlertError' });
  sendCanaryAlert.next(synced);
  const passed = new sfn.Choice(scope, STATES.canariesPassed)
    .when(sfn.Condition.booleanEquals('$.canaries.ok', true), synced)
    .otherwise(sendCanaryAlert);
  return runCanaries.next(passed);
}
