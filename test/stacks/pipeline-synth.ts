import type { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { Pipeline } from '../../stacks/pipeline.js';
import type { WpkbStack } from '../../stacks/wpkb-stack.js';
import { type SynthOptions, synthesizeStack } from './synth.js';

export type PipelineSynthOptions = Omit<SynthOptions, 'instruction' | 'schema'>;

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

/** The whole stack, as `cdk synth -c env=<env>` builds it, with its pipeline at hand. */
export function synthesizePipelineStack(options: PipelineSynthOptions = {}): PipelineSynth {
  const s = synthesizeStack(options);
  return { ...s, pipeline: s.stack.pipeline, json: s.json as PipelineSynth['json'] };
}
