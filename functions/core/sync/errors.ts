import type { z } from 'zod';
import { WpkbError } from '../shared/errors.js';

/*
 * The Lambda runtime reports a thrown error's `name` as the error type, which is what a Step Functions
 * Retry / Catch `ErrorEquals` matches. Each class pins its name as a literal, so the names survive a
 * bundler that renames classes (esbuild `minify` without `keepNames`).
 */

/** The event does not match the contract (unknown action, missing or malformed field). */
export class InvalidEventError extends WpkbError {
  override readonly name = 'InvalidEventError';
}

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

/** Parses a Lambda event; the first issue becomes one line naming the field: `sync event: action: …`. */
export function parseEvent<T extends z.ZodType>(schema: T, input: unknown, label: string): z.output<T> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidEventError(
      `${label}: (root): must be a JSON object, got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`,
    );
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : '(root)';
  throw new InvalidEventError(`${label}: ${field}: ${issue?.message ?? 'invalid'}`);
}
