import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { isTimeZone } from '../validators.js';
import { envIssueError } from './env-issue.js';
import { bundledConfigText, loadBundledConfig } from './lambda-env.js';
import type { WpkbConfig } from './load.js';

const actionsEnvSchema = z.object({
  DATA_BUCKET: z.string().min(3, 'must name the data bucket'),
  CATALOG_CHECK_SECONDS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number of seconds')
    .min(0, 'must be 0 or more')
    .max(3600, 'must be at most 3600')
    .default(60),
  MAX_BODY_BYTES: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number of bytes')
    .min(2000, 'must be at least 2000')
    .max(24_000, 'must be at most 24000 (Bedrock caps action responses near 25 KB)')
    .default(20_000),
});

/** What the action group Lambda needs from its environment (validated once per container). */
export interface ActionsSettings {
  /** Site (time zone), content types (which are events, which places) and field labels. */
  config: WpkbConfig;
  /** The data bucket holding `catalog/<type>.json`. */
  bucket: string;
  /** A loaded catalog is trusted this long before the bucket is listed again for a newer one. */
  catalogCheckSeconds: number;
  /** Response bodies are cut to stay under this size. */
  maxBodyBytes: number;
}

/**
 * Validates the action group Lambda's environment. A bad or missing variable is one ConfigError naming
 * it: `environment CATALOG_CHECK_SECONDS: must be at most 3600`. The time zone must be one Intl knows.
 */
export function actionsSettings(
  env: Record<string, string | undefined>,
  configText: string | undefined = bundledConfigText(),
): ActionsSettings {
  const input = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = actionsEnvSchema.safeParse(input);
  if (!parsed.success) throw envIssueError(parsed.error, input);
  const config = loadBundledConfig(configText);
  if (!isTimeZone(config.site.timeZone)) {
    throw new ConfigError(`config key site.timeZone: unknown time zone "${config.site.timeZone}"`);
  }
  return {
    config,
    bucket: parsed.data.DATA_BUCKET,
    catalogCheckSeconds: parsed.data.CATALOG_CHECK_SECONDS,
    maxBodyBytes: parsed.data.MAX_BODY_BYTES,
  };
}
