import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLED_CONFIG_GLOBAL } from '../functions/core/shared/config/lambda-env.js';
import { ConfigError } from '../functions/core/shared/errors.js';
import { acknowledge } from './nag.js';
import { LAMBDA_RUNTIME } from './pinecone-index.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Lambda's limit for all environment variables of a function together (names and values). */
export const LAMBDA_ENVIRONMENT_LIMIT = 4096;

export interface WpkbFunctionProps {
  /** Handler module, relative to functions/ (`handlers/chat.ts`); it exports `handler`. */
  entry: string;
  description: string;
  memorySize: number;
  /** `/tmp` size in MiB (512–10240). Default: Lambda's 512. */
  ephemeralStorageMiB?: number;
  timeout: Duration;
  environment: Record<string, string>;
  /** What the function may do besides writing its own logs and traces. */
  statements: iam.PolicyStatement[];
  logRetentionDays: number;
  /**
   * Modules left out of the bundle because the Lambda runtime provides them. Default `@aws-sdk/*`;
   * `[]` bundles the AWS SDK too (the version the code was tested with).
   */
  externalModules?: string[];
  /** Physical function name; its log group is then `/aws/lambda/<functionName>`. Default: generated. */
  functionName?: string;
  /** Name of the role's inline policy. Default `Function`. */
  policyName?: string;
  /** Lambda platform log level. Default WARN; INFO keeps the platform.report lines (duration, memory). */
  systemLogLevel?: lambda.SystemLogLevel;
  /** Keep class and function names through minification (esbuild `keepNames`). Default false. */
  keepNames?: boolean;
  /** Reserved concurrent executions. Default: none (the account's unreserved pool). */
  reservedConcurrency?: number;
  /**
   * Configuration compiled into the bundle (esbuild replaces the global `WPKB_BUNDLED_CONFIG` with its
   * JSON text; the handlers' settings read it), instead of an environment variable: Lambda's 4 KB of
   * environment would not hold a site with many content types. A change redeploys the code.
   */
  bundledConfig?: unknown;
  /**
   * Source maps in the bundle and `--enable-source-maps`: stack traces point at the TypeScript source,
   * at the cost of a larger bundle and a slower cold start (`cloud.sourceMaps`). Default true.
   */
  sourceMaps?: boolean;
  /**
   * More esbuild `define`s besides `bundledConfig`'s: identifiers replaced by JSON values at build time
   * (the knowledge-base engine's system prompt and tools). Default none.
   */
  define?: Record<string, string>;
}

/**
 * One of the project's Lambda functions: Node 22 on ARM64, bundled by esbuild locally (no Docker),
 * JSON logs into its own log group with retention, X-Ray tracing, and its own role whose inline policy
 * is the whole grant (nothing is added behind its back: grants go through `statements`).
 */
export class WpkbFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** The JSON text compiled into the bundle (`bundledConfig`), if any. */
  readonly bundledConfig?: string;
  /** esbuild's `define` for this bundle: `bundledConfig` and any other data built into the code. */
  readonly define: Record<string, string>;

  constructor(scope: Construct, id: string, props: WpkbFunctionProps) {
    super(scope, id);
    const sourceMaps = props.sourceMaps ?? true;
    const environment = sourceMaps
      ? { ...props.environment, NODE_OPTIONS: '--enable-source-maps' }
      : props.environment;
    const size = environmentSize(environment);
    if (size > LAMBDA_ENVIRONMENT_LIMIT) {
      throw new ConfigError(
        `function ${this.node.path}: its environment variables are about ${size} bytes; Lambda allows ${LAMBDA_ENVIRONMENT_LIMIT} (configuration belongs in bundledConfig)`,
      );
    }
    if (props.bundledConfig !== undefined) this.bundledConfig = JSON.stringify(props.bundledConfig);
    this.define = {
      ...props.define,
      ...(this.bundledConfig === undefined
        ? {}
        : { [BUNDLED_CONFIG_GLOBAL]: JSON.stringify(this.bundledConfig) }),
    };
    const define = this.define;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      ...(props.functionName ? { logGroupName: `/aws/lambda/${props.functionName}` } : {}),
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
      inlinePolicies: {
        [props.policyName ?? 'Function']: new iam.PolicyDocument({
          statements: [
            ...props.statements,
            new iam.PolicyStatement({
              sid: 'WriteOwnLogs',
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [this.logGroup.logGroupArn],
            }),
            new iam.PolicyStatement({
              sid: 'WriteTraces',
              actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
              resources: ['*'],
            }),
          ],
        }),
      },
    });
    acknowledge(
      this.role,
      'AwsSolutions-IAM5',
      'X-Ray PutTraceSegments / PutTelemetryRecords do not support resource-level permissions (AWS documents Resource "*").',
      'Resource::*',
    );

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      ...(props.functionName ? { functionName: props.functionName } : {}),
      entry: fileURLToPath(new URL(`../functions/${props.entry}`, import.meta.url)),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      runtime: LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySize,
      ...(props.ephemeralStorageMiB
        ? { ephemeralStorageSize: Size.mebibytes(props.ephemeralStorageMiB) }
        : {}),
      timeout: props.timeout,
      role: this.role.withoutPolicyUpdates(),
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: props.systemLogLevel ?? lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
      environment,
      bundling: {
        minify: true,
        sourceMap: sourceMaps,
        ...(props.keepNames ? { keepNames: true } : {}),
        ...(Object.keys(define).length ? { define } : {}),
        target: 'node22',
        format: nodejs.OutputFormat.CJS,
        externalModules: props.externalModules ?? ['@aws-sdk/*'],
      },
    });
    acknowledge(
      this.fn,
      'AwsSolutions-L1',
      'Pinned to nodejs22.x, the Node version the project builds and tests on (node@22); raise it together with the toolchain.',
    );
  }
}

/**
 * Throws when a function's environment would not fit in Lambda's 4 KB. Deploy-time tokens (bucket names,
 * ids) are counted at `tokenBytes` each: what matters is the part that grows with configuration.
 */
export function environmentSize(environment: Record<string, string>, tokenBytes = 64): number {
  let size = 0;
  for (const [name, value] of Object.entries(environment)) {
    size += name.length + (value.includes('${Token[') ? tokenBytes : Buffer.byteLength(value, 'utf8'));
  }
  return size;
}
