import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { assembleExtract, type ExtractResult } from '../core/pipeline/extract-assemble.js';
import { type PlanSummary, planExtract } from '../core/pipeline/extract-plan.js';
import { type BatchResult, readBatch } from '../core/pipeline/extract-read.js';
import { type Clock, systemClock } from '../core/shared/clock.js';
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

const type = z.string().min(1);

/**
 * The three steps of a type's extract, one invocation each (the state machine's item processor):
 * `plan` decides what to read (and lists the type, unless a full read goes by pages); `read` reads one batch
 * of ids or pages; `assemble` merges the batches (and the previous run's unchanged items) into the raw file.
 */
export const extractEventSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('plan'), runId: runIdSchema, type, full: z.boolean().default(false) }),
  z.object({ action: z.literal('read'), runId: runIdSchema, type, batch: z.number().int().min(0) }),
  z.object({
    action: z.literal('assemble'),
    runId: runIdSchema,
    type,
    batches: z.array(
      z.object({
        batch: z.number().int().min(0),
        missing: z.array(z.number().int().min(0)),
        requests: z.number().int().min(0),
        retries: z.number().int().min(0),
        bytes: z.number().int().min(0),
        totals: z.array(z.number().int().min(0)).optional(),
        shifted: z.boolean().optional(),
      }),
    ),
  }),
]);
export type ExtractOutput = PlanSummary | BatchResult | ExtractResult;

export interface ExtractHandlerDeps {
  config: WpkbConfig;
  storage: Storage;
  client: WordPressClient;
  log: Log;
  clock?: Clock;
  /** Reads carry an application password. */
  authenticated?: boolean;
}

export function makeExtractHandler(deps: ExtractHandlerDeps) {
  return async (input: unknown): Promise<ExtractOutput> => {
    const event = parseEvent(extractEventSchema, input, 'extract event');
    const configured = deps.config.contentTypes.find((t) => t.name === event.type);
    if (!configured) throw new ConfigError(`extract event: type "${event.type}" is not configured`);
    logger.appendKeys({ runId: event.runId, type: event.type, action: event.action });
    // Every step resolves the type against the site (discovery is cached by a warm client).
    const [resolution] = await deps.client.resolveTypes([configured]);
    if (!resolution) throw new ConfigError(`extract event: type "${event.type}" could not be resolved`);
    const { type: contentType, warnings } = resolution;
    const { wordpress } = deps.config;
    switch (event.action) {
      case 'plan':
        for (const warning of warnings) deps.log.warn(`warning: ${warning}`, { type: contentType.name });
        return planExtract(
          contentType,
          event.runId,
          { ...deps, clock: deps.clock ?? systemClock },
          {
            full: event.full,
            fullReadEveryDays: wordpress.fullReadEveryDays,
            listChanges: wordpress.listChanges,
            perPage: wordpress.perPage,
            readByPages: wordpress.fullReadByPages,
            batchSize: wordpress.readBatchSize,
            authenticated: deps.authenticated ?? false,
          },
        );
      case 'read':
        return readBatch(contentType, event.runId, event.batch, deps, { perPage: wordpress.perPage });
      case 'assemble':
        return assembleExtract(contentType, event.runId, event.batches, deps, { warnings });
    }
  };
}

let cached: ReturnType<typeof makeExtractHandler> | undefined;

export const handler = async (event: unknown): Promise<ExtractOutput> => {
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
      clock: systemClock,
      authenticated: !!password,
    });
  }
  return cached(event);
};
