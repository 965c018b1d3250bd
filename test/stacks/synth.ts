import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import cdkNag from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { MALL_DIRECTORY_SCHEMA_FILE } from '../../bin/assistant-files.js';
import { loadConfig } from '../../functions/core/shared/config/load.js';
import type { WpkbConfig } from '../../functions/core/shared/config/schema.js';
import type { MallDirectory } from '../../stacks/action-groups.js';
import type { WpkbAgent } from '../../stacks/agent.js';
import { WpkbStack } from '../../stacks/wpkb-stack.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
  app: string;
  watch: { include: string[]; exclude: string[] };
  context: Record<string, unknown> & { wpkb: unknown };
};
export const INSTRUCTION = readFileSync(path.join(REPO_ROOT, 'agent-schemas/instruction.es.md'), 'utf8');
export const MALL_DIRECTORY_SCHEMA = readFileSync(path.join(REPO_ROOT, MALL_DIRECTORY_SCHEMA_FILE), 'utf8');

/** Configuration as bin/app.ts builds it from cdk.json for `-c env=<env>`, plus test overrides. */
export function configFor(env: string, overrides: Record<string, unknown> = {}): WpkbConfig {
  return loadConfig({ context: cdkJson.context.wpkb, overrides: { env, ...overrides } });
}

/** An App carrying cdk.json's context (feature flags), like `cdk synth` does. */
export function newApp(): App {
  const { wpkb: _wpkb, ...flags } = cdkJson.context;
  return new App({ context: flags });
}

export interface Synthesized {
  app: App;
  stack: WpkbStack;
  template: Template;
  json: Record<string, unknown>;
}

export interface SynthOptions {
  env?: string;
  overrides?: Record<string, unknown>;
  instruction?: string;
  /** The mall-directory OpenAPI text (default: the repository's file). */
  schema?: string;
  /** Account and region, as the CLI passes them when credentials are present. */
  target?: { account: string; region: string };
  /**
   * Bundle the Lambda code with esbuild (what `cdk synth` does). Off by default: the template is the
   * same but for asset hashes, and bundling seven functions costs seconds per synth. The offline
   * `cdk synth` test (cdk-synth.test.ts) bundles the whole app.
   */
  bundling?: boolean;
}

/** The whole stack, as `cdk synth -c env=<env>` builds it from bin/app.ts. */
export function synthesizeStack(options: SynthOptions = {}): Synthesized {
  const env = options.env ?? 'dev';
  const config = configFor(env, options.overrides);
  const { wpkb: _wpkb, ...flags } = cdkJson.context;
  const app = new App({
    context: options.bundling ? flags : { ...flags, 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new WpkbStack(app, `wpkb-${config.env}`, {
    config,
    instruction: options.instruction ?? INSTRUCTION,
    knowledgeDir: path.join(REPO_ROOT, 'knowledge'),
    mallDirectorySchema: options.schema ?? MALL_DIRECTORY_SCHEMA,
    env: options.target,
  });
  const template = Template.fromStack(stack);
  return { app, stack, template, json: template.toJSON() };
}

/** A bare stack for testing one construct. */
export function bareStack(): { app: App; stack: Stack } {
  const app = newApp();
  return { app, stack: new Stack(app, 'Test') };
}

/** Unacknowledged AwsSolutions findings: `rule @ construct path`. */
export function nagFindings(scope: IConstruct): string[] {
  const report = new cdkNag.AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`),
  );
}

/** Every acknowledgement recorded in the tree: construct path, finding id, reason. */
export function acknowledgements(scope: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id,
          reason,
        })),
      ),
  );
}

/** The single resource of a type (fails when there are none or several). */
export function only(
  template: Template,
  type: string,
): { logicalId: string; Properties: Record<string, unknown> } {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [logicalId, resource] = found[0] as [string, { Properties: Record<string, unknown> }];
  return { logicalId, Properties: resource.Properties };
}

export const logicalIdOf = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(
    CfnElement.isCfnElement(construct) ? construct : (construct.node.defaultChild as CfnElement),
  );

/** The construct whose path ends with `suffix` (fails when there is none). */
export function find(scope: IConstruct, suffix: string): IConstruct {
  const found = scope.node.findAll().find((c) => c.node.path.endsWith(suffix));
  if (!found) throw new Error(`no construct at …${suffix}`);
  return found;
}

/** The agent of an agent-engine stack (fails for a knowledge-base stack, which has none). */
export function agentOf(stack: WpkbStack): WpkbAgent {
  if (!stack.agent) throw new Error(`${stack.stackName} has no agent (knowledge-base engine)`);
  return stack.agent;
}

/** The mall-directory action group of an agent-engine stack. */
export function mallDirectoryOf(stack: WpkbStack): MallDirectory {
  if (!stack.mallDirectory) throw new Error(`${stack.stackName} has no action group`);
  return stack.mallDirectory;
}
