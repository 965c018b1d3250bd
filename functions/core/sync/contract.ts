import { z } from 'zod';
import type { IngestionStatistics } from '../pipeline/report.js';
import { canarySchema } from '../shared/config/schema.js';
import { runIdSchema as runId, timeZoneSchema as timeZone } from '../shared/validators.js';

/**
 * The sync Lambda's I/O contract with the state machine. Pure (zod only), so the CDK code and the
 * state-machine tests can import it without the AWS SDK.
 *
 * Events (one Lambda, discriminated by `action`):
 * - `{"action":"start","runId","executionId"}` → StartOutput
 * - `{"action":"status","runId","jobId"}` → StatusOutput (throws IngestionFailedError on FAILED / STOPPED)
 * - `{"action":"prepare","runId"}` → AgentOutput (throws AgentBusyError when a deploy is updating the agent)
 * - `{"action":"agentStatus","runId","reprepared"}` → AgentOutput (NOT_PREPARED: prepares again, up to
 *   MAX_REPREPARES times; throws AgentPrepareError on FAILED / DELETING, AgentBusyError while busy)
 * - `{"action":"verify","runId"}` → VerifyOutput (throws VerifyError when STRICT_VERIFY is on, the default)
 * - `{"action":"canaries","runId","questions","strict","timeZone"}` → CanariesOutput (throws CanaryMissError
 *   on a miss when `strict`); the state machine carries the configuration's `canaries` section and
 *   `site.timeZone` in the event (baked in at synth), see functions/core/sync/canaries.ts
 */

/**
 * At most this many canary questions run after a sync: they are asked one after the other inside the
 * sync Lambda's 60 s (a Retrieve is typically well under a second). Checked at synth too.
 */
export const MAX_CANARIES = 30;

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
    z.object({
      action: z.literal('agentStatus'),
      runId,
      /** How often this run already prepared the DRAFT again after finding it NOT_PREPARED. */
      reprepared: z.number().int().min(0).default(0),
    }),
    z.object({ action: z.literal('verify'), runId }),
    z.object({
      action: z.literal('canaries'),
      runId,
      /** The configuration's `canaries.questions` (an empty list is a no-op). */
      questions: z.array(canarySchema).max(MAX_CANARIES, `at most ${MAX_CANARIES} canaries`),
      /** The configuration's `canaries.strict`: a miss fails the step. */
      strict: z.boolean().default(false),
      /** `site.timeZone`: the day of the freshness filter. */
      timeZone,
    }),
  ],
  { error: 'must be one of "start", "status", "prepare", "agentStatus", "verify", "canaries"' },
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

/**
 * A deploy that updates the agent while the run prepares it resets the DRAFT to NOT_PREPARED; the run
 * prepares it again, at most this many times, before calling it a failure.
 */
export const MAX_REPREPARES = 3;

export interface AgentOutput {
  agentStatus: AgentStatus;
  /** Times this run prepared the DRAFT again (carried by the state machine into the next `agentStatus`). */
  reprepared: number;
}

export interface VerifyOutput {
  ok: boolean;
  namespace: string;
  recordCount: number;
  dimension?: number;
  /** Present when ok is false (only possible with STRICT_VERIFY=false). */
  problems?: string[];
}

/**
 * canaries → `ok` false when at least one canary missed (only returned when not strict). `summary` is
 * one line per miss (the question, what was expected, what came back: `describeMiss`), '' when ok; the
 * state machine puts it in the canary alert. The details are in the run report's `canaries` section.
 */
export interface CanariesOutput {
  ok: boolean;
  asked: number;
  hits: number;
  misses: number;
  strict: boolean;
  summary: string;
}

export type SyncOutput = StartOutput | StatusOutput | AgentOutput | VerifyOutput | CanariesOutput;

/** Error names (Lambda `errorType`) the state machine's Retry / Catch can match. */
export const SYNC_ERRORS = {
  /** Final: the ingestion job FAILED or was STOPPED. */
  ingestionFailed: 'IngestionFailedError',
  /** Final: the agent could not be prepared. */
  agentPrepare: 'AgentPrepareError',
  /** Transient: a deploy is updating the agent (ConflictException); retry with backoff. */
  agentBusy: 'AgentBusyError',
  /** Final: the Pinecone index does not match (no records, wrong dimension). */
  verify: 'VerifyError',
  /** Transient: Pinecone could not be reached; retry with backoff. */
  pineconeStats: 'PineconeStatsError',
  /** Final: a canary missed and `canaries.strict` is set. */
  canaryMiss: 'CanaryMissError',
  /** Final: a malformed event (a state machine bug). */
  invalidEvent: 'InvalidEventError',
  /** Transient, from the AWS SDK (after its own retries): retry with backoff. */
  throttling: 'ThrottlingException',
  /** Transient, from the AWS SDK: retry with backoff. */
  internalServer: 'InternalServerException',
  /** Transient: reading or writing the run report in S3 failed. */
  storage: 'StorageError',
} as const;
