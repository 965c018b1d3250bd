import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Pipeline, pipeline } from '../../stacks/pipeline.js';
import { WpkbStack } from '../../stacks/wpkb-stack.js';
import { cdkJson, configFor, INSTRUCTION, REPO_ROOT } from './synth.js';

export interface PipelineSynthOptions {
  env?: string;
  overrides?: Record<string, unknown>;
  /** Account and region, as the CLI passes them when credentials are present. */
  target?: { account: string; region: string };
  /**
   * Bundle the Lambda code with esbuild (what `cdk synth` does). Off by default: the template is the
   * same but for asset hashes, and bundling five functions costs seconds per synth. The offline
   * `cdk synth` test (cdk-synth.test.ts) bundles the whole app, pipeline included.
   */
  bundling?: boolean;
}

export interface PipelineSynth {
  app: App;
  stack: WpkbStack;
  pipeline: Pipeline;
  template: Template;
  json: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> } & Record<
    string,
    unknown
  >;
}

/** The whole stack with the pipeline, as `cdk synth -c env=<env>` builds it from bin/app.ts. */
export function synthesizePipelineStack(options: PipelineSynthOptions = {}): PipelineSynth {
  const env = options.env ?? 'dev';
  const config = configFor(env, options.overrides);
  const { wpkb: _wpkb, ...flags } = cdkJson.context;
  const app = new App({
    context: options.bundling ? flags : { ...flags, 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new WpkbStack(app, `wpkb-${config.env}`, {
    config,
    instruction: INSTRUCTION,
    knowledgeDir: path.join(REPO_ROOT, 'knowledge'),
    // The factory bin/app.ts passes.
    pipeline,
    env: options.target,
  });
  const built = stack.node.tryFindChild('Pipeline');
  if (!(built instanceof Pipeline)) throw new Error('the stack did not build the pipeline');
  const template = Template.fromStack(stack);
  return { app, stack, pipeline: built, template, json: template.toJSON() as PipelineSynth['json'] };
}
