import { z } from 'zod';
import { envIssueError } from './env-issue.js';
import { bundledConfigText, lambdaSettings, loadBundledConfig } from './lambda-env.js';
import type { WpkbConfig } from './load.js';

const bedrockId = (what: string) =>
  z.string().regex(/^[0-9a-zA-Z]{10}$/, `must be a ${what} id (10 letters or digits)`);
const seconds = (max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0)
    .max(max, `must be at most ${max}`);

const receiverEnvSchema = z.object({
  WEBHOOK_SECRET: z.string().min(1, 'must name the webhook secret (Secrets Manager name or ARN)'),
  QUEUE_URL: z
    .url({ protocol: /^https$/, error: 'must be the FIFO queue URL' })
    .refine((url) => url.endsWith('.fifo'), {
      message: 'must be a FIFO queue (.fifo)',
    }),
});

export interface ReceiverSettings {
  config: WpkbConfig;
  /** Secrets Manager secret holding the webhook's shared secret. */
  secretId: string;
  queueUrl: string;
}

/**
 * The webhook receiver Lambda's settings, validated once per container: the configuration compiled into
 * the bundle (`configText`, default: this bundle's) and the environment.
 */
export function receiverSettings(
  env: Record<string, string | undefined>,
  configText: string | undefined = bundledConfigText(),
): ReceiverSettings {
  const parsed = receiverEnvSchema.safeParse(env);
  if (!parsed.success) throw envIssueError(parsed.error, env);
  return {
    config: loadBundledConfig(configText),
    secretId: parsed.data.WEBHOOK_SECRET,
    queueUrl: parsed.data.QUEUE_URL,
  };
}

const workerEnvSchema = z.object({
  KNOWLEDGE_BASE_ID: bedrockId('knowledge base'),
  DATA_SOURCE_ID: bedrockId('data source'),
  INDEX_WAIT_SECONDS: seconds(600),
  INGEST_MIN_INTERVAL_MS: seconds(60_000),
  LOCK_TTL_SECONDS: seconds(3600).refine((v) => v >= 60, 'must be at least 60'),
  BUSY_DELAY_SECONDS: seconds(43_200),
  ENV_NAME: z.string().regex(/^[\w.-]{1,64}$/, 'must name the environment (1-64 letters, digits, ". _ -")'),
});

export interface WorkerEnvSettings {
  config: WpkbConfig;
  bucket: string;
  passwordSecret?: string;
  knowledgeBaseId: string;
  dataSourceId: string;
  indexWaitMs: number;
  minIntervalMs: number;
  lockTtlMs: number;
  busyDelaySeconds: number;
  envName: string;
}

/** The webhook worker Lambda's settings (bundled configuration, environment), validated once per container. */
export function workerEnvSettings(
  env: Record<string, string | undefined>,
  configText: string | undefined = bundledConfigText(),
): WorkerEnvSettings {
  const { dataSource: _dataSource, ...base } = lambdaSettings(env, configText);
  const parsed = workerEnvSchema.safeParse(env);
  if (!parsed.success) throw envIssueError(parsed.error, env);
  const e = parsed.data;
  return {
    ...base,
    knowledgeBaseId: e.KNOWLEDGE_BASE_ID,
    dataSourceId: e.DATA_SOURCE_ID,
    indexWaitMs: e.INDEX_WAIT_SECONDS * 1000,
    minIntervalMs: e.INGEST_MIN_INTERVAL_MS,
    lockTtlMs: e.LOCK_TTL_SECONDS * 1000,
    busyDelaySeconds: e.BUSY_DELAY_SECONDS,
    envName: e.ENV_NAME,
  };
}
