#!/usr/bin/env node
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { loadConfig, type WpkbConfig } from '../functions/core/shared/config/load.js';
import { ConfigError } from '../functions/core/shared/errors.js';
import { WpkbStack } from '../stacks/wpkb-stack.js';
import { readAssistantFiles } from './assistant-files.js';
import { contextOverrides } from './cdk-context.js';

/**
 * The CDK app: one stack per environment, `wpkb-<env>`. Configuration is read here, once
 * (`cdk.json` context `wpkb` ← `wpkb.environments.<env>` ← WPKB_* variables ← `-c wpkb.<key>=<value>`);
 * `-c env=prod` picks the environment. Stacks receive typed values and never read context or the
 * process environment.
 */
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

const app = new App();
const envName = app.node.tryGetContext('env') as string | undefined;
let config: WpkbConfig;
try {
  // `-c wpkb.<key path>=<value>` overrides one key for this command (docs/configuration.md).
  const overrides = { ...contextOverrides(app.node.getAllContext()), ...(envName ? { env: envName } : {}) };
  config = loadConfig({ context: app.node.tryGetContext('wpkb'), env: process.env, overrides });
} catch (error) {
  // One line naming the key (a stack trace would bury it): `cdk synth` stops here.
  if (!(error instanceof ConfigError)) throw error;
  console.error(`wpkb: ${error.message}`);
  process.exit(1);
}

// The instruction and the action group's OpenAPI schema: inline in the template (agent engine: a change
// re-prepares the agent), or built into the chat Lambda's code (knowledge-base engine).
const { instruction, openApi: mallDirectorySchema } = readAssistantFiles(REPO_ROOT, config);

new WpkbStack(app, `wpkb-${config.env}`, {
  config,
  instruction,
  knowledgeDir: path.join(REPO_ROOT, 'knowledge'),
  mallDirectorySchema,
  // Environment-agnostic unless the CLI knows the target (credentials present): synth works offline.
  env:
    process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined,
});

// cdk-nag v3 runs as a policy validation plugin: an unacknowledged AwsSolutions finding fails synth.
Validations.of(app).addPlugins(new cdkNag.AwsSolutionsChecks(app, { verbose: true }));
