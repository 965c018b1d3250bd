import { Duration, Stack, Tokenization } from 'aws-cdk-lib';
import type * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import type { ActionsCloudConfig } from '../functions/core/shared/config/cloud-schema.js';
import type { WpkbConfig } from '../functions/core/shared/config/schema.js';
import { ConfigError } from '../functions/core/shared/errors.js';
import { acknowledgeCatalogRead, catalogReadStatements } from './catalog-access.js';
import type { CloudNames } from './settings.js';
import { WpkbFunction } from './wpkb-function.js';

/** The action group's name, as the agent and the local `wpkb action` command know it. */
export const MALL_DIRECTORY = 'mall-directory';
export const MALL_DIRECTORY_DESCRIPTION =
  'Fechas de eventos, horarios de apertura, listas y fichas de tiendas y restaurantes';

/** Bedrock allows at most 11 API operations per action group. */
const MAX_OPERATIONS = 11;
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * The part of the configuration the action group Lambda reads, compiled into its bundle: the site (time
 * zone), the content types (which are events, which places) and the field labels.
 */
export function actionsLambdaConfig(config: WpkbConfig): Record<string, unknown> {
  const { env, site, contentTypes, fieldLabels } = config;
  return { env, site, contentTypes, fieldLabels };
}

/**
 * Checks that a schema text is an OpenAPI 3.0 document Bedrock can take (parsable, `openapi: 3.0.x`,
 * 1–11 operations), so a broken file stops `cdk synth` rather than the agent's preparation.
 */
export function checkActionGroupSchema(name: string, text: string): void {
  let document: unknown;
  try {
    document = parse(text);
  } catch (cause) {
    throw new ConfigError(`action group ${name}: the OpenAPI schema is not valid YAML or JSON`, { cause });
  }
  const doc = document as { openapi?: unknown; paths?: unknown } | null;
  if (typeof doc?.openapi !== 'string' || !/^3\.0\.\d+$/.test(doc.openapi)) {
    throw new ConfigError(
      `action group ${name}: the schema must be OpenAPI 3.0 (openapi: 3.0.0), got ${JSON.stringify(doc?.openapi)}`,
    );
  }
  const paths = doc.paths && typeof doc.paths === 'object' ? Object.values(doc.paths) : [];
  const operations = paths.flatMap((item) =>
    item && typeof item === 'object' ? Object.keys(item).filter((k) => HTTP_METHODS.has(k)) : [],
  );
  if (operations.length === 0 || operations.length > MAX_OPERATIONS) {
    throw new ConfigError(
      `action group ${name}: the schema must define 1-${MAX_OPERATIONS} operations (got ${operations.length})`,
    );
  }
}

export interface MallDirectoryProps {
  config: WpkbConfig;
  names: CloudNames;
  dataBucket: s3.IBucket;
  /** The OpenAPI schema text (agent-schemas/mall-directory.openapi.yaml). */
  schema: string;
}

/**
 * The "mall directory" action group: its Lambda (functions/handlers/actions.ts), which reads
 * `catalog/<type>.json` and nothing else, and its definition for the agent with the schema text inline —
 * so a schema change changes the agent's definition, its hash and the alias (stacks/agent.ts): the agent
 * is prepared again and users get a new version on deploy.
 */
export class MallDirectory extends Construct {
  readonly function: WpkbFunction;
  readonly actionGroup: bedrock.CfnAgent.AgentActionGroupProperty;

  constructor(scope: Construct, id: string, props: MallDirectoryProps) {
    super(scope, id);
    const { config, names, dataBucket: bucket } = props;
    const settings: ActionsCloudConfig = config.cloud.actions;
    checkActionGroupSchema(MALL_DIRECTORY, props.schema);

    const environment = {
      DATA_BUCKET: bucket.bucketName,
      CATALOG_CHECK_SECONDS: String(settings.catalogCheckSeconds),
      MAX_BODY_BYTES: String(settings.maxBodyBytes),
      POWERTOOLS_SERVICE_NAME: 'wpkb-actions',
    };

    this.function = new WpkbFunction(this, 'Handler', {
      entry: 'handlers/actions.ts',
      description: `wpkb ${names.env}: the agent's mall-directory action group (events, opening hours, places from catalog/)`,
      // Parses ~350 KB of catalog JSON on a cold start.
      memorySize: 512,
      timeout: Duration.seconds(15),
      environment,
      bundledConfig: actionsLambdaConfig(config),
      sourceMaps: config.cloud.sourceMaps,
      logRetentionDays: settings.logRetentionDays,
      statements: catalogReadStatements(bucket),
    });
    acknowledgeCatalogRead(this.function.role, bucket);

    this.actionGroup = {
      actionGroupName: MALL_DIRECTORY,
      description: MALL_DIRECTORY_DESCRIPTION,
      actionGroupExecutor: { lambda: this.function.fn.functionArn },
      apiSchema: { payload: props.schema },
      actionGroupState: 'ENABLED',
    };
  }
}

/**
 * Lets one agent invoke its action groups' Lambda executors: `lambda:InvokeFunction` for
 * `bedrock.amazonaws.com`, only on behalf of this agent (`SourceArn`) in this account (`SourceAccount`).
 * Created after the agent (it needs the agent's ARN), while the agent needs the functions' ARNs.
 */
export class ActionGroupInvokePermissions extends Construct {
  readonly permissions: lambda.CfnPermission[] = [];

  constructor(
    scope: Construct,
    id: string,
    props: { agentArn: string; actionGroups: readonly bedrock.CfnAgent.AgentActionGroupProperty[] },
  ) {
    super(scope, id);
    for (const group of props.actionGroups) {
      const executor = group.actionGroupExecutor;
      if (!executor || Tokenization.isResolvable(executor)) continue;
      const functionArn = (executor as bedrock.CfnAgent.ActionGroupExecutorProperty).lambda;
      if (!functionArn) continue;
      this.permissions.push(
        new lambda.CfnPermission(this, group.actionGroupName, {
          action: 'lambda:InvokeFunction',
          functionName: functionArn,
          principal: 'bedrock.amazonaws.com',
          sourceArn: props.agentArn,
          sourceAccount: Stack.of(this).account,
        }),
      );
    }
  }
}
