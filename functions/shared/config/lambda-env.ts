import { z } from 'zod';
import type { DataSourceRef } from '../../core/sync/synced-data-source.js';
import { ConfigError } from '../errors.js';
import { envIssueError } from './env-issue.js';
import { loadConfig, type WpkbConfig } from './load.js';

/** Bedrock resource ids: ten letters or digits. */
const bedrockId = (what: string) =>
  z.string().regex(/^[0-9a-zA-Z]{10}$/, `must be a ${what} id (10 letters or digits)`);

const lambdaEnvSchema = z.object({
  DATA_BUCKET: z.string().min(3, 'must name the data bucket'),
  WPKB_CONFIG: z.string().min(2, 'must hold the JSON configuration'),
  WP_APP_PASSWORD_SECRET: z.string().min(1).optional(),
  /** Transform only: the deployed knowledge base and data source (a replacement forces a full sync). */
  KNOWLEDGE_BASE_ID: bedrockId('knowledge base').optional(),
  DATA_SOURCE_ID: bedrockId('data source').optional(),
});

export interface LambdaSettings {
  config: WpkbConfig;
  bucket: string;
  /** Secrets Manager secret with the WordPress application password (extract only, when configured). */
  passwordSecret?: string;
  /** The knowledge base and data source `kb/` is ingested into (transform only). */
  dataSource?: DataSourceRef;
}

/**
 * What a Lambda handler needs from its environment, validated once per container: the stack
 * passes the already-validated configuration as WPKB_CONFIG and the bucket as DATA_BUCKET.
 */
export function lambdaSettings(env: Record<string, string | undefined>): LambdaSettings {
  const parsed = lambdaEnvSchema.safeParse(env);
  if (!parsed.success) throw envIssueError(parsed.error, env);
  const { KNOWLEDGE_BASE_ID: knowledgeBaseId, DATA_SOURCE_ID: dataSourceId } = parsed.data;
  if ((knowledgeBaseId === undefined) !== (dataSourceId === undefined)) {
    throw new ConfigError(
      `environment ${knowledgeBaseId === undefined ? 'KNOWLEDGE_BASE_ID' : 'DATA_SOURCE_ID'}: is not set (KNOWLEDGE_BASE_ID and DATA_SOURCE_ID go together)`,
    );
  }
  return {
    config: loadConfig({ env: { WPKB_CONFIG: parsed.data.WPKB_CONFIG } }),
    bucket: parsed.data.DATA_BUCKET,
    ...(parsed.data.WP_APP_PASSWORD_SECRET ? { passwordSecret: parsed.data.WP_APP_PASSWORD_SECRET } : {}),
    ...(knowledgeBaseId && dataSourceId ? { dataSource: { knowledgeBaseId, dataSourceId } } : {}),
  };
}
