import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import type { AssistantEngine } from '../functions/core/assistant/assistant.js';
import type { AssistantDefinition } from '../functions/core/assistant/definition.js';
import { assistantDefinitionSchema } from '../functions/core/assistant/definition.js';
import { ASSISTANT_DEFINITION_GLOBAL } from '../functions/core/shared/config/assistant-definition.js';
import type { WpkbConfig } from '../functions/core/shared/config/schema.js';
import { ConfigError } from '../functions/core/shared/errors.js';
import { actionsLambdaConfig } from './action-groups.js';
import { acknowledgeCatalogRead, catalogReadStatements } from './catalog-access.js';
import { ConversationTable } from './conversation-table.js';
import { acknowledgeModelRegions, modelResources } from './model-access.js';

/**
 * What the chat Lambda needs for one assistant engine: its environment, exactly the permissions that
 * engine uses, data built into its code, and the acknowledgements of its role's findings. ChatApi
 * builds the same function and API around either.
 */
export interface ChatAssistant {
  readonly engine: AssistantEngine;
  /** Environment variables of the chat Lambda (functions/shared/config/chat-env.ts reads them). */
  readonly environment: Record<string, string>;
  /** The chat Lambda role's whole grant for this engine (besides its own logs and traces). */
  readonly statements: iam.PolicyStatement[];
  /** esbuild `define` of the chat Lambda (the knowledge-base engine's prompt and tools). */
  readonly define?: Record<string, string>;
  /** Configuration compiled into the chat Lambda (WpkbFunction `bundledConfig`). */
  readonly bundledConfig?: Record<string, unknown>;
  /** What the function's description says it talks to. */
  readonly description: string;
  /** Acknowledges the engine's cdk-nag findings on the chat Lambda's role. */
  acknowledge(role: IConstruct): void;
}

export interface AgentChatAssistantProps {
  agentId: string;
  /** The stable alias users talk to. */
  agentAliasId: string;
  agentAliasArn: string;
  /** The agent's knowledge base: each turn filters its retrieval for freshness (past events hidden). */
  knowledgeBaseId: string;
}

/** The `agent` engine: InvokeAgent on the alias, and nothing else. */
export function agentChatAssistant(props: AgentChatAssistantProps): ChatAssistant {
  return {
    engine: 'agent',
    environment: {
      ASSISTANT_ENGINE: 'agent',
      AGENT_ID: props.agentId,
      AGENT_ALIAS_ID: props.agentAliasId,
      STREAM_FINAL_RESPONSE: 'true',
      KNOWLEDGE_BASE_ID: props.knowledgeBaseId,
    },
    statements: [
      new iam.PolicyStatement({
        sid: 'InvokeAgentAlias',
        actions: ['bedrock:InvokeAgent'],
        resources: [props.agentAliasArn],
      }),
    ],
    description: "one turn with the agent's alias",
    acknowledge: () => {},
  };
}

export interface KnowledgeBaseChatAssistantProps {
  config: WpkbConfig;
  knowledgeBaseId: string;
  knowledgeBaseArn: string;
  /** Where the mall-directory tools read `catalog/`. */
  dataBucket: s3.IBucket;
  /** The guardrail's published version, applied to every Converse call (prod turns it on). */
  guardrail?: { guardrailId: string; guardrailArn: string; versionNumber: string };
  /** System prompt and directory tools, from the agent's instruction file and OpenAPI schema. */
  definition: AssistantDefinition;
}

/**
 * The `knowledge-base` engine (no Bedrock agent): the chat Lambda runs Retrieve + Converse with the
 * mall-directory tools itself (functions/core/assistant/knowledge-base-engine.ts) and keeps
 * conversations in its own DynamoDB table. Its grant is what that takes and no more: Retrieve on this
 * knowledge base, InvokeModel on the configured model (or inference profile and the models it routes
 * to), GetItem/PutItem on the conversation table, read on `catalog/`, and ApplyGuardrail on the
 * guardrail when there is one (Converse's `guardrailConfig` needs it).
 */
export class KnowledgeBaseChatAssistant extends Construct implements ChatAssistant {
  readonly engine = 'knowledge-base' as const;
  readonly conversations: ConversationTable;
  readonly environment: Record<string, string>;
  readonly statements: iam.PolicyStatement[];
  readonly define: Record<string, string>;
  /** What the mall-directory tools read: site, content types, field labels (as the action group's). */
  readonly bundledConfig: Record<string, unknown>;
  readonly description: string;
  /** The definition the chat Lambda's code carries (validated here, at synth). */
  readonly definition: AssistantDefinition;
  readonly modelId: string;
  private readonly dataBucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: KnowledgeBaseChatAssistantProps) {
    super(scope, id);
    const { config, guardrail } = props;
    const settings = config.cloud.assistant;
    this.modelId = config.cloud.agent.foundationModel;
    this.dataBucket = props.dataBucket;

    this.conversations = new ConversationTable(this, 'Conversations', {
      pointInTimeRecovery: settings.historyPointInTimeRecovery,
    });
    const table = this.conversations.table;

    const parsed = assistantDefinitionSchema.safeParse(props.definition);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(
        `knowledge-base engine: the assistant definition is invalid (${issue?.path.join('.')}: ${issue?.message})`,
      );
    }
    this.definition = parsed.data;
    // JSON text, as esbuild's define takes a JSON value: the code sees the text and parses it once.
    this.define = { [ASSISTANT_DEFINITION_GLOBAL]: JSON.stringify(JSON.stringify(this.definition)) };
    this.bundledConfig = actionsLambdaConfig(config);

    this.environment = {
      ASSISTANT_ENGINE: 'knowledge-base',
      KNOWLEDGE_BASE_ID: props.knowledgeBaseId,
      MODEL_ID: this.modelId,
      HISTORY_TABLE: table.tableName,
      DATA_BUCKET: props.dataBucket.bucketName,
      ...(guardrail
        ? { GUARDRAIL_ID: guardrail.guardrailId, GUARDRAIL_VERSION: guardrail.versionNumber }
        : {}),
      HISTORY_TURNS: String(settings.historyTurns),
      SESSION_TTL_SECONDS: String(config.cloud.agent.idleSessionTtlSeconds),
      MAX_TOOL_ROUNDS: String(settings.maxToolRounds),
      RETRIEVAL_RESULTS: String(settings.retrievalResults),
      MAX_ANSWER_TOKENS: String(settings.maxAnswerTokens),
      CATALOG_CHECK_SECONDS: String(config.cloud.actions.catalogCheckSeconds),
      MAX_BODY_BYTES: String(config.cloud.actions.maxBodyBytes),
    };

    this.statements = [
      new iam.PolicyStatement({
        sid: 'RetrieveFromKnowledgeBase',
        actions: ['bedrock:Retrieve'],
        resources: [props.knowledgeBaseArn],
      }),
      new iam.PolicyStatement({
        // Converse is authorized as bedrock:InvokeModel.
        sid: 'ConverseWithModel',
        actions: ['bedrock:InvokeModel'],
        resources: modelResources(this, this.modelId).invoke,
      }),
      new iam.PolicyStatement({
        sid: 'ConversationHistory',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [table.tableArn],
      }),
      ...catalogReadStatements(props.dataBucket),
      ...(guardrail
        ? [
            new iam.PolicyStatement({
              sid: 'ApplyGuardrail',
              actions: ['bedrock:ApplyGuardrail'],
              resources: [guardrail.guardrailArn],
            }),
          ]
        : []),
    ];
    this.description = `Retrieve + Converse (${this.modelId}) with the mall-directory tools, no agent`;
  }

  acknowledge(role: IConstruct): void {
    acknowledgeModelRegions(role, this.modelId);
    acknowledgeCatalogRead(role, this.dataBucket);
  }
}
