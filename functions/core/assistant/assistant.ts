import type { ChatCitation } from '../chat/citations.js';
import { WpkbError } from '../shared/errors.js';

/**
 * The assistant behind `POST /chat` and `wpkb chat`, whichever engine answers: the Bedrock agent
 * (`cloud.assistant.engine: agent`) or the chat Lambda itself with Retrieve + Converse
 * (`knowledge-base`). Clients see the same answer shape from both.
 */
export type AssistantEngine = 'agent' | 'knowledge-base';

export interface AssistantTurn {
  sessionId: string;
  /** The visitor's message, already validated (1–2,000 characters). */
  message: string;
  /** The whole turn (every model, tool and store call) is abandoned after this long. */
  timeoutMs: number;
  /** Called with each piece of the answer as it arrives (the terminal chat prints them at once). */
  onText?: (piece: string) => void;
}

export interface AssistantAnswer {
  sessionId: string;
  answer: string;
  citations: ChatCitation[];
}

export interface Assistant {
  readonly engine: AssistantEngine;
  /** What the terminal chat's banner says it talks to. */
  readonly description: string;
  ask(turn: AssistantTurn): Promise<AssistantAnswer>;
}

/** How a failed turn is answered: 429 (retry later), 502 (upstream failure or no answer), 504 (too long). */
export type AssistantFailure = 'throttled' | 'upstream' | 'timeout' | 'empty';

/** The assistant did not produce an answer. `upstream` names Bedrock's exception (for logs, never users). */
export class AssistantError extends WpkbError {
  override readonly name = 'AssistantError';
  constructor(
    readonly failure: AssistantFailure,
    message: string,
    readonly upstream?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bedrock's throttling-like exceptions: the caller should retry later. */
const THROTTLING = new Set(['ThrottlingException', 'ServiceQuotaExceededException']);

export const isThrottling = (name: string | undefined): boolean => name !== undefined && THROTTLING.has(name);

/** An upstream exception by name: throttling, or any other failure. `what` starts the message. */
export function upstreamFailure(
  what: string,
  name: string,
  message: string,
  cause?: unknown,
): AssistantError {
  if (isThrottling(name))
    return new AssistantError('throttled', `${what} throttled: ${message}`, name, { cause });
  return new AssistantError('upstream', `${what} failed: ${name}: ${message}`, name, { cause });
}

/** Maps anything a turn threw to an AssistantError (a timeout when the turn's signal fired). */
export function classifyFailure(
  what: string,
  error: unknown,
  signal: AbortSignal,
  timeoutMs: number,
): AssistantError {
  if (error instanceof AssistantError) return error;
  const e = error as { name?: string; message?: string } | undefined;
  if (signal.aborted || e?.name === 'AbortError' || e?.name === 'TimeoutError') {
    return new AssistantError('timeout', `${what} did not answer within ${timeoutMs} ms`, e?.name, {
      cause: error,
    });
  }
  return upstreamFailure(what, e?.name ?? 'Error', e?.message ?? String(error), error);
}

/**
 * A promise that rejects when the signal fires: racing every await against it bounds a turn whatever
 * the transport does (a stalled call ends at the deadline, not at Lambda's timeout).
 */
export function deadlineOf(signal: AbortSignal): Promise<never> {
  const deadline = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  deadline.catch(() => {});
  return deadline;
}
