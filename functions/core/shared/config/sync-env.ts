import { z } from 'zod';
import { bedrockIdSchema as bedrockId, envFlag } from '../validators.js';
import { envIssueError } from './env-issue.js';

const syncEnvSchema = z.object({
  DATA_BUCKET: z.string().min(3, 'must name the data bucket'),
  KNOWLEDGE_BASE_ID: bedrockId('knowledge base'),
  DATA_SOURCE_ID: bedrockId('data source'),
  /** The agent engine's agent; absent with the knowledge-base engine (no agent steps run). */
  AGENT_ID: bedrockId('agent').optional(),
  PINECONE_SECRET_ARN: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/,
      'must be a Secrets Manager secret ARN',
    ),
  PINECONE_INDEX_HOST: z
    .string()
    .regex(/^(https?:\/\/)?[A-Za-z0-9.-]+(:\d+)?\/?$/, 'must be the Pinecone index host URL'),
  PINECONE_NAMESPACE: z
    .string()
    .regex(/^[\w.-]{0,64}$/, 'must be empty or 1-64 letters, digits, ".", "_" or "-"')
    .default(''),
  EMBEDDING_DIMENSIONS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(20_000, 'must be at most 20000'),
  ENV_NAME: z.string().regex(/^[\w.-]{1,64}$/, 'must name the environment (1-64 letters, digits, ". _ -")'),
  STRICT_VERIFY: envFlag(true),
});

/** What the sync Lambda needs from its environment (validated once per container). */
export interface SyncSettings {
  bucket: string;
  knowledgeBaseId: string;
  dataSourceId: string;
  /** The agent (agent engine); undefined with the knowledge-base engine, which has none. */
  agentId?: string;
  /** Secrets Manager secret holding `{"apiKey": "…"}`. */
  pineconeSecretArn: string;
  /** The index host URL, as given to the knowledge base's `connectionString`. */
  pineconeIndexHost: string;
  /** The knowledge base's namespace; '' means Pinecone's default namespace. */
  pineconeNamespace: string;
  embeddingDimensions: number;
  /** Environment name: the `environment` dimension of the sync metrics. */
  envName: string;
  /**
   * true (default): a failed verification fails the step. false: it is logged, recorded in the run
   * report and returned as `{ok: false, problems}` instead (for an environment being set up).
   */
  strictVerify: boolean;
}

/**
 * Validates the sync Lambda's environment. A bad or missing variable is one ConfigError naming it:
 * `environment KNOWLEDGE_BASE_ID: must be a knowledge base id (10 letters or digits)`.
 */
export function syncSettings(env: Record<string, string | undefined>): SyncSettings {
  const parsed = syncEnvSchema.safeParse(env);
  if (!parsed.success) throw envIssueError(parsed.error, env);
  const e = parsed.data;
  return {
    bucket: e.DATA_BUCKET,
    knowledgeBaseId: e.KNOWLEDGE_BASE_ID,
    dataSourceId: e.DATA_SOURCE_ID,
    ...(e.AGENT_ID ? { agentId: e.AGENT_ID } : {}),
    pineconeSecretArn: e.PINECONE_SECRET_ARN,
    pineconeIndexHost: e.PINECONE_INDEX_HOST,
    pineconeNamespace: e.PINECONE_NAMESPACE,
    embeddingDimensions: e.EMBEDDING_DIMENSIONS,
    envName: e.ENV_NAME,
    strictVerify: e.STRICT_VERIFY,
  };
}
