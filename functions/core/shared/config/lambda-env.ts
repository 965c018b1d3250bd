import { z } from 'zod';
import { envIssueError } from './env-issue.js';
import { loadConfig, type WpkbConfig } from './load.js';

const lambdaEnvSchema = z.object({
  DATA_BUCKET: z.string().min(3, 'must name the data bucket'),
  WPKB_CONFIG: z.string().min(2, 'must hold the JSON configuration'),
  WP_APP_PASSWORD_SECRET: z.string().min(1).optional(),
});

export interface LambdaSettings {
  config: WpkbConfig;
  bucket: string;
  /** Secrets Manager secret with the WordPress application password (extract only, when configured). */
  passwordSecret?: string;
}

/**
 * What a Lambda handler needs from its environment, validated once per container: the stack
 * passes the already-validated configuration as WPKB_CONFIG and the bucket as DATA_BUCKET.
 */
export function lambdaSettings(env: Record<string, string | undefined>): LambdaSettings {
  const parsed = lambdaEnvSchema.safeParse(env);
  if (!parsed.success) throw envIssueError(parsed.error, env);
  return {
    config: loadConfig({ env: { WPKB_CONFIG: parsed.data.WPKB_CONFIG } }),
    bucket: parsed.data.DATA_BUCKET,
    ...(parsed.data.WP_APP_PASSWORD_SECRET ? { passwordSecret: parsed.data.WP_APP_PASSWORD_SECRET } : {}),
  };
}
