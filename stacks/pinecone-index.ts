import { fileURLToPath } from 'node:url';
import { ArnFormat, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';
import { isCompleteSecretArn, isSecretArn } from './settings.js';

/** Runtime of the project's Lambda functions: the Node major version the code is tested on. */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_22_X;

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const HANDLER_ENTRY = fileURLToPath(new URL('../functions/handlers/pinecone-index.ts', import.meta.url));

/**
 * The IAM resource for one Secrets Manager secret given by name or ARN. A name or partial ARN gets
 * Secrets Manager's `-??????` suffix pattern, which matches exactly that secret's complete ARN.
 */
export function secretResourceArn(scope: Construct, nameOrArn: string): string {
  if (isCompleteSecretArn(nameOrArn)) return nameOrArn;
  const partial = isSecretArn(nameOrArn)
    ? nameOrArn
    : Stack.of(scope).formatArn({
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: nameOrArn,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
  return `${partial}-??????`;
}

/**
 * Statements that let a principal read a secret (and decrypt it with its CMK): by default the Pinecone API
 * key; `name` names the statements for another secret (`SiteSecret` → `ReadSiteSecret`).
 */
export function secretReadStatements(
  scope: Construct,
  secret: string,
  kmsKeyArn?: string,
  name = 'PineconeApiKey',
): iam.PolicyStatement[] {
  const statements = [
    new iam.PolicyStatement({
      sid: `Read${name}`,
      actions: ['secretsmanager:GetSecretValue'],
      resources: [secretResourceArn(scope, secret)],
    }),
  ];
  if (kmsKeyArn) {
    statements.push(
      new iam.PolicyStatement({
        sid: `Decrypt${name}`,
        actions: ['kms:Decrypt'],
        resources: [kmsKeyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(scope).region}.amazonaws.com` },
        },
      }),
    );
  }
  return statements;
}

export interface PineconeIndexProps {
  indexName: string;
  /** Must equal the embedding model's output dimensions. */
  dimension: number;
  cloud: string;
  region: string;
  /** Existing secret with `{"apiKey": "…"}`: name or ARN. Only the reference goes into the template. */
  apiKeySecret: string;
  apiKeySecretKmsKeyArn?: string;
  /** `retain`: the index outlives the stack (and is created with Pinecone deletion protection). */
  removalPolicy: 'retain' | 'delete';
  /** Source maps in the handler's bundle, used by its stack traces (`cloud.sourceMaps`). Default true. */
  sourceMaps?: boolean;
}

/**
 * The Pinecone serverless index, as a custom resource (provider framework): created when missing,
 * checked (dimension, metric) when present, ready before the knowledge base is created. Its `host`
 * becomes the knowledge base's connection string.
 */
export class PineconeIndex extends Construct {
  readonly indexName: string;
  /** `https://<host>` of the index (a deploy-time value). */
  readonly connectionString: string;
  readonly host: string;
  /** Complete ARN of the API key secret, as Secrets Manager reports it (a deploy-time value). */
  readonly secretArn: string;
  readonly handler: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: PineconeIndexProps) {
    super(scope, id);

    const handlerLogs = new logs.LogGroup(this, 'HandlerLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Pinecone index custom resource (${props.indexName}): reads the API key secret, writes its logs`,
      inlinePolicies: {
        PineconeIndex: new iam.PolicyDocument({
          statements: [
            ...secretReadStatements(this, props.apiKeySecret, props.apiKeySecretKmsKeyArn),
            new iam.PolicyStatement({
              sid: 'WriteOwnLogs',
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [handlerLogs.logGroupArn],
            }),
          ],
        }),
      },
    });

    const sourceMaps = props.sourceMaps ?? true;
    this.handler = new nodejs.NodejsFunction(this, 'Handler', {
      entry: HANDLER_ENTRY,
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      runtime: LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      description: 'wpkb: creates/checks the Pinecone index behind the knowledge base',
      memorySize: 256,
      // Creating a serverless index and waiting until it is ready usually takes under a minute.
      timeout: Duration.minutes(10),
      role,
      logGroup: handlerLogs,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'wpkb-pinecone-index',
        ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
      },
      bundling: {
        minify: true,
        sourceMap: sourceMaps,
        target: 'node22',
        format: nodejs.OutputFormat.CJS,
        // The Lambda runtime provides AWS SDK v3; Pinecone's client is bundled.
        externalModules: ['@aws-sdk/*'],
      },
    });

    // The framework function only invokes the handler and writes its logs: its own role says exactly
    // that (handed over without policy updates, so the framework's generic grants are dropped).
    const providerLogs = new logs.LogGroup(this, 'ProviderLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const providerRole = new iam.Role(this, 'ProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Custom resource provider of the Pinecone index ${props.indexName}`,
      inlinePolicies: {
        Provider: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'InvokeHandler',
              // GetFunction: the framework waits for a Pending handler to become Active before retrying.
              actions: ['lambda:InvokeFunction', 'lambda:GetFunction'],
              resources: [this.handler.functionArn],
            }),
            new iam.PolicyStatement({
              sid: 'WriteOwnLogs',
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [providerLogs.logGroupArn],
            }),
          ],
        }),
      },
    });
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.handler,
      logGroup: providerLogs,
      frameworkOnEventRole: providerRole.withoutPolicyUpdates(),
      frameworkLambdaLoggingLevel: lambda.ApplicationLogLevel.INFO,
    });

    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::PineconeIndex',
      properties: {
        IndexName: props.indexName,
        Dimension: props.dimension,
        Metric: 'cosine',
        Cloud: props.cloud,
        Region: props.region,
        SecretId: props.apiKeySecret,
        RemovalPolicy: props.removalPolicy,
      },
      // Deleting the CloudFormation resource is harmless: the handler keeps the index unless told otherwise.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.indexName = props.indexName;
    this.host = resource.getAttString('Host');
    this.connectionString = resource.getAttString('ConnectionString');
    this.secretArn = resource.getAttString('SecretArn');

    acknowledge(
      this.handler,
      'AwsSolutions-L1',
      'Pinned to nodejs22.x, the Node version the project builds and tests on (node@22); raise it together with the toolchain.',
    );
  }
}
