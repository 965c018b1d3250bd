import type { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { WpkbConfig } from '../../functions/core/shared/config/schema.js';
import { Pipeline } from '../../stacks/pipeline.js';
import { cloudNames } from '../../stacks/settings.js';
import type { WpkbStack } from '../../stacks/wpkb-stack.js';
import { bareStack, type SynthOptions, synthesizeStack } from './synth.js';

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

/**
 * The Pipeline construct alone on a bare stack, for the checks that belong to it: its bucket and topic
 * are plain ones, the knowledge base, agent and index are fixed strings.
 */
export function buildPipeline(config: WpkbConfig): Pipeline {
  const { stack } = bareStack();
  const names = cloudNames(config);
  return new Pipeline(stack, 'Pipeline', {
    config,
    names,
    dataBucket: new s3.Bucket(stack, 'Data'),
    alertTopic: new sns.Topic(stack, 'Alerts'),
    knowledgeBaseId: 'KB12345678',
    knowledgeBaseArn: 'arn:aws:bedrock:us-east-1:000000000000:knowledge-base/KB12345678',
    dataSourceId: 'DS12345678',
    agentId: 'AG12345678',
    agentArn: 'arn:aws:bedrock:us-east-1:000000000000:agent/AG12345678',
    pinecone: {
      indexName: names.pineconeIndex,
      indexHost: 'wpkb-dev-abc1234.svc.aped-4627-b74a.pinecone.io',
      namespace: names.pineconeNamespace,
      apiKeySecret: names.pineconeSecret,
      apiKeySecretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:wpkb/dev/pinecone-AbCdEf',
    },
  });
}
