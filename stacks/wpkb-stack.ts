import { CfnOutput, Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { buildAssistantDefinition } from '../functions/core/assistant/build-definition.js';
import type { WpkbConfig } from '../functions/core/shared/config/schema.js';
import { ActionGroupInvokePermissions, MallDirectory } from './action-groups.js';
import { WpkbAgent } from './agent.js';
import { AlertTopic } from './alert-topic.js';
import { ChatAlarms } from './chat-alarms.js';
import { ChatApi } from './chat-api.js';
import { agentChatAssistant, type ChatAssistant, KnowledgeBaseChatAssistant } from './chat-assistant.js';
import { CuratedKnowledge } from './curated-knowledge.js';
import { DATA_PREFIXES, DataBucket } from './data-bucket.js';
import { AgentGuardrail } from './guardrail.js';
import { InstantUpdateQueue } from './instant-update-queue.js';
import { InstantUpdateWorker, workerTimeout } from './instant-update-worker.js';
import { KnowledgeBase } from './knowledge-base.js';
import { PineconeIndex } from './pinecone-index.js';
import { Pipeline } from './pipeline.js';
import { lambdaConfig } from './pipeline-functions.js';
import { type CloudNames, cloudNames } from './settings.js';
import { WebhookApi } from './webhook-api.js';

export interface WpkbStackProps extends StackProps {
  /** Validated configuration (bin/app.ts loads it once). */
  config: WpkbConfig;
  /**
   * The instruction text (bin/app.ts reads `cloud.agent.instructionFile`): the agent's instruction, or
   * the system prompt of the knowledge-base engine.
   */
  instruction: string;
  /** Directory uploaded to `curated/` (the repository's `knowledge/`). */
  knowledgeDir: string;
  /**
   * The mall-directory action group's OpenAPI schema text (bin/app.ts reads
   * agent-schemas/mall-directory.openapi.yaml): inline in the template, so a schema change re-prepares
   * the agent; with the knowledge-base engine, the source of the Converse tool specifications.
   */
  mallDirectorySchema: string;
}

/**
 * One environment of wpkb (`wpkb-<env>`), in the order the data flows: data bucket and alert topic,
 * Pinecone index, knowledge base + data source, curated knowledge upload; the assistant — by
 * `cloud.assistant.engine`: the agent + alias with its mall-directory action group (`agent`), or nothing
 * but what the chat Lambda needs to answer itself (`knowledge-base`: a conversation table) — and the
 * guardrail where configured; the ingestion pipeline that keeps the knowledge base current (agent steps
 * for the agent engine only); the chat endpoint (unless `cloud.chat.enabled` is false); instant updates
 * from the WordPress plugin when `cloud.instantUpdates.enabled` (webhook → FIFO queue → worker → direct
 * ingestion).
 */
export class WpkbStack extends Stack {
  readonly names: CloudNames;
  readonly data: DataBucket;
  readonly index: PineconeIndex;
  readonly knowledgeBase: KnowledgeBase;
  /** Agent engine: the agent, its alias and role. */
  readonly agent?: WpkbAgent;
  /** Agent engine: the mall-directory action group and its Lambda. */
  readonly mallDirectory?: MallDirectory;
  /** Knowledge-base engine: the chat Lambda's engine (conversation table, grant, bundled definition). */
  readonly knowledgeBaseAssistant?: KnowledgeBaseChatAssistant;
  readonly guardrail?: AgentGuardrail;
  readonly alerts: AlertTopic;
  readonly pipeline: Pipeline;
  readonly chat?: ChatApi;
  readonly instantUpdates?: { webhook: WebhookApi; queue: InstantUpdateQueue; worker: InstantUpdateWorker };

  constructor(scope: Construct, id: string, props: WpkbStackProps) {
    const { config, instruction, knowledgeDir, mallDirectorySchema, ...stackProps } = props;
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

    let chatAssistant: ChatAssistant;
    if (cloud.assistant.engine === 'agent') {
      this.mallDirectory = new MallDirectory(this, 'MallDirectory', {
        config,
        names,
        dataBucket: this.data.bucket,
        schema: mallDirectorySchema,
      });
      const actionGroups = [this.mallDirectory.actionGroup];

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
      // The agent may invoke its action groups' Lambdas (on behalf of this agent only).
      new ActionGroupInvokePermissions(this, 'ActionGroupPermissions', {
        agentArn: this.agent.agentArn,
        actionGroups,
      });
      chatAssistant = agentChatAssistant({
        agentId: this.agent.agentId,
        agentAliasId: this.agent.aliasId,
        agentAliasArn: this.agent.aliasArn,
        knowledgeBaseId: this.knowledgeBase.knowledgeBaseId,
      });
    } else {
      // No agent in this account (Agents Classic takes no new customers): the chat Lambda answers.
      this.knowledgeBaseAssistant = new KnowledgeBaseChatAssistant(this, 'Assistant', {
        config,
        knowledgeBaseId: this.knowledgeBase.knowledgeBaseId,
        knowledgeBaseArn: this.knowledgeBase.knowledgeBaseArn,
        dataBucket: this.data.bucket,
        ...(this.guardrail ? { guardrail: this.guardrail } : {}),
        definition: buildAssistantDefinition({
          instruction,
          openApi: mallDirectorySchema,
          knowledgeBaseDescription: cloud.agent.knowledgeBaseDescription,
        }),
      });
      chatAssistant = this.knowledgeBaseAssistant;
    }

    this.pipeline = new Pipeline(this, 'Pipeline', {
      config,
      names,
      dataBucket: this.data.bucket,
      knowledgeBaseId: this.knowledgeBase.knowledgeBaseId,
      knowledgeBaseArn: this.knowledgeBase.knowledgeBaseArn,
      dataSourceId: this.knowledgeBase.dataSourceId,
      ...(this.agent ? { agent: { agentId: this.agent.agentId, agentArn: this.agent.agentArn } } : {}),
      alertTopic: this.alerts.topic,
      pinecone: {
        indexName: names.pineconeIndex,
        indexHost: this.index.host,
        namespace: names.pineconeNamespace,
        apiKeySecret: names.pineconeSecret,
        apiKeySecretArn: this.index.secretArn,
        apiKeySecretKmsKeyArn: cloud.pinecone.apiKeySecretKmsKeyArn,
      },
    });

    if (cloud.chat.enabled) {
      const visitorTokens = cloud.chat.visitorTokens;
      this.chat = new ChatApi(this, 'ChatApi', {
        settings: cloud.chat,
        ...(visitorTokens.enabled && {
          visitorTokens: {
            secret: names.siteSecret,
            ...(visitorTokens.secretKmsKeyArn && { secretKmsKeyArn: visitorTokens.secretKmsKeyArn }),
            site: visitorTokens.site ?? config.site.url,
            throttle: visitorTokens.throttle,
          },
        }),
        namePrefix: names.prefix,
        env: names.env,
        assistant: chatAssistant,
        siteTimeZone: config.site.timeZone,
        sourceMaps: cloud.sourceMaps,
      });
      new ChatAlarms(this, 'ChatAlarms', {
        namePrefix: names.prefix,
        api: this.chat.api,
        topic: this.alerts.topic,
        ...(this.chat.visitorMethod &&
          visitorTokens.alarmRequestsPerHour !== null && {
            visitorRequests: {
              method: this.chat.visitorMethod,
              stage: this.chat.api.deploymentStage,
              perHour: visitorTokens.alarmRequestsPerHour,
            },
          }),
      });
    }

    if (cloud.instantUpdates.enabled) {
      const settings = cloud.instantUpdates;
      const bundledConfig = lambdaConfig(config);
      const queue = new InstantUpdateQueue(this, 'InstantUpdateQueue', {
        namePrefix: names.prefix,
        // Beyond the worker's timeout, so a hint is never handed to a second worker while the first runs.
        visibilityTimeout: workerTimeout(settings).plus(Duration.minutes(1)),
        maxReceiveCount: settings.maxReceiveCount,
        alertTopic: this.alerts.topic,
      });
      const webhook = new WebhookApi(this, 'WebhookApi', {
        settings,
        namePrefix: names.prefix,
        env: names.env,
        secret: names.webhookSecret,
        // The site's shared secret unless instant updates name their own: then its KMS key goes with it.
        secretKmsKeyArn:
          settings.secretKmsKeyArn ??
          (settings.secret ? undefined : cloud.chat.visitorTokens.secretKmsKeyArn),
        queue: queue.queue,
        bundledConfig,
        sourceMaps: cloud.sourceMaps,
        // One API Gateway logs role per account and region: the chat endpoint's, when there is one.
        cloudWatchRole: !this.chat && cloud.chat.cloudWatchRole,
      });
      const worker = new InstantUpdateWorker(this, 'InstantUpdateWorker', {
        settings,
        namePrefix: names.prefix,
        env: names.env,
        queue: queue.queue,
        dataBucket: this.data.bucket,
        knowledgeBaseId: this.knowledgeBase.knowledgeBaseId,
        knowledgeBaseArn: this.knowledgeBase.knowledgeBaseArn,
        dataSourceId: this.knowledgeBase.dataSourceId,
        bundledConfig,
        sourceMaps: cloud.sourceMaps,
        ...(cloud.wordpressPasswordSecret ? { wordpressPasswordSecret: cloud.wordpressPasswordSecret } : {}),
        alertTopic: this.alerts.topic,
      });
      this.instantUpdates = { webhook, queue, worker };
    }

    const outputs: Record<string, [string, string]> = {
      DataBucketName: [
        this.data.bucket.bucketName,
        'Data bucket (raw/, kb/, curated/, catalog/, exports/, runs/)',
      ],
      KnowledgeBaseId: [this.knowledgeBase.knowledgeBaseId, 'Bedrock knowledge base id'],
      DataSourceId: [this.knowledgeBase.dataSourceId, 'Knowledge base data source id (kb/)'],
      AssistantEngine: [cloud.assistant.engine, 'Which assistant answers the chat: agent or knowledge-base'],
      ...(this.agent && {
        AgentId: [this.agent.agentId, 'Bedrock agent id'],
        AgentAliasId: [this.agent.aliasId, 'Agent alias users talk to'],
      }),
      ...(this.knowledgeBaseAssistant && {
        AssistantModelId: [
          this.knowledgeBaseAssistant.modelId,
          'Model or inference profile the chat Lambda converses with',
        ],
        ConversationTableName: [
          this.knowledgeBaseAssistant.conversations.table.tableName,
          'DynamoDB table of the chat conversations (TTL attribute expiresAt)',
        ],
      }),
      ...(this.guardrail && {
        GuardrailId: [this.guardrail.guardrailId, 'Guardrail applied to the assistant'],
        GuardrailVersion: [this.guardrail.versionNumber, 'Guardrail version applied to the assistant'],
      }),
      AlertTopicArn: [this.alerts.topic.topicArn, 'SNS topic for pipeline alerts'],
      PineconeIndexHost: [this.index.host, 'Pinecone index host'],
      PineconeNamespace: [names.pineconeNamespace, 'Pinecone namespace of this environment'],
      ...(this.chat && {
        ChatApiUrl: [
          this.chat.url,
          'Chat endpoint: POST {"message": "…", "sessionId": "…"} with header x-api-key',
        ],
        ChatApiKeyId: [
          this.chat.apiKey.keyId,
          'API key id of the chat endpoint (its value: see ChatApiKeyCommand)',
        ],
        ...(this.chat.visitorUrl && {
          ChatVisitorUrl: [
            this.chat.visitorUrl,
            "Chat endpoint for the widget (the plugin's chat endpoint URL): POST with Authorization: Bearer <visitor token>",
          ],
        }),
        ChatApiKeyCommand: [
          `aws apigateway get-api-key --api-key ${this.chat.apiKey.keyId} --include-value --query value --output text`,
          'Prints the chat endpoint API key value',
        ],
      }),
      ...(this.instantUpdates && {
        WebhookUrl: [
          this.instantUpdates.webhook.url,
          "The WordPress plugin's endpoint (WPKB_ENDPOINT): signed POST of change notifications",
        ],
        InstantUpdatesDeadLetterQueue: [
          this.instantUpdates.queue.deadLetterQueue.queueUrl,
          'Instant updates that failed every retry (inspect, then purge or redrive)',
        ],
      }),
    };
    for (const [name, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, name, { value, description });
    }
  }
}
