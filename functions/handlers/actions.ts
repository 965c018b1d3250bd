import { S3Client } from '@aws-sdk/client-s3';
import {
  type ActionResponse,
  actionEventSchema,
  actionResponse,
  echoOf,
  paramsOf,
} from '../core/actions/bedrock.js';
import { type CatalogCache, CatalogError, createCatalogCache } from '../core/actions/catalog.js';
import { type ActionContext, DataUnavailableError } from '../core/actions/context.js';
import { findOperation, OPERATIONS } from '../core/actions/operations.js';
import { ParamError } from '../core/actions/params.js';
import { type Clock, systemClock } from '../core/shared/clock.js';
import { actionsSettings } from '../core/shared/config/actions-env.js';
import type { WpkbConfig } from '../core/shared/config/schema.js';
import { oneLine } from '../core/shared/errors.js';
import { type Log, powertoolsLog } from '../core/shared/logger.js';
import type { Storage } from '../core/storage/port.js';
import { createS3Storage } from '../core/storage/s3.js';

export type { ActionEvent, ActionResponse } from '../core/actions/bedrock.js';

export interface ActionHandlerDeps {
  config: WpkbConfig;
  /** Where `catalog/<type>.json` lives (the data bucket, or a local directory). */
  storage: Storage;
  clock: Clock;
  log: Log;
  /** Seconds a loaded catalog is trusted before checking the store for a newer one (0: every call). */
  catalogCheckSeconds?: number;
  /** Response bodies stay under this size (Bedrock's limit is about 25 KB). */
  maxBodyBytes?: number;
  /** A shared cache (tests); by default one is created per handler. */
  catalogs?: CatalogCache;
}

export const DEFAULT_MAX_BODY_BYTES = 20_000;

const operationList = OPERATIONS.map((o) => `${o.method} ${o.path}`);

/**
 * The "mall directory" action group Lambda. Always answers in Bedrock's response shape, never throws:
 * a bad parameter is a 400 whose body says which and what a good value looks like, an unknown path
 * 404, missing catalogs 503, anything else 500 — each a JSON body the model can act on.
 */
export function makeActionHandler(deps: ActionHandlerDeps): (input: unknown) => Promise<ActionResponse> {
  const catalogs =
    deps.catalogs ??
    createCatalogCache({
      storage: deps.storage,
      clock: deps.clock,
      log: deps.log,
      checkIntervalMs: (deps.catalogCheckSeconds ?? 60) * 1000,
    });
  const ctx: ActionContext = {
    config: deps.config,
    catalogs,
    clock: deps.clock,
    maxBodyBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  };
  const { log } = deps;

  return async (input) => {
    const echo = echoOf(input);
    const started = Date.now();
    const answer = (status: number, body: unknown, extra: Record<string, unknown> = {}) => {
      log.info('action answered', {
        apiPath: echo.apiPath,
        httpMethod: echo.httpMethod,
        status,
        durationMs: Date.now() - started,
        ...extra,
      });
      return actionResponse(echo, status, body);
    };
    try {
      const parsed = actionEventSchema.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return answer(400, {
          error: 'invalid_event',
          message: `The request is not an action group event (${issue?.path.join('.') || '(root)'}: ${issue?.message}).`,
        });
      }
      const event = parsed.data;
      const operation = findOperation(event.httpMethod, event.apiPath);
      if (!operation) {
        const pathKnown = OPERATIONS.some((o) => o.path === event.apiPath);
        return answer(pathKnown ? 405 : 404, {
          error: pathKnown ? 'method_not_allowed' : 'unknown_operation',
          message: `No operation ${event.httpMethod} ${event.apiPath}.`,
          operations: operationList,
        });
      }
      const params = paramsOf(event);
      const known = new Set(operation.params.map((p) => p.name));
      const ignored = [...params.keys()].filter((name) => !known.has(name));
      const outcome = await operation.run(ctx, params);
      const body = ignored.length
        ? { ...outcome.body, ignored_parameters: ignored, accepted_parameters: [...known] }
        : outcome.body;
      // Parameter names only: values may quote the user.
      return answer(outcome.status, body, { operation: operation.operationId, params: [...params.keys()] });
    } catch (error) {
      if (error instanceof ParamError) {
        return answer(400, {
          error: 'invalid_parameter',
          parameter: error.parameter,
          message: error.message,
          expected: error.expected,
        });
      }
      if (error instanceof DataUnavailableError) {
        return answer(503, {
          error: 'data_unavailable',
          message: `${error.message}. Answer from the knowledge base instead.`,
        });
      }
      const unreadable = error instanceof CatalogError;
      log.error('action failed', {
        apiPath: echo.apiPath,
        error: oneLine(error),
        cause: oneLine(error instanceof Error ? error.cause : undefined),
      });
      return answer(500, {
        error: unreadable ? 'catalog_unreadable' : 'internal_error',
        message: unreadable
          ? 'The directory data could not be read right now. Answer from the knowledge base instead.'
          : 'The directory lookup failed. Answer from the knowledge base instead.',
      });
    }
  };
}

let cached: ((input: unknown) => Promise<ActionResponse>) | undefined;

/**
 * Lambda entry: settings validated and clients built once per container. Even a bad environment is
 * answered in Bedrock's shape (500, logged with the variable at fault) rather than thrown: a thrown
 * error fails the user's whole turn. The next call tries the settings again.
 */
export const handler = async (event: unknown): Promise<ActionResponse> => {
  if (!cached) {
    try {
      const settings = actionsSettings(process.env);
      cached = makeActionHandler({
        config: settings.config,
        storage: createS3Storage({ bucket: settings.bucket, client: new S3Client({}) }),
        clock: systemClock,
        log: powertoolsLog,
        catalogCheckSeconds: settings.catalogCheckSeconds,
        maxBodyBytes: settings.maxBodyBytes,
      });
    } catch (error) {
      powertoolsLog.error('action group misconfigured', { error: oneLine(error) });
      return actionResponse(echoOf(event), 500, {
        error: 'misconfigured',
        message: 'The directory is not available right now. Answer from the knowledge base instead.',
      });
    }
  }
  return cached(event);
};
