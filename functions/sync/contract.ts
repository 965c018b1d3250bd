import { z } from 'zod';
import { RUN_ID_PATTERN } from '../pipeline/keys.js';
import type { IngestionStatistics } from '../pipeline/report.js';

/**
 * The sync Lambda's I/O contract with the state machine. Pure (zod only), so the CDK code and the
 * state-machine tests can import it without the AWS SDK.
 *
 * Events (one Lambda, discriminated by `action`):
 * - `{"action":"start","runId","executionId"}` → StartOutput
 * - `{"action":"status","runId","jobId"}` → StatusOutput (throws IngestionFailedError on FAILED / STOPPED)
 * - `{"action":"prepare","runId"}` → AgentOutput
 * - `{"action":"agentStatus","runId"}` → AgentOutput (throws AgentPrepareError on FAILED / NOT_PREPARED / DELETING)
 * - `{"action":"verify","runId"}` → VerifyOutput (throws VerifyError when STRICT_VERIFY is on, the default)
 */

const runId = z.string().regex(RUN_ID_PATTERN, 'must be a run id (letters, digits, . _ -)');

export const syncEventSchema = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('start'),
      runId,
      /** `$$.Execution.Id`: with runId it derives the StartIngestionJob client token. */
      executionId: z.string().min(1, 'must not be empty').max(2048),
    }),
    z.object({
      action: z.literal('status'),
      runId,
      jobId: z.string().regex(/^[0-9a-zA-Z]{1,64}$/, 'must be an ingestion job id'),
    }),
    z.object({ action: z.literal('prepare'), runId }),
    z.object({ action: z.literal('agentStatus'), runId }),
    z.object({ action: z.literal('verify'), runId }),
  ],
  { error: 'must be one of "start", "status", "prepare", "agentStatus", "verify"' },
);
export type SyncEvent = z.infer<typeof syncEventSchema>;

/** Bedrock IngestionJob statuses (bedrock-facts.md). */
export type IngestionJobStatus = 'STARTING' | 'IN_PROGRESS' | 'COMPLETE' | 'FAILED' | 'STOPPING' | 'STOPPED';

/** Statuses for which the state machine waits and polls `status` again. */
export const INGESTION_POLL_STATUSES = ['STARTING', 'IN_PROGRESS', 'STOPPING'] as const;

/**
 * start → `BUSY`: another ingestion job of this data source / knowledge base is running (its id when
 * known); wait, then call `start` again. Any other status (usually STARTING): the job this execution
 * started, or resumed after a retry; poll it with `status`, which also handles a COMPLETE / FAILED job.
 */
export type StartOutput = { status: 'BUSY'; jobId?: string } | { status: IngestionJobStatus; jobId: string };

/**
 * status → STARTING / IN_PROGRESS / STOPPING: poll again; COMPLETE: go on (FAILED / STOPPED throw).
 * `documentsFailed` is present only when the job completed with failed documents.
 */
export interface StatusOutput {
  status: IngestionJobStatus;
  jobId: string;
  statistics: IngestionStatistics;
  documentsFailed?: number;
}

/** Agent statuses (bedrock-facts.md). */
export type AgentStatus =
  | 'CREATING'
  | 'PREPARING'
  | 'PREPARED'
  | 'NOT_PREPARED'
  | 'DELETING'
  | 'FAILED'
  | 'VERSIONING'
  | 'UPDATING';

/** Statuses for which the state machine waits and calls `agentStatus` again; PREPARED goes on. */
export const AGENT_POLL_STATUSES = ['CREATING', 'PREPARING', 'VERSIONING', 'UPDATING'] as const;

export interface AgentOutput {
  agentStatus: AgentStatus;
}

export interface VerifyOutput {
  ok: boolean;
  namespace: string;
  recordCount: number;
  dimension?: number;
  /** Present when ok is false (only possible with STRICT_VERIFY=false). */
  problems?: string[];
}

export type SyncOutput = StartOutput | StatusOutput | AgentOutput | VerifyOutput;

/** Error names (Lambda `errorType`) the state machine's Retry / Catch can match. */
export const SYNC_ERRORS = {
  /** Final: the ingestion job FAILED or was STOPPED. */
  ingestionFailed: 'IngestionFailedError',
  /** Final: the agent could not be prepared. */
  agentPrepare: 'AgentPrepareError',
  /** Final: the Pinecone index does not match (no records, wrong dimension). */
  verify: 'VerifyError',
  /** Transient: Pinecone could not be reached; retry with backoff. */
  pineconeStats: 'PineconeStatsError',
  /** Final: a malformed event (a state machine bug). */
  invalidEvent: 'InvalidEventError',
  /** Transient, from the AWS SDK (after its own retries): retry with backoff. */
  throttling: 'ThrottlingException',
  /** Transient, from the AWS SDK: retry with backoff. */
  internalServer: 'InternalServerException',
  /** Transient: reading or writing the run report in S3 failed. */
  storage: 'StorageError',
} as const;
