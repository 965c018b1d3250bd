#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { loadConfig, type WpkbConfig } from '../functions/core/shared/config/load.js';
import { ConfigError } from '../functions/core/shared/errors.js';
import { MALL_DIRECTORY_SCHEMA_FILE } from '../stacks/action-groups.js';
import { WpkbStack } from '../stacks/wpkb-stack.js';

/**
 * The CDK app: one stack per environment, `wpkb-<env>`. Configuration is read here, once
 * (`cdk.json` context `wpkb` ← `wpkb.environments.<env>` ← WPKB_* variables); `-c env=prod` picks the
 * environment. Stacks receive typed values and never read context or the process environment.
 */
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

const app = new App();
const envName = app.node.tryGetContext('env') as string | undefined;
let config: WpkbConfig;
try {
  config = loadConfig({
    context: app.node.tryGetContext('wpkb'),
    env: process.env,
    overrides: envName ? { env: envName } : undefined,
  });
} catch (error) {
  // One line naming the key (a stack trace would bury it): `cdk synth` stops here.
  if (!(error instanceof ConfigError)) throw error;
  console.error(`wpkb: ${error.message}`);
  process.exit(1);
}

const instructionFile = path.resolve(REPO_ROOT, config.cloud.agent.instructionFile);
let instruction: string;
try {
  instruction = readFileSync(instructionFile, 'utf8');
} catch (cause) {
  throw new ConfigError(`config key cloud.agent.instructionFile: cannot read ${instructionFile}`, { cause });
}

// The action group's OpenAPI schema, inline in the template: a schema change re-prepares the agent.
const schemaFile = path.resolve(REPO_ROOT, MALL_DIRECTORY_SCHEMA_FILE);
let mallDirectorySchema: string;
try {
  mallDirectorySchema = readFileSync(schemaFile, 'utf8');
} catch (cause) {
  throw new ConfigError(`action group mall-directory: cannot read its OpenAPI schema ${schemaFile}`, {
    cause,
  });
}

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
