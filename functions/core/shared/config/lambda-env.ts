import { z } from 'zod';
import type { DataSourceRef } from '../../sync/synced-data-source.js';
import { ConfigError } from '../errors.js';
import { envIssueError } from './env-issue.js';
import { loadConfig, type WpkbConfig } from './load.js';

/**
 * The global esbuild replaces with the configuration's JSON text when it bundles a Lambda
 * (stacks/wpkb-function.ts `bundledConfig`): the configuration ships inside the code, not in the
 * environment, whose 4 KB a site with many content types would exceed.
 */
export const BUNDLED_CONFIG_GLOBAL = 'WPKB_BUNDLED_CONFIG';
declare const WPKB_BUNDLED_CONFIG: string | undefined;

/** The configuration compiled into this bundle; undefined outside a bundle (tests, tsx). */
export function bundledConfigText(): string | undefined {
  return typeof WPKB_BUNDLED_CONFIG === 'string' ? WPKB_BUNDLED_CONFIG : undefined;
}

/** The bundled configuration, validated: a bundle built without one is a ConfigError. */
export function loadBundledConfig(configText: string | undefined): WpkbConfig {
  if (configText === undefined) {
    throw new ConfigError(
      `config: this Lambda bundle carries no configuration (${BUNDLED_CONFIG_GLOBAL}); deploy it with cdk deploy, which compiles it in`,
    );
  }
  return loadConfig({ env: { WPKB_CONFIG: configText } });
}

/** Bedrock resource ids: ten letters or digits. */
const bedrockId = (what: string) =>
  z.string().regex(/^[0-9a-zA-Z]{10}$/, `must be a ${what} id (10 letters or digits)`);

const lambdaEnvSchema = z.object({
  DATA_BUCKET: z.string().min(3, 'must name the data bucket'),
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
 * What the extract and transform Lambdas need, validated once per container: the configuration compiled
 * into the bundle (`configText`, default: this bundle's) and the bucket (DATA_BUCKET) from the environment.
 */
export function lambdaSettings(
  env: Record<string, string | undefined>,
  configText: string | undefined = bundledConfigText(),
): LambdaSettings {
  const parsed = lambdaEnvSchema.safeParse(env);
  if (!parsed.success) throw envIssueError(parsed.error, env);
  const { KNOWLEDGE_BASE_ID: knowledgeBaseId, DATA_SOURCE_ID: dataSourceId } = parsed.data;
  if ((knowledgeBaseId === undefined) !== (dataSourceId === undefined)) {
    throw new ConfigError(
      `environment ${knowledgeBaseId === undefined ? 'KNOWLEDGE_BASE_ID' : 'DATA_SOURCE_ID'}: is not set (KNOWLEDGE_BASE_ID and DATA_SOURCE_ID go together)`,
    );
  }
  return {
    config: loadBundledConfig(configText),
    bucket: parsed.data.DATA_BUCKET,
    ...(parsed.data.WP_APP_PASSWORD_SECRET ? { passwordSecret: parsed.data.WP_APP_PASSWORD_SECRET } : {}),
    ...(knowledgeBaseId && dataSourceId ? { dataSource: { knowledgeBaseId, dataSourceId } } : {}),
  };
}
