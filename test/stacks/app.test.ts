import { describe, expect, it } from 'vitest';
import { MALL_DIRECTORY_SCHEMA } from './agent-synth.js';
import { synthApp } from './app-synth.js';

describe('the CDK app', () => {
  it('builds the pipeline into the stack (state machine, schedule, alarms, outputs)', async () => {
    const { code, output, template } = await synthApp('dev');
    expect(code, output).toBe(0);
    if (!template) throw new Error('no template');
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
    const { code, output, template } = await synthApp('prod');
    expect(code, output).toBe(0);
    if (!template) throw new Error('no template');
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
