import { PENDING_SYNC_KEY } from '../../functions/core/sync/synced-data-source.js';

/**
 * State names: what the console, the execution history, the alert e-mail and the Logs Insights
 * queries in docs/operations.md show. Tests bind the Lambda handlers to the Task states by these names.
 */
export const STATES = {
  readInput: 'Read input',
  applyDefaults: 'Apply defaults',
  checkInput: 'Check input',
  invalidInput: 'Invalid input',
  guard: 'Concurrency guard',
  listTypes: 'List content types',
  extractAll: 'Extract content types',
  planExtract: 'Plan extract',
  readBatches: 'Read batches',
  readBatch: 'Read batch',
  assembleExtract: 'Assemble extract',
  transform: 'Transform',
  checkPendingSync: 'Check pending sync',
  anyChanges: 'Any changes?',
  markSyncPending: 'Mark sync pending',
  noChanges: 'No changes',
  startIngestion: 'Start ingestion',
  ingestionStarted: 'Ingestion started?',
  waitForRunningJob: 'Wait for running job',
  waitForIngestion: 'Wait for ingestion',
  checkIngestion: 'Check ingestion',
  ingestionComplete: 'Ingestion complete?',
  // Agent engine only: PrepareAgent builds the DRAFT (console test alias), not what users talk to.
  prepareAgent: 'Prepare agent DRAFT',
  agentPrepared: 'Agent DRAFT prepared?',
  waitForAgent: 'Wait for agent DRAFT',
  checkAgent: 'Check agent DRAFT',
  verify: 'Verify index',
  clearPendingSync: 'Clear pending sync',
  runCanaries: 'Run canaries',
  canariesPassed: 'Canaries passed?',
  sendCanaryAlert: 'Send canary alert',
  synced: 'Synced',
  sendAlert: 'Send alert',
  failed: 'Pipeline failed',
} as const;

/** The Pass state that records which state failed before the alert: `Failed at Transform`. */
export const failedAt = (state: string): string => `Failed at ${state}`;

/**
 * Written (body: the run id) before an ingestion starts, deleted after the index is verified. While it
 * exists, the next run syncs even when nothing changed: a failed or interrupted sync is retried by the
 * next execution instead of leaving the knowledge base behind `kb/` until the site changes again.
 */
export { PENDING_SYNC_KEY };

/** Error name of an execution refused by `Check input`. */
export const INVALID_INPUT = 'InvalidInput';
