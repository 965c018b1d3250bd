import { WpkbError } from '../shared/errors.js';

/* The sync step's errors: their names are the Retry / Catch error names of the state machine. */

/** The ingestion job ended FAILED or STOPPED. Message: `ingestion job <id> FAILED: <reasons>`. */
export class IngestionFailedError extends WpkbError {
  override readonly name = 'IngestionFailedError';
  constructor(
    message: string,
    readonly jobId: string,
    readonly status: string,
    readonly failureReasons: readonly string[],
  ) {
    super(message);
  }
}

/** The agent could not be prepared (FAILED, or NOT_PREPARED / DELETING after a prepare). */
export class AgentPrepareError extends WpkbError {
  override readonly name = 'AgentPrepareError';
  constructor(
    message: string,
    readonly agentStatus: string,
    readonly failureReasons: readonly string[],
  ) {
    super(message);
  }
}

/**
 * The agent is busy with a change someone else started — a deploy updating it (PrepareAgent answered
 * ConflictException), or one that reset the DRAFT to NOT_PREPARED again and again. Transient: the state
 * machine retries the step with backoff instead of alerting.
 */
export class AgentBusyError extends WpkbError {
  override readonly name = 'AgentBusyError';
}

/** The Pinecone index does not look like a synced knowledge base (no records, wrong dimension). */
export class VerifyError extends WpkbError {
  override readonly name = 'VerifyError';
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}

/**
 * A post-sync canary missed and `canaries.strict` is set. Message: `2 of 5 canaries missed: canary miss:
 * "<question>" expected <item> in the top <k>; got …; canary miss: …` (one line).
 */
export class CanaryMissError extends WpkbError {
  override readonly name = 'CanaryMissError';
  constructor(
    message: string,
    readonly misses: readonly string[],
  ) {
    super(message);
  }
}

/** Pinecone's index stats could not be read (network, auth, 5xx): a transient failure, retryable. */
export class PineconeStatsError extends WpkbError {
  override readonly name = 'PineconeStatsError';
}
