import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MALL_DIRECTORY_SCHEMA } from './agent-synth.js';
import { cdkJson, REPO_ROOT } from './synth.js';

const outdir = mkdtempSync(path.join(tmpdir(), 'wpkb-app-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/**
 * bin/app.ts run the way the CDK CLI runs it (context in CDK_CONTEXT_JSON, output in CDK_OUTDIR, cdk-nag
 * as a validation plugin that fails synthesis on a finding), with bundling skipped to stay fast;
 * cdk-synth.test.ts runs the real `cdk synth` with bundling.
 */
function synthApp(env: string): Promise<{ code: number | null; output: string }> {
  const context = { ...cdkJson.context, env, 'aws:cdk:bundling-stacks': [] };
  const variables: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_') && !key.startsWith('CDK_')) variables[key] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'bin/app.ts'], {
      cwd: REPO_ROOT,
      env: { ...variables, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('the CDK app', () => {
  it('builds the pipeline into the stack (state machine, schedule, alarms, outputs)', async () => {
    const { code, output } = await synthApp('dev');
    expect(code, output).toBe(0);
    const template = JSON.parse(readFileSync(path.join(outdir, 'wpkb-dev.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
      Outputs: Record<string, unknown>;
    };
    const resources = Object.values(template.Resources);
    const named = (type: string, key: string) =>
      resources.filter((r) => r.Type === type).map((r) => r.Properties[key]);
    expect(named('AWS::StepFunctions::StateMachine', 'StateMachineName')).toEqual(['wpkb-dev-pipeline']);
    expect(named('AWS::Events::Rule', 'Name')).toContain('wpkb-dev-nightly');
    expect(named('AWS::CloudWatch::Alarm', 'AlarmName')).toEqual(
      expect.arrayContaining([
        'wpkb-dev-pipeline-failed',
        'wpkb-dev-pipeline-no-success',
        'wpkb-dev-ingestion-documents-failed',
      ]),
    );
    expect(named('AWS::Lambda::Function', 'FunctionName')).toEqual(
      expect.arrayContaining(['wpkb-dev-extract', 'wpkb-dev-transform', 'wpkb-dev-sync', 'wpkb-dev-guard']),
    );
    expect(Object.keys(template.Outputs)).toEqual(
      expect.arrayContaining(['StateMachineArn', 'StartPipelineCommand']),
    );
  }, 120_000);

  it('gives the agent the mall-directory action group from agent-schemas/ and builds the chat endpoint', async () => {
    const { code, output } = await synthApp('prod');
    expect(code, output).toBe(0);
    const template = JSON.parse(readFileSync(path.join(outdir, 'wpkb-prod.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
      Outputs: Record<string, unknown>;
    };
    const resources = Object.values(template.Resources);
    const agent = resources.find((r) => r.Type === 'AWS::Bedrock::Agent');
    expect(agent?.Properties.ActionGroups).toEqual([
      expect.objectContaining({
        ActionGroupName: 'mall-directory',
        ApiSchema: { Payload: MALL_DIRECTORY_SCHEMA },
      }),
    ]);
    const types = resources.map((r) => r.Type);
    expect(types.filter((t) => t === 'AWS::ApiGateway::RestApi')).toHaveLength(1);
    // The reference prod puts WAF in front of the endpoint (cdk.json).
    expect(types.filter((t) => t === 'AWS::WAFv2::WebACLAssociation')).toHaveLength(1);
    expect(Object.keys(template.Outputs)).toEqual(
      expect.arrayContaining(['ChatApiUrl', 'ChatApiKeyId', 'ChatApiKeyCommand', 'AgentAliasId']),
    );
  }, 120_000);
});
