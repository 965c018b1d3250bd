import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { S3Client } from '@aws-sdk/client-s3';
import { createOperationRunner } from '../actions/run-operation.js';
import { freshnessFilter } from '../retrieval/freshness.js';
import { bedrockRetrieve, type Retrieve } from '../retrieval/retriever.js';
import type { Clock } from '../shared/clock.js';
import type { WpkbConfig } from '../shared/config/schema.js';
import type { Log } from '../shared/logger.js';
import type { Storage } from '../storage/port.js';
import { createS3Storage } from '../storage/s3.js';
import type { Assistant } from './assistant.js';
import { converseAssistant, type GuardrailRef } from './converse-engine.js';
import type { AssistantDefinition } from './definition.js';
import { directoryTools } from './directory-tools.js';
import type { HistoryStore } from './history.js';
import { knowledgeBaseTool } from './knowledge-base-tool.js';

export interface KnowledgeBaseEngineDeps {
  /** System prompt and directory tool specs (build-definition.ts), built from the agent's files. */
  definition: AssistantDefinition;
  /** Site (time zone), content types and field labels: what the directory operations read. */
  config: WpkbConfig;
  /** Where `catalog/<type>.json` lives (the data bucket). */
  storage: Storage;
  /** Retrieve on the knowledge base. */
  retrieve: Retrieve;
  history: HistoryStore;
  runtime: Pick<BedrockRuntimeClient, 'send'>;
  modelId: string;
  guardrail?: GuardrailRef;
  maxToolRounds: number;
  maxAnswerTokens: number;
  /** Passages per knowledge base search. */
  retrievalResults: number;
  catalogCheckSeconds?: number;
  maxBodyBytes?: number;
  clock: Clock;
  log: Log;
}

/**
 * The `knowledge-base` engine, wired: the mall-directory operations as Converse tools (through the
 * same operation runner as the action group Lambda), `search_knowledge_base` with the freshness filter
 * of the moment, and the Converse loop. The chat Lambda (DynamoDB history) and `wpkb chat` (history
 * in the process) build it the same way.
 */
export function knowledgeBaseAssistant(deps: KnowledgeBaseEngineDeps): Assistant {
  const { clock, log } = deps;
  const runOperation = createOperationRunner({
    config: deps.config,
    storage: deps.storage,
    clock,
    log,
    ...(deps.catalogCheckSeconds !== undefined ? { catalogCheckSeconds: deps.catalogCheckSeconds } : {}),
    ...(deps.maxBodyBytes !== undefined ? { maxBodyBytes: deps.maxBodyBytes } : {}),
  });
  const tools = [
    ...directoryTools(deps.definition.directoryTools, runOperation),
    knowledgeBaseTool({
      retrieve: deps.retrieve,
      numberOfResults: deps.retrievalResults,
      filter: () => freshnessFilter({ clock, timeZone: deps.config.site.timeZone }),
      description: deps.definition.knowledgeBaseDescription,
      log,
    }),
  ];
  return converseAssistant({
    client: deps.runtime,
    modelId: deps.modelId,
    system: deps.definition.system,
    tools,
    history: deps.history,
    ...(deps.guardrail ? { guardrail: deps.guardrail } : {}),
    maxToolRounds: deps.maxToolRounds,
    maxAnswerTokens: deps.maxAnswerTokens,
    clock,
    log,
  });
}

export interface AwsKnowledgeBaseEngineOptions
  extends Omit<KnowledgeBaseEngineDeps, 'storage' | 'retrieve' | 'runtime'> {
  /** The stack's data bucket (`catalog/`) and knowledge base. */
  dataBucket: string;
  knowledgeBaseId: string;
  /** AWS SDK client settings (region); default: the SDK's own resolution. */
  clientConfig?: { region?: string };
}

/** The engine on AWS: catalogs from S3, Retrieve and Converse through Bedrock's runtime clients. */
export function awsKnowledgeBaseAssistant(options: AwsKnowledgeBaseEngineOptions): Assistant {
  const { dataBucket, knowledgeBaseId, clientConfig = {}, ...deps } = options;
  return knowledgeBaseAssistant({
    ...deps,
    storage: createS3Storage({ bucket: dataBucket, client: new S3Client(clientConfig) }),
    retrieve: bedrockRetrieve({ client: new BedrockAgentRuntimeClient(clientConfig), knowledgeBaseId }),
    runtime: new BedrockRuntimeClient(clientConfig),
  });
}
