import type * as bedrock from 'aws-cdk-lib/aws-bedrock';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { WpkbConfig } from '../functions/core/shared/config/schema.js';
import type { CloudNames } from './settings.js';

/**
 * What the main stack hands to the pipeline (state machine, Lambda functions, schedule) and to the
 * agent's action groups, which later issues add. Everything here is already created; consumers grant
 * themselves access (`dataBucket.grantReadWrite(fn)`, `alertTopic.grantPublish(role)`, …).
 */
export interface PipelineResources {
  config: WpkbConfig;
  names: CloudNames;
  dataBucket: s3.IBucket;
  knowledgeBaseId: string;
  knowledgeBaseArn: string;
  dataSourceId: string;
  agentId: string;
  agentArn: string;
  agentAliasId: string;
  agentAliasArn: string;
  alertTopic: sns.ITopic;
  pinecone: {
    indexName: string;
    /** Bare host of the index (deploy-time value). */
    indexHost: string;
    namespace: string;
    /**
     * Secret name or ARN as configured (grant reading it with `secretReadStatements(scope, apiKeySecret,
     * apiKeySecretKmsKeyArn)` from pinecone-index.ts); its complete ARN, a deploy-time value, below.
     */
    apiKeySecret: string;
    apiKeySecretArn: string;
    apiKeySecretKmsKeyArn?: string;
  };
}

/** Builds the pipeline inside the main stack (scope = the stack). */
export type PipelineFactory = (scope: Construct, resources: PipelineResources) => void;

/** What action groups may use: they are created before the agent, so only the data side is available. */
export interface ActionGroupResources {
  config: WpkbConfig;
  names: CloudNames;
  dataBucket: s3.IBucket;
}

/**
 * Builds the agent's action groups (Lambda executors, OpenAPI schemas). Their definitions feed both the
 * agent and the hash that moves the alias to a new version.
 */
export type ActionGroupsFactory = (
  scope: Construct,
  resources: ActionGroupResources,
) => bedrock.CfnAgent.AgentActionGroupProperty[];
