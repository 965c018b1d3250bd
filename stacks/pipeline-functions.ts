import { type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { WpkbConfig } from '../functions/core/shared/config/schema.js';
import { SYNCED_DATA_SOURCE_KEY } from '../functions/core/sync/synced-data-source.js';
import { DATA_LOCK_OBJECT, DATA_PREFIXES } from './data-bucket.js';
import { acknowledge } from './nag.js';
import { secretReadStatements } from './pinecone-index.js';
import type { CloudNames } from './settings.js';
import { WpkbFunction, type WpkbFunctionProps } from './wpkb-function.js';

/**
 * The part of the configuration the extract and transform Lambdas read, compiled into their bundles: the
 * site, the WordPress client, the content types and labels, the deletion guard. Cloud and local-only
 * sections are left out — they are not used there.
 */
export function lambdaConfig(config: WpkbConfig): Record<string, unknown> {
  const { env, site, wordpress, contentTypes, fieldLabels, deletionGuard } = config;
  return { env, site, wordpress, contentTypes, fieldLabels, deletionGuard };
}

/** Extract's memory (MB): measured peaks and the rule in docs/sizing.md. */
export const EXTRACT_MEMORY_MB = 512;
/** Transform's memory (MB): one full vCPU; the measured peak is far below (docs/sizing.md). */
export const TRANSFORM_MEMORY_MB = 1769;
/** Transform's `/tmp` (MiB): its spool, catalogs and exports (docs/sizing.md). */
export const TRANSFORM_TMP_MIB = 2048;

/** What the pipeline's functions read, write and call; every resource already exists. */
export interface PipelineFunctionsProps {
  readonly config: WpkbConfig;
  readonly names: CloudNames;
  /** raw/, kb/, catalog/, exports/, runs/ are read and written here. */
  readonly dataBucket: s3.IBucket;
  readonly knowledgeBaseId: string;
  readonly knowledgeBaseArn: string;
  readonly dataSourceId: string;
  /**
   * The agent whose DRAFT sync prepares after an ingestion (agent engine). Absent with the
   * knowledge-base engine: no AGENT_ID, no PrepareAgent grant.
   */
  readonly agent?: { readonly agentId: string; readonly agentArn: string };
  /** The index sync checks after an ingestion. */
  readonly pinecone: {
    readonly indexName: string;
    /** Bare host of the index (deploy-time value). */
    readonly indexHost: string;
    readonly namespace: string;
    /** Secret name or ARN as configured; its complete ARN (a deploy-time value) below. */
    readonly apiKeySecret: string;
    readonly apiKeySecretArn: string;
    readonly apiKeySecretKmsKeyArn?: string;
  };
  /** `wpkb-<env>-pipeline`: the guard may list this state machine's executions. */
  readonly stateMachineArn: string;
}

/** What differs between the pipeline's functions; the rest is common to all four (see `function`). */
type FunctionSpec = Pick<
  WpkbFunctionProps,
  | 'entry'
  | 'description'
  | 'memorySize'
  | 'ephemeralStorageMiB'
  | 'timeout'
  | 'environment'
  | 'statements'
  | 'bundledConfig'
>;

/**
 * The pipeline's Lambda functions: extract (one content type per call), transform, sync (ingestion,
 * agent preparation, Pinecone check) and the concurrency guard. Node 22 on ARM64, bundled by esbuild
 * locally (no Docker), JSON logs into an explicit log group with retention, X-Ray tracing, Powertools.
 * Each has its own role whose inline policy lists exactly what its code calls.
 */
export class PipelineFunctions extends Construct {
  readonly extract: nodejs.NodejsFunction;
  readonly transform: nodejs.NodejsFunction;
  readonly sync: nodejs.NodejsFunction;
  readonly guard: nodejs.NodejsFunction;
  readonly logGroups: logs.LogGroup[] = [];
  /** The configuration compiled into the extract and transform bundles (`lambdaConfig`). */
  readonly bundledConfig: Record<string, unknown>;
  private readonly sourceMaps: boolean;
  private readonly logRetention: logs.RetentionDays;
  private readonly namePrefix: string;
  private readonly roles = new Map<string, iam.Role>();

  constructor(scope: Construct, id: string, props: PipelineFunctionsProps) {
    super(scope, id);
    const { config, names, dataBucket: bucket } = props;
    const pipeline = config.cloud.pipeline;
    const objects = (prefix: string) => bucket.arnForObjects(`${prefix}*`);
    const lock = bucket.arnForObjects(DATA_LOCK_OBJECT);
    this.logRetention = pipeline.logRetentionDays as logs.RetentionDays;
    this.namePrefix = names.prefix;
    this.sourceMaps = config.cloud.sourceMaps;
    // cdk-nag names an object ARN by the bucket's logical id: `<DataBucketE3889A50.Arn>/raw/*`.
    const bucketArnId = `${Stack.of(this).getLogicalId(bucket.node.defaultChild as CfnElement)}.Arn`;

    this.bundledConfig = lambdaConfig(config);
    const coreEnvironment = { DATA_BUCKET: bucket.bucketName };

    // A site that needs an application password to read: the extract Lambda alone may read its secret.
    const passwordSecret = config.cloud.wordpressPasswordSecret;
    this.extract = this.function('Extract', {
      entry: 'handlers/extract.ts',
      description: `wpkb ${names.env}: lists a WordPress content type, reads a batch of it, or assembles raw/`,
      // Sized from `npm run bench` (docs/sizing.md): one batch's read-ahead and the type's listing.
      bundledConfig: this.bundledConfig,
      memorySize: EXTRACT_MEMORY_MB,
      timeout: Duration.seconds(pipeline.extractTimeoutSeconds),
      environment: passwordSecret
        ? { ...coreEnvironment, WP_APP_PASSWORD_SECRET: passwordSecret }
        : coreEnvironment,
      statements: [
        new iam.PolicyStatement({
          sid: 'WriteRaw',
          actions: ['s3:PutObject'],
          resources: [objects(DATA_PREFIXES.raw)],
        }),
        // The plan, the batches and the previous complete run's raw file; the state that names it.
        new iam.PolicyStatement({
          sid: 'ReadRawAndState',
          actions: ['s3:GetObject'],
          resources: [objects(DATA_PREFIXES.raw), objects(DATA_PREFIXES.state)],
        }),
        // Whether the state and the previous raw file exist: a listing of exactly their keys. And the
        // instant-update ledger's keys: items an instant update touched are read again (extract-plan.ts).
        new iam.PolicyStatement({
          sid: 'ListRawAndState',
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: {
            StringLike: {
              's3:prefix': [`${DATA_PREFIXES.raw}*`, `${DATA_PREFIXES.state}*`, `${DATA_PREFIXES.instant}*`],
            },
          },
        }),
        ...(passwordSecret ? secretReadStatements(this, passwordSecret, undefined, 'WordPressPassword') : []),
      ],
    });
    acknowledge(
      this.roleOf('Extract'),
      'AwsSolutions-IAM5',
      'Extract writes and reads raw/<type>/<runId>…: new keys every run, so the grant is on the raw/ prefix.',
      `Resource::<${bucketArnId}>/raw/*`,
    );
    acknowledge(
      this.roleOf('Extract'),
      'AwsSolutions-IAM5',
      'Extract reads state/<type>.json, one key per content type: the grant is on the state/ prefix.',
      `Resource::<${bucketArnId}>/state/*`,
    );

    this.transform = this.function('Transform', {
      entry: 'handlers/transform.ts',
      description: `wpkb ${names.env}: normalises raw/ into kb/ documents, catalog, exports and the run report`,
      bundledConfig: this.bundledConfig,
      // Memory is bounded (docs/sizing.md); time is not: 1,769 MB is one full vCPU for the CPU-bound passes.
      memorySize: TRANSFORM_MEMORY_MB,
      // The normalised items of every type, and the catalogs and exports, spooled before they are written.
      ephemeralStorageMiB: TRANSFORM_TMP_MIB,
      timeout: Duration.seconds(pipeline.transformTimeoutSeconds),
      // A data source that kb/ was not last ingested into (replaced) forces a full sync.
      environment: {
        ...coreEnvironment,
        KNOWLEDGE_BASE_ID: props.knowledgeBaseId,
        DATA_SOURCE_ID: props.dataSourceId,
      },
      statements: [
        new iam.PolicyStatement({
          sid: 'ListOwnPrefixes',
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: {
            StringLike: {
              's3:prefix': [
                DATA_PREFIXES.kb,
                DATA_PREFIXES.curated,
                DATA_PREFIXES.catalog,
                DATA_PREFIXES.exports,
                DATA_PREFIXES.instant,
                SYNCED_DATA_SOURCE_KEY,
                // state/<type>.json: what the previous run's transform made of a type (skip when unchanged).
                `${DATA_PREFIXES.state}*`,
              ],
            },
          },
        }),
        new iam.PolicyStatement({
          sid: 'ReadInputs',
          actions: ['s3:GetObject'],
          // catalog/: entries of items an instant update re-read during the run are kept as stored.
          resources: [
            objects(DATA_PREFIXES.raw),
            objects(DATA_PREFIXES.curated),
            objects(DATA_PREFIXES.catalog),
            objects(DATA_PREFIXES.instant),
            lock,
            objects(DATA_PREFIXES.state),
            bucket.arnForObjects(SYNCED_DATA_SOURCE_KEY),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'WriteOutputs',
          actions: ['s3:PutObject'],
          resources: [
            objects(DATA_PREFIXES.kb),
            objects(DATA_PREFIXES.catalog),
            objects(DATA_PREFIXES.exports),
            objects(DATA_PREFIXES.runs),
            objects(DATA_PREFIXES.state),
            lock,
          ],
        }),
        new iam.PolicyStatement({
          // Gone documents; the instant-update ledger once counted; the data lock on release.
          sid: 'DeleteGoneDocuments',
          actions: ['s3:DeleteObject'],
          resources: [objects(DATA_PREFIXES.kb), objects(DATA_PREFIXES.instant), lock],
        }),
      ],
    });
    for (const prefix of [
      'raw',
      'curated',
      'kb',
      'catalog',
      'exports',
      'runs',
      'state',
      'instant',
    ] as const) {
      acknowledge(
        this.roleOf('Transform'),
        'AwsSolutions-IAM5',
        `Transform reads and writes one object per item or run under ${DATA_PREFIXES[prefix]}; keys are created nightly, so the grant is on the prefix.`,
        `Resource::<${bucketArnId}>/${DATA_PREFIXES[prefix]}*`,
      );
    }

    const { pinecone } = props;
    this.sync = this.function('Sync', {
      entry: 'handlers/sync.ts',
      description: `wpkb ${names.env}: ingestion job, ${props.agent ? 'agent DRAFT preparation, ' : ''}Pinecone check and canaries`,
      memorySize: 256,
      timeout: Duration.seconds(60),
      environment: {
        DATA_BUCKET: bucket.bucketName,
        KNOWLEDGE_BASE_ID: props.knowledgeBaseId,
        DATA_SOURCE_ID: props.dataSourceId,
        ...(props.agent ? { AGENT_ID: props.agent.agentId } : {}),
        PINECONE_SECRET_ARN: pinecone.apiKeySecretArn,
        PINECONE_INDEX_HOST: pinecone.indexHost,
        PINECONE_NAMESPACE: pinecone.namespace,
        EMBEDDING_DIMENSIONS: String(config.cloud.embedding.dimensions),
        ENV_NAME: names.env,
        STRICT_VERIFY: String(pipeline.strictVerify),
      },
      statements: [
        new iam.PolicyStatement({
          sid: 'IngestKnowledgeBase',
          actions: ['bedrock:StartIngestionJob', 'bedrock:GetIngestionJob', 'bedrock:ListIngestionJobs'],
          resources: [props.knowledgeBaseArn],
        }),
        ...(props.agent
          ? [
              new iam.PolicyStatement({
                sid: 'PrepareAgent',
                actions: ['bedrock:PrepareAgent', 'bedrock:GetAgent'],
                resources: [props.agent.agentArn],
              }),
            ]
          : []),
        ...secretReadStatements(this, pinecone.apiKeySecret, pinecone.apiKeySecretKmsKeyArn),
        new iam.PolicyStatement({
          sid: 'UpdateRunReports',
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: [objects(DATA_PREFIXES.runs)],
        }),
        new iam.PolicyStatement({
          // Held around StartIngestionJob: never beside an instant update's direct ingestion.
          sid: 'DataLock',
          actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          resources: [lock],
        }),
        // Post-sync canaries (action "canaries"): only when some are configured.
        ...(config.canaries.questions.length > 0
          ? [
              new iam.PolicyStatement({
                sid: 'RetrieveForCanaries',
                actions: ['bedrock:Retrieve'],
                resources: [props.knowledgeBaseArn],
              }),
            ]
          : []),
      ],
    });
    acknowledge(
      this.roleOf('Sync'),
      'AwsSolutions-IAM5',
      'Sync updates runs/<runId>.json and runs/latest.json: one new report per run, so the grant is on runs/.',
      `Resource::<${bucketArnId}>/runs/*`,
    );

    this.guard = this.function('Guard', {
      entry: 'handlers/guard.ts',
      description: `wpkb ${names.env}: refuses an execution while another one runs`,
      memorySize: 128,
      timeout: Duration.seconds(30),
      environment: {},
      statements: [
        new iam.PolicyStatement({
          sid: 'ListOwnExecutions',
          actions: ['states:ListExecutions'],
          resources: [props.stateMachineArn],
        }),
      ],
    });
  }

  /** The execution role of a function (its own, with the inline policy). */
  roleOf(id: 'Extract' | 'Transform' | 'Sync' | 'Guard'): iam.Role {
    const role = this.roles.get(id);
    if (!role) throw new Error(`no pipeline function ${id}`);
    return role;
  }

  private function(
    id: 'Extract' | 'Transform' | 'Sync' | 'Guard',
    spec: FunctionSpec,
  ): nodejs.NodejsFunction {
    const made = new WpkbFunction(this, id, {
      ...spec,
      functionName: `${this.namePrefix}-${id.toLowerCase()}`,
      policyName: id,
      logRetentionDays: this.logRetention,
      // INFO keeps the platform.report lines (duration, memory used) for sizing; a few per invocation.
      systemLogLevel: lambda.SystemLogLevel.INFO,
      // Error class names are the Step Functions error names Retry / Catch match: keep them.
      keepNames: true,
      sourceMaps: this.sourceMaps,
    });
    this.logGroups.push(made.logGroup);
    this.roles.set(id, made.role);
    return made.fn;
  }
}
