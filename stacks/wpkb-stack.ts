import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { WpkbConfig } from '../functions/core/shared/config/schema.js';
import { ActionGroupInvokePermissions } from './action-groups.js';
import { WpkbAgent } from './agent.js';
import { AlertTopic } from './alert-topic.js';
import type { ChatApiFactory } from './chat-api.js';
import { CuratedKnowledge } from './curated-knowledge.js';
import { DATA_PREFIXES, DataBucket } from './data-bucket.js';
import { AgentGuardrail } from './guardrail.js';
import { KnowledgeBase } from './knowledge-base.js';
import { PineconeIndex } from './pinecone-index.js';
import type { ActionGroupsFactory, PipelineFactory, PipelineResources } from './pipeline-seam.js';
import { type CloudNames, cloudNames } from './settings.js';

export interface WpkbStackProps extends StackProps {
  /** Validated configuration (bin/app.ts loads it once). */
  config: WpkbConfig;
  /** The agent's instruction text (bin/app.ts reads `cloud.agent.instructionFile`). */
  instruction: string;
  /** Directory uploaded to `curated/` (the repository's `knowledge/`). */
  knowledgeDir: string;
  /** The agent's action groups (a later issue). */
  actionGroups?: ActionGroupsFactory;
  /** The ingestion pipeline (a later issue): state machine, functions, schedule, alarms. */
  pipeline?: PipelineFactory;
  /** The chat endpoint (API Gateway → chat Lambda → the agent's alias), built after the agent. */
  chatApi?: ChatApiFactory;
}

/**
 * One environment of wpkb (`wpkb-<env>`): data bucket, Pinecone index, knowledge base + data source,
 * agent + alias (+ guardrail), curated knowledge upload, alert topic — and the pipeline's slot.
 */
export class WpkbStack extends Stack {
  readonly names: CloudNames;
  readonly data: DataBucket;
  readonly index: PineconeIndex;
  readonly knowledgeBase: KnowledgeBase;
  readonly agent: WpkbAgent;
  readonly guardrail?: AgentGuardrail;
  readonly alerts: AlertTopic;
  /** What the pipeline (and anything added later) builds on. */
  readonly resources: PipelineResources;

  constructor(scope: Construct, id: string, props: WpkbStackProps) {
    const {
      config,
      instruction,
      knowledgeDir,
      actionGroups: _a,
      pipeline: _p,
      chatApi: _c,
      ...stackProps
    } = props;
    const names = cloudNames(config);
    super(scope, id, {
      stackName: names.stackName,
      description: `wpkb (${names.env}): WordPress content kept current in an Amazon Bedrock agent's knowledge base`,
      ...stackProps,
    });
    this.names = names;
    const { cloud } = config;
    Tags.of(this).add('project', 'wpkb');
    Tags.of(this).add('environment', names.env);

    this.data = new DataBucket(this, 'Data', cloud.dataBucket);

    this.alerts = new AlertTopic(this, 'Alerts', {
      topicName: `${names.prefix}-alerts`,
      email: cloud.alarmEmail,
    });

    this.index = new PineconeIndex(this, 'PineconeIndex', {
      indexName: names.pineconeIndex,
      dimension: cloud.embedding.dimensions,
      cloud: cloud.pinecone.cloud,
      region: cloud.pinecone.region,
      apiKeySecret: names.pineconeSecret,
      apiKeySecretKmsKeyArn: cloud.pinecone.apiKeySecretKmsKeyArn,
      removalPolicy: cloud.pinecone.removalPolicy,
      sourceMaps: cloud.sourceMaps,
    });

    this.knowledgeBase = new KnowledgeBase(this, 'KnowledgeBase', {
      namePrefix: names.prefix,
      description: cloud.knowledgeBase.description,
      dataBucket: this.data.bucket,
      inclusionPrefix: DATA_PREFIXES.kb,
      embeddingDimensions: cloud.embedding.dimensions,
      pinecone: {
        indexName: names.pineconeIndex,
        connectionString: this.index.connectionString,
        namespace: names.pineconeNamespace,
        textField: cloud.pinecone.textField,
        metadataField: cloud.pinecone.metadataField,
        apiKeySecret: names.pineconeSecret,
        apiKeySecretArn: this.index.secretArn,
        apiKeySecretKmsKeyArn: cloud.pinecone.apiKeySecretKmsKeyArn,
      },
      chunking: cloud.knowledgeBase.chunking,
      dataDeletionPolicy: cloud.knowledgeBase.dataDeletionPolicy,
    });

    new CuratedKnowledge(this, 'CuratedKnowledge', {
      sourceDir: knowledgeDir,
      bucket: this.data.bucket,
      prefix: DATA_PREFIXES.curated,
    });

    if (cloud.guardrail.enabled) {
      this.guardrail = new AgentGuardrail(this, 'Guardrail', {
        name: `${names.prefix}-guardrail`,
        promptAttackStrength: cloud.guardrail.promptAttackStrength,
        deniedTopics: cloud.guardrail.deniedTopics,
        blockedInputMessage: cloud.guardrail.blockedInputMessage,
        blockedOutputMessage: cloud.guardrail.blockedOutputMessage,
      });
    }

    const actionGroups = props.actionGroups?.(this, {
      config,
      names,
      dataBucket: this.data.bucket,
    });

    this.agent = new WpkbAgent(this, 'Agent', {
      agentName: `${names.prefix}-agent`,
      description: cloud.agent.description,
      instruction,
      foundationModel: cloud.agent.foundationModel,
      idleSessionTtlSeconds: cloud.agent.idleSessionTtlSeconds,
      aliasName: cloud.agent.aliasName,
      knowledgeBase: {
        knowledgeBaseId: this.knowledgeBase.knowledgeBaseId,
        knowledgeBaseArn: this.knowledgeBase.knowledgeBaseArn,
        description: cloud.agent.knowledgeBaseDescription,
        fingerprint: this.knowledgeBase.fingerprint,
      },
      guardrail: this.guardrail,
      actionGroups,
    });
    if (actionGroups?.length) {
      // The agent may invoke its action groups' Lambdas (on behalf of this agent only).
      new ActionGroupInvokePermissions(this, 'ActionGroupPermissions', {
        agentArn: this.agent.agentArn,
        actionGroups,
      });
    }

    this.resources = {
      config,
      names,
      dataBucket: this.data.bucket,
      knowledgeBaseId: this.knowledgeBase.knowledgeBaseId,
      knowledgeBaseArn: this.knowledgeBase.knowledgeBaseArn,
      dataSourceId: this.knowledgeBase.dataSourceId,
      agentId: this.agent.agentId,
      agentArn: this.agent.agentArn,
      agentAliasId: this.agent.aliasId,
      agentAliasArn: this.agent.aliasArn,
      alertTopic: this.alerts.topic,
      pinecone: {
        indexName: names.pineconeIndex,
        indexHost: this.index.host,
        namespace: names.pineconeNamespace,
        apiKeySecret: names.pineconeSecret,
        apiKeySecretArn: this.index.secretArn,
        apiKeySecretKmsKeyArn: cloud.pinecone.apiKeySecretKmsKeyArn,
      },
    };

    props.pipeline?.(this, this.resources);
    props.chatApi?.(this, this.resources);

    const outputs: Record<string, [string, string]> = {
      DataBucketName: [
        this.data.bucket.bucketName,
        'Data bucket (raw/, kb/, curated/, catalog/, exports/, runs/)',
      ],
      KnowledgeBaseId: [this.knowledgeBase.knowledgeBaseId, 'Bedrock knowledge base id'],
      DataSourceId: [this.knowledgeBase.dataSourceId, 'Knowledge base data source id (kb/)'],
      AgentId: [this.agent.agentId, 'Bedrock agent id'],
      AgentAliasId: [this.agent.aliasId, 'Agent alias users talk to'],
      AlertTopicArn: [this.alerts.topic.topicArn, 'SNS topic for pipeline alerts'],
      PineconeIndexHost: [this.index.host, 'Pinecone index host'],
      PineconeNamespace: [names.pineconeNamespace, 'Pinecone namespace of this environment'],
    };
    for (const [name, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, name, { value, description });
    }
  }
}
