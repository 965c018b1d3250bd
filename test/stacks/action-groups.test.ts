import { beforeAll, describe, expect, it } from 'vitest';
import { actionsSettings } from '../../functions/core/shared/config/actions-env.js';
import { ConfigError } from '../../functions/core/shared/errors.js';
import {
  checkActionGroupSchema,
  MALL_DIRECTORY,
  MALL_DIRECTORY_DESCRIPTION,
} from '../../stacks/action-groups.js';
import type { WpkbFunction } from '../../stacks/wpkb-function.js';
import {
  type AgentSynth,
  attachedPolicies,
  getAtt,
  MALL_DIRECTORY_SCHEMA,
  resourcesOf,
  statementsOf,
  synthesizeAgentStack,
} from './agent-synth.js';
import { acknowledgements, agentOf, configFor, find, logicalIdOf, nagFindings, only } from './synth.js';

let dev: AgentSynth;
let prod: AgentSynth;

beforeAll(() => {
  dev = synthesizeAgentStack({ env: 'dev' });
  prod = synthesizeAgentStack({ env: 'prod' });
});

/** The action group's Lambda: the function the agent's executor points at. */
function actionsFunction(s: AgentSynth) {
  const agent = only(s.template, 'AWS::Bedrock::Agent');
  const groups = agent.Properties.ActionGroups as Array<{ ActionGroupExecutor: { Lambda: unknown } }>;
  const executor = groups[0]?.ActionGroupExecutor.Lambda as { 'Fn::GetAtt': [string, string] };
  const logicalId = executor['Fn::GetAtt'][0];
  const fn = s.json.Resources[logicalId];
  if (fn?.Type !== 'AWS::Lambda::Function') throw new Error('the executor is not a function');
  return { logicalId, fn };
}

const roleOf = (s: AgentSynth, fn: { Properties: Record<string, unknown> }) => {
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const role = s.json.Resources[roleId];
  if (!role) throw new Error('no role');
  return { roleId, role };
};

/** The environment as Lambda would see it, deploy-time tokens replaced by plausible values. */
function deployedEnvironment(fn: { Properties: Record<string, unknown> }): Record<string, string> {
  const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : 'wpkb-prod-databucket-0123456789abcdef0123456789abcdef',
    ]),
  );
}

describe('the mall-directory action group', () => {
  it('is on the agent with its Lambda executor and the schema text inline', () => {
    const { logicalId } = actionsFunction(dev);
    expect(only(dev.template, 'AWS::Bedrock::Agent').Properties.ActionGroups).toEqual([
      {
        ActionGroupName: MALL_DIRECTORY,
        Description: MALL_DIRECTORY_DESCRIPTION,
        ActionGroupExecutor: { Lambda: getAtt(logicalId, 'Arn') },
        ApiSchema: { Payload: MALL_DIRECTORY_SCHEMA },
        ActionGroupState: 'ENABLED',
      },
    ]);
  });

  it('moves the alias to a new version when the schema text changes, and only then', () => {
    const changedSchema = MALL_DIRECTORY_SCHEMA.replace(
      'title: Mall directory',
      'title: Directorio del mall',
    );
    expect(changedSchema).not.toBe(MALL_DIRECTORY_SCHEMA);
    const changed = synthesizeAgentStack({ env: 'dev', schema: changedSchema });
    const same = synthesizeAgentStack({ env: 'dev', schema: MALL_DIRECTORY_SCHEMA });

    const payload = (s: AgentSynth) =>
      (
        only(s.template, 'AWS::Bedrock::Agent').Properties.ActionGroups as Array<{
          ApiSchema: { Payload: string };
        }>
      )[0]?.ApiSchema.Payload;
    const alias = (s: AgentSynth) => only(s.template, 'AWS::Bedrock::AgentAlias');

    expect(payload(changed)).toBe(changedSchema);
    expect(alias(changed).Properties.Description).not.toBe(alias(dev).Properties.Description);
    expect(alias(changed).logicalId).toBe(alias(dev).logicalId);
    expect(agentOf(changed.stack).definitionHash).not.toBe(agentOf(dev.stack).definitionHash);

    expect(same.json).toEqual(dev.json);
    expect(alias(same).Properties.Description).toBe(alias(dev).Properties.Description);
  });

  it('refuses a schema Bedrock would not take, before anything is deployed', () => {
    expect(() => synthesizeAgentStack({ schema: 'openapi: 3.1.0\npaths: {}\n' })).toThrow(ConfigError);
    expect(() => checkActionGroupSchema('x', 'openapi: [3.0.0')).toThrow(/action group x: .*not valid YAML/);
    expect(() => checkActionGroupSchema('x', 'openapi: 3.1.0\npaths: {}')).toThrow(/OpenAPI 3\.0/);
    expect(() => checkActionGroupSchema('x', 'openapi: 3.0.0\npaths: {}')).toThrow(
      /1-11 operations \(got 0\)/,
    );
    const twelve = Array.from({ length: 12 }, (_, i) => `  /p${i}:\n    get:\n      operationId: op${i}`);
    expect(() => checkActionGroupSchema('x', `openapi: 3.0.0\npaths:\n${twelve.join('\n')}`)).toThrow(
      /got 12/,
    );
    expect(() => checkActionGroupSchema('x', MALL_DIRECTORY_SCHEMA)).not.toThrow();
  });
});

describe('the action group Lambda', () => {
  it('runs the actions handler on Node 22 ARM64 with 512 MB, 15 s, X-Ray and JSON logs into its own log group', () => {
    const { fn } = actionsFunction(dev);
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 15,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
    });
    const logGroupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(dev.json.Resources[logGroupId]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 30 },
    });
    const longer = synthesizeAgentStack({ overrides: { cloud: { actions: { logRetentionDays: 90 } } } });
    const longerId = (actionsFunction(longer).fn.Properties.LoggingConfig as { LogGroup: { Ref: string } })
      .LogGroup.Ref;
    expect(longer.json.Resources[longerId]?.Properties.RetentionInDays).toBe(90);
  });

  it('gets the environment the handler validates: bucket, the configuration it reads, cache and body limits', () => {
    const { fn } = actionsFunction(prod);
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.DATA_BUCKET).toEqual({ Ref: logicalIdOf(prod.stack.data.bucket) });
    expect(variables).toMatchObject({
      CATALOG_CHECK_SECONDS: '60',
      MAX_BODY_BYTES: '20000',
      POWERTOOLS_SERVICE_NAME: 'wpkb-actions',
    });
    // The configuration is compiled into the bundle, not passed in the environment.
    expect(variables).not.toHaveProperty('WPKB_CONFIG');
    const bundled = (find(prod.stack, 'MallDirectory/Handler') as WpkbFunction).bundledConfig ?? '';
    expect(Object.keys(JSON.parse(bundled)).sort()).toEqual(['contentTypes', 'env', 'fieldLabels', 'site']);

    const config = configFor('prod');
    const settings = actionsSettings(deployedEnvironment(fn), bundled);
    expect(settings.config.env).toBe('prod');
    expect(settings.config.site).toEqual(config.site);
    expect(settings.config.contentTypes).toEqual(config.contentTypes);
    expect(settings.config.fieldLabels).toEqual(config.fieldLabels);
    expect(settings).toMatchObject({ catalogCheckSeconds: 60, maxBodyBytes: 20_000 });

    const tuned = synthesizeAgentStack({
      overrides: { cloud: { actions: { catalogCheckSeconds: 300, maxBodyBytes: 12_000 } } },
    });
    expect(actionsSettings(deployedEnvironment(actionsFunction(tuned).fn), bundled)).toMatchObject({
      catalogCheckSeconds: 300,
      maxBodyBytes: 12_000,
    });
  });

  it('keeps a large configuration out of the environment: 150 field labels go into the bundle', () => {
    const fieldLabels = Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [`campo_personalizado_${i}`, `Etiqueta ${i}`]),
    );
    const large = synthesizeAgentStack({ overrides: { fieldLabels } });
    const environment = deployedEnvironment(actionsFunction(large).fn);
    expect(JSON.stringify(environment)).not.toContain('campo_personalizado');
    const bundled = (find(large.stack, 'MallDirectory/Handler') as WpkbFunction).bundledConfig ?? '';
    expect(actionsSettings(environment, bundled).config.fieldLabels.campo_personalizado_149).toBe(
      'Etiqueta 149',
    );
  });

  it('may read catalog/ and nothing else: GetObject on catalog/*, ListBucket for the catalog/ prefix', () => {
    const { fn } = actionsFunction(dev);
    const { roleId, role } = roleOf(dev, fn);
    const bucketArn = getAtt(logicalIdOf(dev.stack.data.bucket), 'Arn');
    const statements = statementsOf(role).map(({ Sid: _sid, ...rest }) => rest);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucketArn,
      Condition: { StringLike: { 's3:prefix': 'catalog/*' } },
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', [bucketArn, '/catalog/*']] },
    });
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:GetObject',
      's3:ListBucket',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    // Logs only into its own group; nothing granted behind the inline policy's back.
    const logGroupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: getAtt(logGroupId, 'Arn'),
      }),
    );
    expect(attachedPolicies(dev, roleId)).toEqual([]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    // The bucket policy grants it nothing either.
    expect(JSON.stringify(resourcesOf(dev, 'AWS::S3::BucketPolicy'))).not.toContain(roleId);
  });

  it('may be invoked by Bedrock only on behalf of this agent, in this account', () => {
    const { logicalId } = actionsFunction(dev);
    const permissions = resourcesOf(dev, 'AWS::Lambda::Permission').filter(
      ([, p]) => JSON.stringify(p.Properties.FunctionName) === JSON.stringify(getAtt(logicalId, 'Arn')),
    );
    expect(permissions.map(([, p]) => p.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: getAtt(logicalId, 'Arn'),
        Principal: 'bedrock.amazonaws.com',
        SourceArn: getAtt(logicalIdOf(agentOf(dev.stack).agent), 'AgentArn'),
        SourceAccount: { Ref: 'AWS::AccountId' },
      },
    ]);
    // With a known target, the account is the deploy account.
    const targeted = synthesizeAgentStack({ target: { account: '111111111111', region: 'us-east-1' } });
    const [, targetedPermission] = resourcesOf(targeted, 'AWS::Lambda::Permission').find(
      ([, p]) => p.Properties.Principal === 'bedrock.amazonaws.com',
    ) ?? [undefined, undefined];
    expect(targetedPermission?.Properties.SourceAccount).toBe('111111111111');
  });
});

describe('cdk-nag AwsSolutions with the action group', () => {
  it('reports nothing unacknowledged in dev, prod and a targeted deploy', () => {
    expect(nagFindings(dev.app)).toEqual([]);
    expect(nagFindings(prod.app)).toEqual([]);
    const targeted = synthesizeAgentStack({
      env: 'prod',
      target: { account: '111111111111', region: 'us-east-1' },
    });
    expect(nagFindings(targeted.app)).toEqual([]);
  });

  it('acknowledges exactly: X-Ray and catalog/* on its role, the pinned runtime on its function', () => {
    const bucket = logicalIdOf(prod.stack.data.bucket);
    const acks = acknowledgements(prod.app)
      .filter((a) => a.path.includes('/MallDirectory/'))
      .map((a) => `${a.path.replace(/^wpkb-prod\//, '')} ${a.id.replace(/^\w+::/, '')}`);
    expect(acks.sort()).toEqual([
      'MallDirectory/Handler/Function AwsSolutions-L1',
      'MallDirectory/Handler/Role AwsSolutions-IAM5[Resource::*]',
      `MallDirectory/Handler/Role AwsSolutions-IAM5[Resource::<${bucket}.Arn>/catalog/*]`,
    ]);
  });
});
