import { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { bedrockRetrieve } from '../core/retrieval/retriever.js';
import { type Clock, systemClock } from '../core/shared/clock.js';
import { type SyncSettings, syncSettings } from '../core/shared/config/sync-env.js';
import { InvalidEventError, parseEvent } from '../core/shared/event.js';
import { type Log, logger, powertoolsLog } from '../core/shared/logger.js';
import type { Storage } from '../core/storage/port.js';
import { createS3Storage } from '../core/storage/s3.js';
import { agentStatus, prepareAgent } from '../core/sync/agent.js';
import { runPostSyncCanaries } from '../core/sync/canaries.js';
import { type SyncOutput, syncEventSchema } from '../core/sync/contract.js';
import { ingestionStatus, startIngestion } from '../core/sync/ingestion.js';
import { createEmfMetrics, type MetricSink } from '../core/sync/metrics.js';
import { pineconeIndexStats, secretApiKey } from '../core/sync/pinecone.js';
import { type IndexStatsFn, verifyIndex } from '../core/sync/verify.js';

export type { SyncEvent, SyncOutput } from '../core/sync/contract.js';

export interface SyncHandlerDeps {
  settings: Pick<
    SyncSettings,
    | 'knowledgeBaseId'
    | 'dataSourceId'
    | 'agentId'
    | 'pineconeNamespace'
    | 'embeddingDimensions'
    | 'strictVerify'
  >;
  bedrock: Pick<BedrockAgentClient, 'send'>;
  /** The knowledge base's Retrieve API (bedrock-agent-runtime), for the canaries. */
  runtime: Pick<BedrockAgentRuntimeClient, 'send'>;
  /** Pinecone `describeIndexStats()` of the knowledge base's index. */
  indexStats: IndexStatsFn;
  storage: Storage;
  log: Log;
  clock: Clock;
  metrics: MetricSink;
}

/**
 * The sync step's Lambda: one function, the event's `action` picks the operation (contract.ts).
 * Thin: validates the event and calls ingestion.ts / agent.ts / verify.ts / canaries.ts.
 */
export function makeSyncHandler(deps: SyncHandlerDeps) {
  const { settings } = deps;
  const ingestion = {
    bedrock: deps.bedrock,
    knowledgeBaseId: settings.knowledgeBaseId,
    dataSourceId: settings.dataSourceId,
    storage: deps.storage,
    log: deps.log,
    clock: deps.clock,
    metrics: deps.metrics,
  };
  const agent = () => {
    if (!settings.agentId) {
      throw new InvalidEventError(
        'sync event: action: this stack has no agent (knowledge-base engine); the agent steps do not apply',
      );
    }
    return {
      bedrock: deps.bedrock,
      agentId: settings.agentId,
      storage: deps.storage,
      log: deps.log,
      clock: deps.clock,
    };
  };

  return async (input: unknown): Promise<SyncOutput> => {
    const event = parseEvent(syncEventSchema, input, 'sync event');
    switch (event.action) {
      case 'start':
        return startIngestion(ingestion, event.runId, event.executionId);
      case 'status':
        return ingestionStatus(ingestion, event.runId, event.jobId);
      case 'prepare':
        return prepareAgent(agent());
      case 'agentStatus':
        return agentStatus(agent(), event.runId, event.reprepared);
      case 'verify':
        return verifyIndex(
          {
            indexStats: deps.indexStats,
            namespace: settings.pineconeNamespace,
            embeddingDimensions: settings.embeddingDimensions,
            strict: settings.strictVerify,
            storage: deps.storage,
            log: deps.log,
            clock: deps.clock,
          },
          event.runId,
        );
      case 'canaries':
        return runPostSyncCanaries(
          {
            retrieve: bedrockRetrieve({ client: deps.runtime, knowledgeBaseId: settings.knowledgeBaseId }),
            storage: deps.storage,
            log: deps.log,
            clock: deps.clock,
            metrics: deps.metrics,
          },
          event.runId,
          { questions: event.questions, strict: event.strict, timeZone: event.timeZone },
        );
    }
  };
}

let cached: ReturnType<typeof makeSyncHandler> | undefined;

/** Lambda entry: real clients built once per container; the Pinecone key is read on the first verify. */
export const handler = async (event: unknown): Promise<SyncOutput> => {
  if (!cached) {
    const settings = syncSettings(process.env);
    cached = makeSyncHandler({
      settings,
      bedrock: new BedrockAgentClient({}),
      runtime: new BedrockAgentRuntimeClient({}),
      indexStats: pineconeIndexStats({
        host: settings.pineconeIndexHost,
        apiKey: secretApiKey(new SecretsManagerClient({}), settings.pineconeSecretArn),
      }),
      storage: createS3Storage({ bucket: settings.bucket, client: new S3Client({}) }),
      log: powertoolsLog,
      clock: systemClock,
      metrics: createEmfMetrics(settings.envName),
    });
  }
  const e = event as { action?: unknown; runId?: unknown } | null;
  logger.appendKeys({ action: String(e?.action ?? ''), runId: String(e?.runId ?? '') });
  return cached(event);
};
