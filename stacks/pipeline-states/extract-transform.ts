import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { StateKit } from './kit.js';
import { STATES } from './names.js';

export interface ExtractTransformProps {
  /** Content type names, in configuration order: the Map's items, baked in at synth. */
  contentTypes: string[];
  maxConcurrentExtracts: number;
  extract: lambda.IFunction;
  transform: lambda.IFunction;
}

/**
 * List content types → Extract content types (a Map per type: Plan extract → Read batches, an inner Map of
 * one extract invocation per batch of ids → Assemble extract) → Transform, whose
 * state keeps `{changes, totals}` in `$.transform` (the run report itself is in S3).
 */
export function extractTransformStates(
  scope: Construct,
  kit: StateKit,
  props: ExtractTransformProps,
): sfn.Chain {
  const listTypes = new sfn.Pass(scope, STATES.listTypes, {
    comment: 'The configured content types (cloud config contentTypes, fixed at deploy)',
    result: sfn.Result.fromArray(props.contentTypes),
    resultPath: '$.types',
  });

  // One content type per iteration, in three invocations of the extract Lambda: plan (list the type,
  // decide full or incremental, store the ids to read), read the batches of ids (one invocation each, so
  // a large type never runs into Lambda's 15 minutes), assemble the raw file. Errors inside cannot leave
  // the Map's iteration: the outer Map state catches them.
  const planExtract = kit.invoke(
    STATES.planExtract,
    props.extract,
    {
      action: 'plan',
      runId: sfn.JsonPath.stringAt('$.runId'),
      type: sfn.JsonPath.stringAt('$.type'),
      full: sfn.JsonPath.stringAt('$.full'),
    },
    { resultPath: '$.plan', transient: ['StorageError'], catchErrors: false },
  );
  // Its input is the inner Map's item selection: the read event as it is.
  const readBatch = kit.invoke(STATES.readBatch, props.extract, undefined, {
    replaceInput: true,
    transient: ['StorageError'],
    catchErrors: false,
  });
  // Inline, not distributed: a type has one batch per readBatchSize ids (10 for 100,000 items), the
  // results are small, and aws-local-stepfunctions, which the state machine tests execute this
  // definition with, does not run a Distributed Map.
  const readBatches = new sfn.Map(scope, STATES.readBatches, {
    comment: 'One extract invocation per batch of ids to read (wordpress.readBatchSize), one at a time',
    itemsPath: '$.plan.batches',
    itemSelector: {
      action: 'read',
      runId: sfn.JsonPath.stringAt('$.runId'),
      type: sfn.JsonPath.stringAt('$.type'),
      batch: sfn.JsonPath.numberAt('$$.Map.Item.Value'),
    },
    // One batch at a time per type: the site's load stays at wordpress.concurrency per type.
    maxConcurrency: 1,
    resultPath: '$.batches',
  });
  readBatches.itemProcessor(readBatch);
  const assembleExtract = kit.invoke(
    STATES.assembleExtract,
    props.extract,
    {
      action: 'assemble',
      runId: sfn.JsonPath.stringAt('$.runId'),
      type: sfn.JsonPath.stringAt('$.type'),
      batches: sfn.JsonPath.listAt('$.batches'),
    },
    { replaceInput: true, transient: ['StorageError'], catchErrors: false },
  );
  const extractAll = new sfn.Map(scope, STATES.extractAll, {
    comment: 'Per content type: plan, read the batches, assemble the raw file',
    itemsPath: '$.types',
    itemSelector: {
      runId: sfn.JsonPath.stringAt('$.runId'),
      type: sfn.JsonPath.stringAt('$$.Map.Item.Value'),
      full: sfn.JsonPath.stringAt('$.options.full'),
    },
    maxConcurrency: props.maxConcurrentExtracts,
    resultPath: '$.extracts',
  });
  extractAll.itemProcessor(planExtract.next(readBatches).next(assembleExtract));
  kit.catchInto(extractAll, STATES.extractAll);

  const transform = kit.invoke(
    STATES.transform,
    props.transform,
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
  return sfn.Chain.start(listTypes).next(extractAll).next(transform);
}
