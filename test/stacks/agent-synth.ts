import type { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { WpkbStack } from '../../stacks/wpkb-stack.js';
import { type SynthOptions, synthesizeStack } from './synth.js';

export { MALL_DIRECTORY_SCHEMA } from './synth.js';

export type AgentSynthOptions = Omit<SynthOptions, 'instruction' | 'bundling'>;

type Resource = { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>;

export interface AgentSynth {
  app: App;
  stack: WpkbStack;
  template: Template;
  json: { Resources: Record<string, Resource>; Outputs?: Record<string, { Value: unknown }> };
}

/** The whole stack (action groups and chat endpoint included), Lambda bundling skipped. */
export function synthesizeAgentStack(options: AgentSynthOptions = {}): AgentSynth {
  const s = synthesizeStack(options);
  return { ...s, json: s.json as AgentSynth['json'] };
}

export const getAtt = (logicalId: string, attribute: string) => ({ 'Fn::GetAtt': [logicalId, attribute] });

/** Resources of one type, by logical id. */
export function resourcesOf(s: AgentSynth, type: string): Array<[string, Resource]> {
  return Object.entries(s.json.Resources).filter(([, r]) => r.Type === type);
}

/** Every statement of a role's inline policies. */
export function statementsOf(role: Resource): Array<Record<string, unknown>> {
  return (
    (role.Properties.Policies ?? []) as Array<{
      PolicyDocument: { Statement: Array<Record<string, unknown>> };
    }>
  ).flatMap((p) => p.PolicyDocument.Statement);
}

/** Policy resources (AWS::IAM::Policy) attached to a role: none expected, grants are inline. */
export function attachedPolicies(s: AgentSynth, roleLogicalId: string): string[] {
  return resourcesOf(s, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles ?? []).includes(`"${roleLogicalId}"`))
    .map(([id]) => id);
}
