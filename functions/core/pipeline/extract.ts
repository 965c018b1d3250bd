import { type Clock, systemClock } from '../shared/clock.js';
import type { WordPressConfig } from '../shared/config/schema.js';
import type { Log } from '../shared/logger.js';
import type { Storage } from '../storage/port.js';
import type { WordPressClient } from '../wordpress/client.js';
import type { TypeResolution } from '../wordpress/resolve-types.js';
import { assembleExtract, type ExtractResult } from './extract-assemble.js';
import { loadPlan, type PlanSummary, planExtract } from './extract-plan.js';
import { type BatchResult, readBatch } from './extract-read.js';

export type { ExtractResult } from './extract-assemble.js';

export interface ExtractDeps {
  client: WordPressClient;
  storage: Storage;
  log: Log;
  clock?: Clock;
  /** The plan is made (mode decided, ids to read known). */
  onPlan?: (plan: PlanSummary) => void;
  /** Items read with every field so far in this call (progress). */
  onItems?: (count: number) => void;
}

export interface ExtractOptions {
  /** What the extract uses of the `wordpress` configuration. */
  wordpress: Pick<
    WordPressConfig,
    'perPage' | 'fullReadEveryDays' | 'listChanges' | 'fullReadByPages' | 'readBatchSize' | 'username'
  >;
  /** Read everything whatever the previous run says (`--full`). */
  full?: boolean;
  /** Reads carry an application password. */
  authenticated?: boolean;
}

/**
 * One type's extract in one process (as resolved against the site by the client's `resolveTypes`) — the
 * three steps the state machine runs as separate invocations: plan (list, decide full or incremental),
 * read the batches one after the other (the client's limiter keeps the site's load at
 * `wordpress.concurrency`), assemble `raw/<type>/<runId>.jsonl.gz` and the terms. The resolution's
 * warnings are logged and passed on. Throws when the type cannot be read completely.
 */
export async function extractType(
  resolution: TypeResolution,
  runId: string,
  deps: ExtractDeps,
  options: ExtractOptions,
): Promise<ExtractResult> {
  const started = performance.now();
  const { type, warnings } = resolution;
  for (const warning of warnings) deps.log.warn(`warning: ${warning}`, { type: type.name });
  const { wordpress } = options;
  const summary = await planExtract(
    type,
    runId,
    { ...deps, clock: deps.clock ?? systemClock },
    {
      full: options.full ?? false,
      fullReadEveryDays: wordpress.fullReadEveryDays,
      listChanges: wordpress.listChanges,
      perPage: wordpress.perPage,
      readByPages: wordpress.fullReadByPages,
      batchSize: wordpress.readBatchSize,
      authenticated: options.authenticated ?? false,
    },
  );
  deps.onPlan?.(summary);
  const plan = await loadPlan(deps.storage, type.name, runId);
  // One batch after the other, as the state machine reads them: memory holds one batch's read-ahead.
  const batches: BatchResult[] = [];
  for (const batch of summary.batches) {
    batches.push(await readBatch(type, runId, batch, deps, { perPage: wordpress.perPage, plan }));
  }
  return assembleExtract(type, runId, batches, deps, { plan, started, warnings });
}
