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
 * List content types → Extract content types (a Map: one extract Lambda per type) → Transform, whose
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

  // Its input is the Map's item selection, {runId, type}: the extract event as it is.
  const extractType = kit.invoke(STATES.extractType, props.extract, undefined, {
    replaceInput: true,
    transient: ['StorageError'],
    catchErrors: false,
  });
  const extractAll = new sfn.Map(scope, STATES.extractAll, {
    comment: 'One extract Lambda per content type',
    itemsPath: '$.types',
    itemSelector: {
      runId: sfn.JsonPath.stringAt('$.runId'),
      type: sfn.JsonPath.stringAt('$$.Map.Item.Value'),
    },
    maxConcurrency: props.maxConcurrentExtracts,
    resultPath: '$.extracts',
  });
  extractAll.itemProcessor(extractType);
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
