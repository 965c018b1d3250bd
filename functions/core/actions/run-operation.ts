import type { Clock } from '../shared/clock.js';
import type { WpkbConfig } from '../shared/config/schema.js';
import { oneLine } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import type { Storage } from '../storage/port.js';
import { type CatalogCache, CatalogError, createCatalogCache } from './catalog.js';
import { type ActionContext, DataUnavailableError, type Outcome } from './context.js';
import type { Operation } from './operations.js';
import { ParamError, type Params } from './params.js';

export interface OperationRunnerDeps {
  config: WpkbConfig;
  /** Where `catalog/<type>.json` lives (the data bucket, or a local directory). */
  storage: Storage;
  clock: Clock;
  log: Log;
  /** Seconds a loaded catalog is trusted before checking the store for a newer one (0: every call). */
  catalogCheckSeconds?: number;
  /** Response bodies stay under this size (Bedrock's action group limit is about 25 KB). */
  maxBodyBytes?: number;
  /** A shared cache (tests); by default one is created per runner. */
  catalogs?: CatalogCache;
}

export const DEFAULT_MAX_BODY_BYTES = 20_000;

/** Runs one mall-directory operation; never throws. */
export type RunOperation = (operation: Operation, params: Params) => Promise<Outcome>;

/**
 * The one way a mall-directory operation runs, whoever asked — the agent's action group event
 * (functions/actions/handler.ts) or a Converse tool call (functions/core/assistant/directory-tools.ts).
 * Always an outcome, never a throw: a bad parameter is a 400 whose body says which and what a good
 * value looks like, missing catalogs 503, an unreadable catalog or anything else 500 — each a JSON
 * body the model can act on. Parameters the operation does not take are listed, not fatal.
 */
export function createOperationRunner(deps: OperationRunnerDeps): RunOperation {
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

  return async (operation, params) => {
    try {
      const known = new Set(operation.params.map((p) => p.name));
      const ignored = [...params.keys()].filter((name) => !known.has(name));
      const outcome = await operation.run(ctx, params);
      return ignored.length
        ? {
            status: outcome.status,
            body: { ...outcome.body, ignored_parameters: ignored, accepted_parameters: [...known] },
          }
        : outcome;
    } catch (error) {
      if (error instanceof ParamError) {
        return {
          status: 400,
          body: {
            error: 'invalid_parameter',
            parameter: error.parameter,
            message: error.message,
            expected: error.expected,
          },
        };
      }
      if (error instanceof DataUnavailableError) {
        return {
          status: 503,
          body: {
            error: 'data_unavailable',
            message: `${error.message}. Answer from the knowledge base instead.`,
          },
        };
      }
      const unreadable = error instanceof CatalogError;
      log.error('action failed', {
        operation: operation.operationId,
        error: oneLine(error),
        cause: oneLine(error instanceof Error ? error.cause : undefined),
      });
      return {
        status: 500,
        body: {
          error: unreadable ? 'catalog_unreadable' : 'internal_error',
          message: unreadable
            ? 'The directory data could not be read right now. Answer from the knowledge base instead.'
            : 'The directory lookup failed. Answer from the knowledge base instead.',
        },
      };
    }
  };
}
