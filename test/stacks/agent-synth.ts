import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MALL_DIRECTORY_SCHEMA_FILE } from '../../bin/assistant-files.js';
import { actionGroups } from '../../stacks/action-groups.js';
import { chatApi } from '../../stacks/chat-api.js';
import { WpkbStack } from '../../stacks/wpkb-stack.js';
import { cdkJson, configFor, INSTRUCTION, REPO_ROOT } from './synth.js';

export const MALL_DIRECTORY_SCHEMA = readFileSync(path.join(REPO_ROOT, MALL_DIRECTORY_SCHEMA_FILE), 'utf8');

export interface AgentSynthOptions {
  env?: string;
  overrides?: Record<string, unknown>;
  /** The mall-directory OpenAPI text (default: the repository's file). */
  schema?: string;
  /** Account and region, as the CLI passes them when credentials are present. */
  target?: { account: string; region: string };
}

type Resource = { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>;

export interface AgentSynth {
  app: App;
  stack: WpkbStack;
  template: Template;
  json: { Resources: Record<string, Resource>; Outputs?: Record<string, { Value: unknown }> };
}

/**
 * The stack with the action groups and the chat endpoint, built with the factories bin/app.ts passes
 * (the pipeline is left out: it is tested on its own). Lambda bundling is skipped — the template is the
 * same but for asset hashes; cdk-synth.test.ts bundles the whole app.
 */
export function synthesizeAgentStack(options: AgentSynthOptions = {}): AgentSynth {
  const config = configFor(options.env ?? 'dev', options.overrides);
  const { wpkb: _wpkb, ...flags } = cdkJson.context;
  const app = new App({ context: { ...flags, 'aws:cdk:bundling-stacks': [] } });
  const stack = new WpkbStack(app, `wpkb-${config.env}`, {
    config,
    instruction: INSTRUCTION,
    knowledgeDir: path.join(REPO_ROOT, 'knowledge'),
    actionGroups: actionGroups({ mallDirectory: options.schema ?? MALL_DIRECTORY_SCHEMA }),
    chatApi,
    env: options.target,
  });
  const template = Template.fromStack(stack);
  return { app, stack, template, json: template.toJSON() as AgentSynth['json'] };
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
