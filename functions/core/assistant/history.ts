import { z } from 'zod';
import type { Clock } from '../shared/clock.js';

/** One exchange of a conversation: what the visitor said and what the assistant answered. */
export const conversationTurnSchema = z.object({
  user: z.string(),
  assistant: z.string(),
  /** ISO time of the answer. */
  at: z.string(),
});
export type ConversationTurn = z.infer<typeof conversationTurnSchema>;

/**
 * Conversation memory of the `knowledge-base` engine (the agent keeps its own). Only the visitor's
 * messages and the final answers are kept — not tool calls and results, which are large and are looked
 * up again when a later question needs them — so a session stays small and bounded.
 */
export interface HistoryStore {
  /** The session's kept turns, oldest first; [] for a new or expired session. */
  load(sessionId: string): Promise<ConversationTurn[]>;
  /** Adds a turn, keeps the last `maxTurns`, and restarts the session's time to live. */
  append(sessionId: string, turn: ConversationTurn): Promise<void>;
}

export interface HistoryPolicy {
  /** Turns kept per session (older ones are dropped). */
  maxTurns: number;
  /** A session is forgotten this long after its last turn. */
  ttlSeconds: number;
  clock: Clock;
}

/** Unix seconds when a session written now expires. */
export const expiresAt = (policy: HistoryPolicy): number =>
  Math.floor(policy.clock.now().getTime() / 1000) + policy.ttlSeconds;

/** Whether a session that expires at `epochSeconds` is gone now. */
export const isExpired = (policy: HistoryPolicy, epochSeconds: number): boolean =>
  epochSeconds <= policy.clock.now().getTime() / 1000;

/** The last `maxTurns` after adding one. */
export const keepLast = (turns: readonly ConversationTurn[], turn: ConversationTurn, maxTurns: number) =>
  [...turns, turn].slice(-maxTurns);

/** History in this process (the terminal chat, tests): same bounds and expiry as the table. */
export function memoryHistory(policy: HistoryPolicy): HistoryStore {
  const sessions = new Map<string, { turns: ConversationTurn[]; expiresAt: number }>();
  return {
    async load(sessionId) {
      const session = sessions.get(sessionId);
      if (!session || isExpired(policy, session.expiresAt)) return [];
      return [...session.turns];
    },
    async append(sessionId, turn) {
      const turns = await this.load(sessionId);
      sessions.set(sessionId, {
        turns: keepLast(turns, turn, policy.maxTurns),
        expiresAt: expiresAt(policy),
      });
    },
  };
}
