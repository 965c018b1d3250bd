import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaSettings } from '../../functions/core/shared/config/lambda-env.js';
import { lambdaConfig } from '../../stacks/pipeline-functions.js';
import type { WpkbFunction } from '../../stacks/wpkb-function.js';
import { type PipelineSynth, synthesizePipelineStack } from './pipeline-synth.js';
import { acknowledgements, agentOf, configFor, logicalIdOf, nagFindings } from './synth.js';

let dev: PipelineSynth;
let prod: PipelineSynth;
/** prod with post-sync canaries configured (the default configuration has none). */
let withCanaries: PipelineSynth;

const CANARIES = {
  questions: [
    { question: '¿Dónde está la tienda Fiordo Kids?', expected: '122', type: 'stores' },
    { question: '¿El mall abre los días feriados?', expected: '¿El mall abre los días feriados?', k: 3 },
  ],
  strict: false,
};

beforeAll(() => {
  dev = synthesizePipelineStack({ env: 'dev' });
  prod = synthesizePipelineStack({ env: 'prod' });
  withCanaries = synthesizePipelineStack({ env: 'prod', overrides: { canaries: CANARIES } });
});

type Statement = Record<string, unknown>;
const getAtt = (id: string, attribute: string) => ({ 'Fn::GetAtt': [id, attribute] });
const ref = (id: string) => ({ Ref: id });
const id = (construct: IConstruct) => logicalIdOf(construct);
const resource = (s: PipelineSynth, construct: IConstruct) => {
  const found = s.json.Resources[id(construct)];
  if (!found) throw new Error(`no resource ${id(construct)}`);
  return found;
};
const bucketArn = (s: PipelineSynth) => getAtt(id(s.stack.data.bucket), 'Arn');
const objects = (s: PipelineSynth, prefix: string) => ({ 'Fn::Join': ['', [bucketArn(s), `/${prefix}*`]] });
/** The data lock's exact object: no wildcard. */
const lockObject = (s: PipelineSynth) => ({ 'Fn::Join': ['', [bucketArn(s), '/locks/data.json']] });
/** The inline policy statements of a pipeline function's role, without the logs and traces every role has. */
function ownStatements(s: PipelineSynth, fn: 'Extract' | 'Transform' | 'Sync' | 'Guard'): Statement[] {
  const role = resource(s, s.pipeline.functions.roleOf(fn));
  const policies = role.Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>;
  expect(policies).toHaveLength(1);
  return (policies[0]?.PolicyDocument.Statement ?? []).filter(
    (st) => st.Sid !== 'WriteOwnLogs' && st.Sid !== 'WriteTraces',
  );
}
const functions = (s: PipelineSynth) => {
  const f = s.pipeline.functions;
  return { Extract: f.extract, Transform: f.transform, Sync: f.sync, Guard: f.guard } as const;
};

describe('pipeline Lambda functions', () => {
  it('run Node 22 on ARM64 with tracing and JSON logs in their own log group with retention', () => {
    for (const [name, fn] of Object.entries(functions(dev))) {
      const props = resource(dev, fn).Properties;
      const logGroup = dev.pipeline.functions.logGroups.find((g) =>
        g.node.path.endsWith(`/Functions/${name}/Logs`),
      );
      if (!logGroup) throw new Error(`no log group for ${name}`);
      expect(props).toMatchObject({
        FunctionName: `wpkb-dev-${name.toLowerCase()}`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: {
          LogFormat: 'JSON',
          ApplicationLogLevel: 'INFO',
          SystemLogLevel: 'INFO',
          LogGroup: ref(id(logGroup)),
        },
        Role: getAtt(id(dev.pipeline.functions.roleOf(name as 'Extract')), 'Arn'),
      });
      expect(resource(dev, logGroup).Properties).toMatchObject({
        LogGroupName: `/aws/lambda/wpkb-dev-${name.toLowerCase()}`,
        RetentionInDays: 30,
      });
    }
  });

  it('give extract and transform the bucket, and compile into their bundles the configuration they read', () => {
    for (const fn of [dev.pipeline.functions.extract, dev.pipeline.functions.transform]) {
      const variables = (resource(dev, fn).Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      expect(variables.DATA_BUCKET).toEqual(ref(id(dev.stack.data.bucket)));
      expect(variables).not.toHaveProperty('WPKB_CONFIG');
      const bundled = (fn.node.scope as WpkbFunction).bundledConfig ?? '';
      expect(JSON.parse(bundled)).toEqual(JSON.parse(JSON.stringify(lambdaConfig(configFor('dev')))));
      // The handlers' own loader reads it back to the same site, types and guard.
      const loaded = lambdaSettings({ DATA_BUCKET: 'b-1' }, bundled).config;
      expect(loaded.contentTypes).toEqual(configFor('dev').contentTypes);
      expect(loaded.deletionGuard).toEqual(configFor('dev').deletionGuard);
      expect(loaded.site).toEqual(configFor('dev').site);
    }
    // Transform compares the deployed data source with the last one synced (a replacement re-ingests).
    const transform = resource(dev, dev.pipeline.functions.transform).Properties.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(transform.Variables).toMatchObject({
      KNOWLEDGE_BASE_ID: getAtt(id(dev.stack.knowledgeBase), 'KnowledgeBaseId'),
      DATA_SOURCE_ID: getAtt(id(dev.stack.knowledgeBase.dataSource), 'DataSourceId'),
    });
  });

  it('give sync the knowledge base, data source, agent, Pinecone index and environment name', () => {
    const variables = (
      resource(dev, dev.pipeline.functions.sync).Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    const indexId = id(dev.stack.index.node.findChild('Resource'));
    expect(variables).toEqual({
      DATA_BUCKET: ref(id(dev.stack.data.bucket)),
      KNOWLEDGE_BASE_ID: getAtt(id(dev.stack.knowledgeBase), 'KnowledgeBaseId'),
      DATA_SOURCE_ID: getAtt(id(dev.stack.knowledgeBase.dataSource), 'DataSourceId'),
      AGENT_ID: getAtt(id(agentOf(dev.stack)), 'AgentId'),
      PINECONE_SECRET_ARN: getAtt(indexId, 'SecretArn'),
      PINECONE_INDEX_HOST: getAtt(indexId, 'Host'),
      PINECONE_NAMESPACE: 'dev',
      EMBEDDING_DIMENSIONS: '1024',
      ENV_NAME: 'dev',
      STRICT_VERIFY: 'true',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('keep a large configuration out of the environment (200 field labels synthesize)', () => {
    const fieldLabels = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`campo_${i}`, `Etiqueta número ${i}`]),
    );
    const large = synthesizePipelineStack({ env: 'dev', overrides: { fieldLabels } });
    const transform = large.pipeline.functions.transform;
    expect(JSON.stringify(resource(large, transform).Properties.Environment)).not.toContain('campo_');
    expect((transform.node.scope as WpkbFunction).bundledConfig).toContain(
      '"campo_199":"Etiqueta número 199"',
    );
  });

  it('take their timeouts and log retention from configuration', () => {
    const s = synthesizePipelineStack({
      env: 'dev',
      overrides: { cloud: { pipeline: { extractTimeoutSeconds: 120, logRetentionDays: 90 } } },
    });
    expect(resource(s, s.pipeline.functions.extract).Properties.Timeout).toBe(120);
    expect(resource(s, s.pipeline.functions.transform).Properties.Timeout).toBe(600);
    for (const group of s.pipeline.functions.logGroups) {
      expect(resource(s, group).Properties.RetentionInDays).toBe(90);
    }
    expect(resource(s, s.pipeline.stateMachine.logGroup).Properties.RetentionInDays).toBe(90);
  });

  it('are sized as docs/sizing.md says: transform one full vCPU and 2 GiB of /tmp for its spool', () => {
    const props = (fn: keyof typeof dev.pipeline.functions) =>
      resource(dev, dev.pipeline.functions[fn] as never).Properties;
    expect(props('extract')).toMatchObject({ MemorySize: 512 });
    expect(props('extract')).not.toHaveProperty('EphemeralStorage');
    expect(props('transform')).toMatchObject({ MemorySize: 1769, EphemeralStorage: { Size: 2048 } });
  });
});

describe('pipeline IAM (least privilege)', () => {
  it('extract may only write raw/, read raw/ and state/, and list keys under them and under instant/ (the ledger)', () => {
    expect(ownStatements(dev, 'Extract')).toEqual([
      { Sid: 'WriteRaw', Effect: 'Allow', Action: 's3:PutObject', Resource: objects(dev, 'raw/') },
      {
        Sid: 'ReadRawAndState',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [objects(dev, 'raw/'), objects(dev, 'state/')],
      },
      {
        Sid: 'ListRawAndState',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: bucketArn(dev),
        Condition: { StringLike: { 's3:prefix': ['raw/*', 'state/*', 'instant/*'] } },
      },
    ]);
  });

  it('extract alone reads the WordPress application password secret, when one is configured', () => {
    const variables = (p: PipelineSynth) =>
      (
        resource(p, p.pipeline.functions.extract).Properties.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
    expect(variables(dev)).not.toHaveProperty('WP_APP_PASSWORD_SECRET');
    const s = synthesizePipelineStack({
      env: 'dev',
      overrides: {
        wordpress: { username: 'wpkb-reader' },
        cloud: { wordpressPasswordSecret: 'wpkb/dev/wordpress' },
      },
    });
    expect(variables(s)).toMatchObject({
      WP_APP_PASSWORD_SECRET: 'wpkb/dev/wordpress',
    });
    const read = ownStatements(s, 'Extract').find((st) => st.Sid === 'ReadWordPressPassword');
    expect(read).toMatchObject({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue' });
    expect(JSON.stringify(read?.Resource)).toContain(':secret:wpkb/dev/wordpress-??????');
    for (const fn of ['Transform', 'Sync', 'Guard'] as const) {
      expect(JSON.stringify(ownStatements(s, fn))).not.toContain('wpkb/dev/wordpress');
    }
  });

  it('transform reads raw/, curated/ and the synced data source record, writes its outputs, deletes documents, lists its own prefixes', () => {
    expect(ownStatements(dev, 'Transform')).toEqual([
      {
        Sid: 'ListOwnPrefixes',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: bucketArn(dev),
        Condition: {
          StringLike: {
            's3:prefix': [
              'kb/',
              'curated/',
              'catalog/',
              'exports/',
              'instant/',
              'runs/synced-data-source.json',
              'state/*',
            ],
          },
        },
      },
      {
        // catalog/ and instant/: what instant updates wrote during the run; the data lock.
        Sid: 'ReadInputs',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [
          objects(dev, 'catalog/'),
          objects(dev, 'curated/'),
          objects(dev, 'instant/'),
          lockObject(dev),
          objects(dev, 'raw/'),
          { 'Fn::Join': ['', [bucketArn(dev), '/runs/synced-data-source.json']] },
          objects(dev, 'state/'),
        ],
      },
      {
        Sid: 'WriteOutputs',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: [
          objects(dev, 'catalog/'),
          objects(dev, 'exports/'),
          objects(dev, 'kb/'),
          lockObject(dev),
          objects(dev, 'runs/'),
          objects(dev, 'state/'),
        ],
      },
      {
        Sid: 'DeleteGoneDocuments',
        Effect: 'Allow',
        Action: 's3:DeleteObject',
        Resource: [objects(dev, 'instant/'), objects(dev, 'kb/'), lockObject(dev)],
      },
    ]);
  });

  it('sync may ingest into its knowledge base, prepare its agent, read the Pinecone key and update reports', () => {
    const statements = ownStatements(dev, 'Sync');
    expect(statements).toEqual([
      {
        Sid: 'IngestKnowledgeBase',
        Effect: 'Allow',
        Action: ['bedrock:GetIngestionJob', 'bedrock:ListIngestionJobs', 'bedrock:StartIngestionJob'],
        Resource: getAtt(id(dev.stack.knowledgeBase), 'KnowledgeBaseArn'),
      },
      {
        Sid: 'PrepareAgent',
        Effect: 'Allow',
        Action: ['bedrock:GetAgent', 'bedrock:PrepareAgent'],
        Resource: getAtt(id(agentOf(dev.stack)), 'AgentArn'),
      },
      expect.objectContaining({ Sid: 'ReadPineconeApiKey', Action: 'secretsmanager:GetSecretValue' }),
      {
        Sid: 'UpdateRunReports',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: objects(dev, 'runs/'),
      },
      {
        Sid: 'DataLock',
        Effect: 'Allow',
        Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        Resource: lockObject(dev),
      },
    ]);
    expect(JSON.stringify(statements)).toContain(':secret:wpkb/dev/pinecone-??????');
    // Never an alias or a version: the DRAFT is prepared, the alias moves only with deployments.
    expect(JSON.stringify(statements)).not.toMatch(/AgentAlias|AgentVersion|bedrock:\*/);
  });

  it('sync may also Retrieve from its knowledge base, and only that, when canaries are configured', () => {
    const statements = ownStatements(withCanaries, 'Sync');
    const retrieve = statements.filter((st) => JSON.stringify(st.Action).includes('bedrock:Retrieve'));
    expect(retrieve).toEqual([
      {
        Sid: 'RetrieveForCanaries',
        Effect: 'Allow',
        Action: 'bedrock:Retrieve',
        Resource: getAtt(id(withCanaries.stack.knowledgeBase), 'KnowledgeBaseArn'),
      },
    ]);
    // Everything else as without canaries.
    expect(statements.filter((st) => st.Sid !== 'RetrieveForCanaries').map((st) => st.Sid)).toEqual(
      ownStatements(prod, 'Sync').map((st) => st.Sid),
    );
    expect(JSON.stringify(ownStatements(prod, 'Sync'))).not.toContain('bedrock:Retrieve');
    // The questions travel in the state machine's event, not in the Lambda environment.
    const variables = (s: PipelineSynth) =>
      (
        resource(s, s.pipeline.functions.sync).Properties.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
    expect(variables(withCanaries)).toEqual(variables(prod));
  });

  it('the guard may list the executions of its own state machine only', () => {
    expect(ownStatements(dev, 'Guard')).toEqual([
      {
        Sid: 'ListOwnExecutions',
        Effect: 'Allow',
        Action: 'states:ListExecutions',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              ref('AWS::Partition'),
              ':states:',
              ref('AWS::Region'),
              ':',
              ref('AWS::AccountId'),
              ':stateMachine:wpkb-dev-pipeline',
            ],
          ],
        },
      },
    ]);
    expect(resource(dev, dev.pipeline.stateMachine.stateMachine).Properties.StateMachineName).toBe(
      'wpkb-dev-pipeline',
    );
  });

  it('every function writes only its own logs; traces are the only wildcard', () => {
    for (const [name, fn] of Object.entries(functions(dev))) {
      const logGroup = dev.pipeline.functions.logGroups.find((g) =>
        g.node.path.endsWith(`/Functions/${name}/Logs`),
      );
      const role = resource(dev, dev.pipeline.functions.roleOf(name as 'Extract'));
      const statements = (
        role.Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>
      )[0]?.PolicyDocument.Statement;
      expect(statements).toContainEqual({
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: getAtt(id(logGroup as IConstruct), 'Arn'),
      });
      const wildcards = (statements ?? []).filter((st) => st.Resource === '*');
      expect(wildcards).toEqual([
        {
          Sid: 'WriteTraces',
          Effect: 'Allow',
          Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
          Resource: '*',
        },
      ]);
      expect(resource(dev, fn).Properties.Role).toEqual(
        getAtt(id(dev.pipeline.functions.roleOf(name as 'Extract')), 'Arn'),
      );
    }
    // No policy was attached behind the roles' backs.
    const attached = Object.values(dev.json.Resources).filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        JSON.stringify(r.Properties.Roles).match(/PipelineFunctions(Extract|Transform|Sync|Guard)Role/),
    );
    expect(attached).toEqual([]);
  });

  it('the state machine may invoke the four functions, publish the alert, keep its marker, nothing else', () => {
    const role = dev.pipeline.stateMachine.stateMachine.role;
    const [, policy] =
      Object.entries(dev.json.Resources).find(
        ([, r]) =>
          r.Type === 'AWS::IAM::Policy' &&
          JSON.stringify(r.Properties.Roles) === JSON.stringify([ref(id(role))]),
      ) ?? [];
    if (!policy) throw new Error('no policy for the state machine role');
    const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const fnIds = Object.values(functions(dev))
      .map((fn) => id(fn))
      .sort();
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: [
        ...fnIds.map((f) => getAtt(f, 'Arn')),
        ...fnIds.map((f) => ({ 'Fn::Join': ['', [getAtt(f, 'Arn'), ':*']] })),
      ],
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'sns:Publish',
      Resource: ref(id(dev.stack.alerts.topic)),
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: getAtt(id(dev.stack.alerts.key), 'Arn'),
    });
    // The pending-sync marker: one key, and a listing limited to it.
    const marker = { 'Fn::Join': ['', [bucketArn(dev), '/runs/sync-pending.txt']] };
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['s3:DeleteObject', 's3:PutObject'],
      Resource: marker,
    });
    expect(statements).toContainEqual({
      Sid: 'CheckPendingSync',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucketArn(dev),
      Condition: { StringEquals: { 's3:prefix': 'runs/sync-pending.txt' } },
    });
    // The only "*" resource: log delivery and X-Ray, which have no resource-level permissions.
    for (const st of statements.filter((s) => s.Resource === '*')) {
      for (const action of st.Action as string[]) expect(action).toMatch(/^(logs|xray):/);
    }
    expect(statements).toHaveLength(6);
  });
});

describe('state machine', () => {
  it('is a named Standard state machine with ALL execution logs (with data) and tracing', () => {
    const props = resource(dev, dev.pipeline.stateMachine.stateMachine).Properties;
    expect(props).toMatchObject({
      StateMachineName: 'wpkb-dev-pipeline',
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [
          { CloudWatchLogsLogGroup: { LogGroupArn: getAtt(id(dev.pipeline.stateMachine.logGroup), 'Arn') } },
        ],
      },
    });
    expect(resource(dev, dev.pipeline.stateMachine.logGroup).Properties).toMatchObject({
      LogGroupName: '/aws/vendedlogs/states/wpkb-dev-pipeline',
      RetentionInDays: 30,
    });
  });

  it('times out after the configured minutes (60 by default)', () => {
    const definitionText = (s: PipelineSynth) =>
      JSON.stringify(resource(s, s.pipeline.stateMachine.stateMachine).Properties.DefinitionString);
    expect(definitionText(dev)).toContain('\\"TimeoutSeconds\\":3600');
    const s = synthesizePipelineStack({
      env: 'dev',
      overrides: { cloud: { pipeline: { timeoutMinutes: 90 } } },
    });
    expect(definitionText(s)).toContain('\\"TimeoutSeconds\\":5400');
  });
});

describe('nightly schedule', () => {
  it('starts the state machine with {} on the configured cron, per environment', () => {
    const machine = (s: PipelineSynth) => ref(id(s.pipeline.stateMachine.stateMachine));
    for (const [s, cron] of [
      [dev, 'cron(0 12 ? * MON-FRI *)'],
      [prod, 'cron(0 3 * * ? *)'],
    ] as const) {
      s.template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: cron,
        State: 'ENABLED',
        Targets: [
          Match.objectLike({
            Arn: machine(s),
            Input: '{}',
            RoleArn: Match.anyValue(),
          }),
        ],
      });
    }
    expect(configFor('prod').cloud.schedule).toBe('cron(0 3 * * ? *)');
  });

  it('the rule may start this state machine only', () => {
    const target = (
      resource(dev, dev.pipeline.schedule).Properties.Targets as Array<{ RoleArn: unknown }>
    )[0];
    if (!target) throw new Error('the rule has no target');
    const roleId = (target.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    dev.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [ref(roleId)],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'states:StartExecution',
            Resource: ref(id(dev.pipeline.stateMachine.stateMachine)),
          },
        ],
      },
    });
  });

  it('can be disabled, which also drops the "no success" alarm', () => {
    const s = synthesizePipelineStack({ env: 'prod', overrides: { cloud: { scheduleEnabled: false } } });
    s.template.hasResourceProperties('AWS::Events::Rule', { State: 'DISABLED' });
    expect(s.pipeline.alarms.noSuccess).toBeUndefined();
    const alarmNames = Object.values(s.template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => (a as { Properties: { AlarmName: string } }).Properties.AlarmName,
    );
    expect(alarmNames).toContain('wpkb-prod-pipeline-failed');
    expect(alarmNames).not.toContain('wpkb-prod-pipeline-no-success');
  });

  it('rejects a schedule EventBridge would not accept, naming the key', () => {
    expect(() => configFor('dev', { cloud: { schedule: '0 3 * * *' } })).toThrow(/config key cloud.schedule/);
    expect(configFor('dev', { cloud: { schedule: 'rate(12 hours)' } }).cloud.schedule).toBe('rate(12 hours)');
  });
});

describe('alarms', () => {
  const topic = (s: PipelineSynth) => [ref(id(s.stack.alerts.topic))];
  const stateMachineDimension = (s: PipelineSynth) => [
    { Name: 'StateMachineArn', Value: ref(id(s.pipeline.stateMachine.stateMachine)) },
  ];

  it('failed or timed-out executions alarm at once, to the alert topic', () => {
    const alarm = resource(dev, dev.pipeline.alarms.failed).Properties;
    expect(alarm).toMatchObject({
      AlarmName: 'wpkb-dev-pipeline-failed',
      AlarmActions: topic(dev),
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    const metrics = alarm.Metrics as Array<Record<string, unknown>>;
    expect(metrics.find((m) => m.ReturnData !== false)?.Expression).toBe(
      'FILL(failed, 0) + FILL(timedOut, 0)',
    );
    for (const [metricId, name] of [
      ['failed', 'ExecutionsFailed'],
      ['timedOut', 'ExecutionsTimedOut'],
    ]) {
      expect(metrics.find((m) => m.Id === metricId)?.MetricStat).toEqual({
        Metric: { Namespace: 'AWS/States', MetricName: name, Dimensions: stateMachineDimension(dev) },
        Period: 300,
        Stat: 'Sum',
      });
    }
  });

  it('"no successful run in 26 h": 26 one-hour periods of ExecutionsSucceeded below 1, missing data breaching', () => {
    const alarm = resource(prod, prod.pipeline.alarms.noSuccess as IConstruct).Properties;
    expect(alarm).toMatchObject({
      AlarmName: 'wpkb-prod-pipeline-no-success',
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsSucceeded',
      Dimensions: stateMachineDimension(prod),
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 26,
      DatapointsToAlarm: 26,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
      AlarmActions: topic(prod),
      OKActions: topic(prod),
    });
    // The example dev environment runs Monday to Friday: its alarm waits over a weekend.
    const devAlarm = resource(dev, dev.pipeline.alarms.noSuccess as IConstruct).Properties;
    expect(devAlarm).toMatchObject({ EvaluationPeriods: 74, DatapointsToAlarm: 74 });
    // CloudWatch caps an alarm's evaluation range at 7 days for periods of an hour or more.
    expect((alarm.Period as number) * (alarm.EvaluationPeriods as number)).toBeLessThanOrEqual(7 * 86_400);
  });

  it('"no success" follows cloud.alarms.noSuccessHours, and null turns it off', () => {
    const weekdays = synthesizePipelineStack({
      env: 'dev',
      overrides: { cloud: { alarms: { noSuccessHours: 74 } } },
    });
    expect(resource(weekdays, weekdays.pipeline.alarms.noSuccess as IConstruct).Properties).toMatchObject({
      EvaluationPeriods: 74,
      DatapointsToAlarm: 74,
    });
    const off = synthesizePipelineStack({
      env: 'dev',
      overrides: { cloud: { alarms: { noSuccessHours: null } } },
    });
    expect(off.pipeline.alarms.noSuccess).toBeUndefined();
    expect(() => configFor('dev', { cloud: { alarms: { noSuccessHours: 200 } } })).toThrow(
      /config key cloud.alarms.noSuccessHours/,
    );
  });

  it('documents that failed to ingest alarm on wpkb/IngestionDocumentsFailed for this environment', () => {
    for (const s of [dev, prod]) {
      expect(resource(s, s.pipeline.alarms.documentsFailed).Properties).toMatchObject({
        AlarmName: `wpkb-${s.stack.names.env}-ingestion-documents-failed`,
        Namespace: 'wpkb',
        MetricName: 'IngestionDocumentsFailed',
        Dimensions: [{ Name: 'environment', Value: s.stack.names.env }],
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: topic(s),
      });
    }
  });
});

describe('post-sync canaries', () => {
  const definitionOf = (s: PipelineSynth) =>
    JSON.stringify(resource(s, s.pipeline.stateMachine.stateMachine).Properties.DefinitionString);

  it('run after the pending mark is cleared, with the configured questions in the event', () => {
    const text = definitionOf(withCanaries);
    expect(text).toContain('\\"Clear pending sync\\":{\\"Next\\":\\"Run canaries\\"');
    expect(text).toContain('\\"action\\":\\"canaries\\"');
    expect(text).toContain('¿Dónde está la tienda Fiordo Kids?');
    expect(text).toContain('\\"timeZone\\":\\"America/Santiago\\"');
    expect(definitionOf(prod)).not.toContain('Run canaries');
  });

  it('refuses more canaries than fit in one sync step, naming the key', () => {
    const questions = Array.from({ length: 31 }, (_, i) => ({
      question: `pregunta ${i}`,
      expected: String(i),
    }));
    expect(() => synthesizePipelineStack({ env: 'dev', overrides: { canaries: { questions } } })).toThrow(
      'config key canaries.questions: at most 30 canaries run after a sync (got 31)',
    );
  });

  it('misses alarm on wpkb/CanaryMisses for this environment; no alarm without canaries', () => {
    const alarm = withCanaries.pipeline.alarms.canaryMisses;
    if (!alarm) throw new Error('no canary alarm');
    expect(resource(withCanaries, alarm).Properties).toMatchObject({
      AlarmName: 'wpkb-prod-canary-misses',
      AlarmDescription: expect.stringContaining('docs/operations.md (alarm "canary-misses")'),
      Namespace: 'wpkb',
      MetricName: 'CanaryMisses',
      Dimensions: [{ Name: 'environment', Value: 'prod' }],
      Statistic: 'Sum',
      Period: 3600,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(id(withCanaries.stack.alerts.topic))],
    });
    expect(prod.pipeline.alarms.canaryMisses).toBeUndefined();
    expect(dev.pipeline.alarms.canaryMisses).toBeUndefined();
  });

  it('add no finding for cdk-nag, and the state machine role no permission', () => {
    expect(nagFindings(withCanaries.app)).toEqual([]);
    const policyOf = (s: PipelineSynth) =>
      Object.values(s.json.Resources).find(
        (r) =>
          r.Type === 'AWS::IAM::Policy' &&
          JSON.stringify(r.Properties.Roles) ===
            JSON.stringify([ref(id(s.pipeline.stateMachine.stateMachine.role))]),
      )?.Properties.PolicyDocument;
    expect(policyOf(withCanaries)).toEqual(policyOf(prod));
  });
});

describe('outputs', () => {
  it('give every id needed to operate, and a copy-paste start-execution command', () => {
    for (const name of ['DataBucketName', 'KnowledgeBaseId', 'DataSourceId', 'AgentId', 'AgentAliasId']) {
      dev.template.hasOutput(name, {});
    }
    const machine = ref(id(dev.pipeline.stateMachine.stateMachine));
    dev.template.hasOutput('StateMachineArn', { Value: machine });
    dev.template.hasOutput('StartPipelineCommand', {
      Value: {
        'Fn::Join': [
          '',
          ['aws stepfunctions start-execution --state-machine-arn ', machine, " --input '{}'"],
        ],
      },
    });
  });
});

describe('cdk-nag AwsSolutions with the pipeline', () => {
  it('reports nothing unacknowledged in either environment, nor with a deploy target', () => {
    expect(nagFindings(dev.app)).toEqual([]);
    expect(nagFindings(prod.app)).toEqual([]);
    const targeted = synthesizePipelineStack({
      env: 'prod',
      target: { account: '111111111111', region: 'eu-west-1' },
    });
    expect(nagFindings(targeted.app)).toEqual([]);
  });

  it('acknowledges only specific pipeline findings, each with its reason', () => {
    const acks = acknowledgements(dev.app).filter((a) => a.path.includes('/Pipeline/'));
    for (const ack of acks) {
      expect(ack.reason.length).toBeGreaterThanOrEqual(40);
      if (ack.id.includes('IAM5')) expect(ack.id).toMatch(/IAM5\[(Resource|Action)::.+\]$/);
    }
    const bucket = id(dev.stack.data.bucket);
    const byPath = (suffix: string) =>
      acks
        .filter((a) => a.path.endsWith(suffix))
        .map((a) => a.id.replace(/^\w+::/, ''))
        .sort();
    expect(byPath('/Functions/Extract/Role')).toEqual([
      `AwsSolutions-IAM5[Resource::*]`,
      `AwsSolutions-IAM5[Resource::<${bucket}.Arn>/raw/*]`,
      `AwsSolutions-IAM5[Resource::<${bucket}.Arn>/state/*]`,
    ]);
    expect(byPath('/Functions/Sync/Role')).toEqual([
      `AwsSolutions-IAM5[Resource::*]`,
      `AwsSolutions-IAM5[Resource::<${bucket}.Arn>/runs/*]`,
    ]);
    expect(byPath('/Functions/Guard/Role')).toEqual([`AwsSolutions-IAM5[Resource::*]`]);
    expect(byPath('/Functions/Transform/Role')).toHaveLength(9);
    for (const fn of ['Extract', 'Transform', 'Sync', 'Guard']) {
      expect(byPath(`/Functions/${fn}/Function`)).toEqual(['AwsSolutions-L1']);
    }
    expect(byPath('/StateMachine/StateMachine/Role')).toEqual(
      [
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        'AwsSolutions-IAM5[Resource::*]',
        ...Object.values(functions(dev)).map((fn) => `AwsSolutions-IAM5[Resource::<${id(fn)}.Arn>:*]`),
      ].sort(),
    );
  });
});
