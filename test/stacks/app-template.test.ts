import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceMallConfig } from '../../functions/core/shared/config/defaults.js';
import { ACCOUNT, REGION, resolveTokens, stateMachineDefinition } from '../state-machine/harness.js';
import { type AppTemplate, appTemplate } from './app-synth.js';
import { alarmRoutes, evaluate, identityAllows, roleDocuments } from './policy-walk.js';
import { cdkJson } from './synth.js';

/*
 * The templates bin/app.ts synthesizes for dev and prod (cdk.json), checked as a whole.
 *
 * Can every alarm reach people? Walked hop by hop:
 * alarm action → SNS topic → topic policy (CloudWatch may publish for this alarm) → the topic's KMS key
 * policy (CloudWatch may GenerateDataKey / Decrypt for this alarm). And the state machine's own alerts:
 * its role → sns:Publish and the key, with nothing in the resource policies denying it.
 */

const templates: Record<'dev' | 'prod' | 'manyTypes', AppTemplate> = {} as never;

/** 40 content types with long labels, metadata and taxonomies: a large site's configuration. */
function manyContentTypes(): unknown {
  // cdk.json holds only what differs from the embedded defaults: the mall's types come from those.
  const wpkb = cdkJson.context.wpkb as Record<string, unknown>;
  const reference = referenceMallConfig.contentTypes as ReadonlyArray<Record<string, unknown>>;
  const contentTypes = Array.from({ length: 40 }, (_, i) => ({
    ...reference[i % reference.length],
    name: `tipo_de_contenido_${i}`,
    restBase: `tipo_de_contenido_${i}`,
    label: `Tipo de contenido número ${i}`,
    labelPlural: `Tipos de contenido número ${i}`,
  }));
  return { ...wpkb, contentTypes };
}

beforeAll(async () => {
  templates.dev = await appTemplate('dev');
  templates.prod = await appTemplate('prod');
  templates.manyTypes = await appTemplate('prod', { wpkb: manyContentTypes() });
}, 300_000);

/** The alarms of the reference configuration (cdk.json): pipeline and chat endpoint, no canaries. */
const EXPECTED_ALARMS = (env: string) =>
  [
    'chat-5xx',
    'chat-latency',
    // The reference prod has visitor tokens on (cdk.json), and with them the widget route's volume alarm.
    ...(env === 'prod' ? ['chat-visitor-volume'] : []),
    'ingestion-documents-failed',
    'pipeline-failed',
    'pipeline-no-success',
  ].map((name) => `wpkb-${env}-${name}`);

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const ofType = (t: AppTemplate, type: string) =>
  Object.entries(t.Resources).filter(([, r]) => r.Type === type);

describe.each(['dev', 'prod'] as const)('alarm notifications (%s)', (env) => {
  it('every alarm has an action, and every hop to people lets CloudWatch through', () => {
    const routes = alarmRoutes(templates[env].Resources);
    // Not vacuous: exactly the alarms this configuration defines are walked, each with an action.
    expect(routes.map((r) => r.alarm).sort()).toEqual(EXPECTED_ALARMS(env));
    for (const route of routes) {
      expect(route.actions, route.alarm).toBeGreaterThanOrEqual(1);
      expect(route.alarmArn).toBe(`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${route.alarm}`);
    }
    expect(routes.filter((r) => r.problems.length)).toEqual([]);
  });

  it('the CloudWatch statements name exactly these alarms, in this account', () => {
    const [[, policy]] = ofType(templates[env], 'AWS::SNS::TopicPolicy') as [
      [string, AppTemplate['Resources'][string]],
    ];
    const statements = (policy.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> })
      .Statement;
    const allow = statements.find((s) => s.Sid === 'AllowThisStacksAlarmsToPublish');
    expect(allow).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    const condition = allow?.Condition as { ArnEquals?: { 'aws:SourceArn'?: unknown[] } } | undefined;
    const arns = condition?.ArnEquals?.['aws:SourceArn'];
    expect(arns).toHaveLength(EXPECTED_ALARMS(env).length);
    // A wildcard would let any alarm of the account publish.
    expect(JSON.stringify(arns)).not.toContain('*');
  });

  it("the state machine's alerts: its role may publish and use the key; no resource policy denies it", () => {
    const resources = templates[env].Resources;
    const [[, machine]] = ofType(templates[env], 'AWS::StepFunctions::StateMachine') as [
      [string, AppTemplate['Resources'][string]],
    ];
    const roleId = (machine.Properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/${roleId}`;
    const documents = roleDocuments(resources, roleId);
    const [[topicId, topic]] = ofType(templates[env], 'AWS::SNS::Topic') as [
      [string, AppTemplate['Resources'][string]],
    ];
    const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:${String(topic.Properties.TopicName)}`;
    const keyId = (topic.Properties.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`;
    const request = (action: string, resource: string) => ({
      principal: { aws: roleArn },
      action,
      resource,
      context: { 'aws:SecureTransport': true },
    });

    expect(identityAllows(documents, request('sns:Publish', topicArn))).toBe(true);
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      expect(identityAllows(documents, request(action, keyArn)), action).toBe(true);
      // KMS needs the key policy too: the account statement delegates to IAM policies.
      const keyPolicy = resolveTokens(resources[keyId]?.Properties.KeyPolicy, resources);
      expect(
        evaluate(keyPolicy, {
          ...request(action, keyArn),
          principal: { aws: `arn:aws:iam::${ACCOUNT}:root` },
        }).effect,
      ).toBe('allow');
    }
    const [[, topicPolicy]] = ofType(templates[env], 'AWS::SNS::TopicPolicy') as [
      [string, AppTemplate['Resources'][string]],
    ];
    expect(topicPolicy.Properties.Topics).toEqual([{ Ref: topicId }]);
  });
});

describe('the walk itself', () => {
  it('fails every alarm when the topic policy loses the CloudWatch Allow statement', () => {
    const broken = copy(templates.prod);
    for (const [, r] of ofType(broken, 'AWS::SNS::TopicPolicy')) {
      const doc = r.Properties.PolicyDocument as { Statement: Array<{ Sid?: string }> };
      doc.Statement = doc.Statement.filter((s) => s.Sid !== 'AllowThisStacksAlarmsToPublish');
    }
    const routes = alarmRoutes(broken.Resources);
    expect(routes).toHaveLength(EXPECTED_ALARMS('prod').length);
    for (const route of routes) {
      expect(route.problems, route.alarm).toEqual([
        expect.stringMatching(/^topic \w+ policy: sns:Publish is implicit-deny$/),
      ]);
    }
  });

  it("fails every alarm when the key policy loses CloudWatch's grant", () => {
    const broken = copy(templates.prod);
    for (const [, r] of ofType(broken, 'AWS::KMS::Key')) {
      const doc = r.Properties.KeyPolicy as { Statement: Array<{ Sid?: string }> };
      doc.Statement = doc.Statement.filter((s) => s.Sid !== 'AllowThisStacksAlarmsToUseTheKey');
    }
    for (const route of alarmRoutes(broken.Resources)) {
      expect(route.problems, route.alarm).toEqual([
        expect.stringMatching(/kms:GenerateDataKey is implicit-deny/),
        expect.stringMatching(/kms:Decrypt is implicit-deny/),
      ]);
    }
  });

  it('fails an alarm the statements do not name, and an alarm without actions', () => {
    const broken = copy(templates.dev);
    const alarms = ofType(broken, 'AWS::CloudWatch::Alarm');
    const [, renamed] = alarms[0] as [string, AppTemplate['Resources'][string]];
    renamed.Properties.AlarmName = 'someone-elses-alarm';
    const [, silent] = alarms[1] as [string, AppTemplate['Resources'][string]];
    delete silent.Properties.AlarmActions;
    delete silent.Properties.OKActions;
    const routes = alarmRoutes(broken.Resources);
    expect(routes.find((r) => r.alarm === 'someone-elses-alarm')?.problems).toEqual([
      expect.stringMatching(/^topic \w+ policy: sns:Publish is implicit-deny$/),
      expect.stringMatching(/kms:GenerateDataKey is implicit-deny/),
      expect.stringMatching(/kms:Decrypt is implicit-deny/),
    ]);
    expect(routes.find((r) => r.alarm === silent.Properties.AlarmName)?.problems).toEqual([
      'the alarm has no action',
    ]);
  });

  it('a publish over plain HTTP is denied by the TLS-only statement, even for a named alarm', () => {
    const resources = templates.dev.Resources;
    const [[, policy]] = ofType(templates.dev, 'AWS::SNS::TopicPolicy') as [
      [string, AppTemplate['Resources'][string]],
    ];
    const [[, topic]] = ofType(templates.dev, 'AWS::SNS::Topic') as [
      [string, AppTemplate['Resources'][string]],
    ];
    const [route] = alarmRoutes(resources);
    if (!route) throw new Error('no alarm');
    const decision = evaluate(resolveTokens(policy.Properties.PolicyDocument, resources), {
      principal: { service: 'cloudwatch.amazonaws.com' },
      action: 'sns:Publish',
      resource: `arn:aws:sns:${REGION}:${ACCOUNT}:${String(topic.Properties.TopicName)}`,
      context: {
        'aws:SourceAccount': ACCOUNT,
        'aws:SourceArn': route.alarmArn,
        'aws:SecureTransport': false,
      },
    });
    expect(decision.effect).toBe('deny');
  });
});

/** asl-validator (npm) ships no types: its documented call. */
const aslValidator = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errors: Array<{ message: string }>; errorsText: (separator?: string) => string };

describe.each(['dev', 'prod'] as const)('the state machine (%s)', (env) => {
  it('is valid Amazon States Language (asl-validator, paths and ARNs checked)', () => {
    const definition = stateMachineDefinition(templates[env].Resources);
    // The validator annotates what it is given: a copy.
    const result = aslValidator(copy(definition), { checkPaths: true, checkArn: true });
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
    expect(Object.keys(definition.States).length).toBeGreaterThan(20);
  });
});

it('asl-validator refuses a definition with a dangling Next (the check can fail)', () => {
  const definition = copy(stateMachineDefinition(templates.dev.Resources)) as {
    States: Record<string, { Next?: string }>;
  };
  const withNext = Object.values(definition.States).find((st) => st.Next);
  if (!withNext) throw new Error('no state with Next');
  withNext.Next = 'No such state';
  expect(aslValidator(definition).isValid).toBe(false);
});

/** Lambda counts every variable's name and value against 4 KB; 3 KB leaves room for longer real values. */
const ENVIRONMENT_BUDGET = 3 * 1024;

function environmentSizes(template: AppTemplate): Record<string, number> {
  return Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]) => {
        const variables = resolveTokens(
          (r.Properties.Environment as { Variables?: unknown } | undefined)?.Variables ?? {},
          template.Resources,
        ) as Record<string, string>;
        const size = Object.entries(variables).reduce(
          (n, [k, v]) => n + k.length + Buffer.byteLength(String(v)),
          0,
        );
        return [id, size];
      }),
  );
}

describe('function environments', () => {
  it.each(['dev', 'prod', 'manyTypes'] as const)('stay under 3 KB for every function (%s)', (name) => {
    const sizes = environmentSizes(templates[name]);
    // Pipeline (4), chat, action group, Pinecone index handler and provider, curated upload: not vacuous.
    expect(Object.keys(sizes).length).toBeGreaterThanOrEqual(9);
    const over = Object.entries(sizes).filter(([, size]) => size > ENVIRONMENT_BUDGET);
    expect(over).toEqual([]);
  });

  it('do not grow with the configuration: 40 content types leave them as they are with 3', () => {
    const manyTypes = environmentSizes(templates.manyTypes);
    const prod = environmentSizes(templates.prod);
    expect(manyTypes).toEqual(prod);
    // The configuration is nowhere in an environment.
    expect(JSON.stringify(templates.manyTypes.Resources)).not.toContain('Tipo de contenido número 39');
  });

  it('carry --enable-source-maps in dev only (cloud.sourceMaps: false in the reference prod)', () => {
    const nodeOptions = (t: AppTemplate) =>
      Object.values(t.Resources)
        .filter((r) => r.Type === 'AWS::Lambda::Function')
        .map(
          (r) =>
            (r.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
              ?.NODE_OPTIONS,
        );
    const dev = nodeOptions(templates.dev);
    // Ours: 4 pipeline functions, chat, action group, Pinecone index handler (CDK's own functions have none).
    expect(dev.filter((o) => o === '--enable-source-maps')).toHaveLength(7);
    expect(nodeOptions(templates.prod).filter((o) => o !== undefined)).toEqual([]);
  });
});
