import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { type ExtractResult, extractType } from '../core/pipeline/extract.js';
import { lambdaSettings } from '../core/shared/config/lambda-env.js';
import type { WpkbConfig } from '../core/shared/config/schema.js';
import { ConfigError } from '../core/shared/errors.js';
import { parseEvent } from '../core/shared/event.js';
import { type Log, logger, powertoolsLog } from '../core/shared/logger.js';
import { runIdSchema } from '../core/shared/validators.js';
import type { Storage } from '../core/storage/port.js';
import { createS3Storage } from '../core/storage/s3.js';
import { createWordPressClient, type WordPressClient } from '../core/wordpress/client.js';
import { applicationPassword } from '../core/wordpress/password.js';

export const extractEventSchema = z.object({
  runId: runIdSchema,
  type: z.string().min(1),
});

export interface ExtractHandlerDeps {
  config: WpkbConfig;
  storage: Storage;
  client: Pick<WordPressClient, 'resolveTypes' | 'fetchAll' | 'fetchTerms'>;
  log: Log;
}

/** One content type per invocation (the state machine's Map runs one per type). */
export function makeExtractHandler(deps: ExtractHandlerDeps) {
  return async (input: unknown): Promise<ExtractResult> => {
    const { runId, type: name } = parseEvent(extractEventSchema, input, 'extract event');
    const type = deps.config.contentTypes.find((t) => t.name === name);
    if (!type) throw new ConfigError(`extract event: type "${name}" is not configured`);
    logger.appendKeys({ runId, type: name });
    const [resolution] = await deps.client.resolveTypes([type]);
    if (!resolution) throw new ConfigError(`extract event: type "${name}" could not be resolved`);
    return extractType(resolution, runId, deps);
  };
}

let cached: ReturnType<typeof makeExtractHandler> | undefined;

export const handler = async (event: unknown): Promise<ExtractResult> => {
  if (!cached) {
    const { config, bucket, passwordSecret } = lambdaSettings(process.env);
    const password = passwordSecret
      ? await applicationPassword(new SecretsManagerClient({}), passwordSecret)
      : undefined;
    cached = makeExtractHandler({
      config,
      storage: createS3Storage({ bucket, client: new S3Client({}) }),
      client: createWordPressClient(
        { ...config.wordpress, siteUrl: config.site.url, ...(password ? { password } : {}) },
        { log: powertoolsLog },
      ),
      log: powertoolsLog,
    });
  }
  return cached(event);
};
