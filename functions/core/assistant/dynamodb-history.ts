import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { WpkbError } from '../shared/errors.js';
import {
  type ConversationTurn,
  conversationTurnSchema,
  expiresAt,
  type HistoryPolicy,
  type HistoryStore,
  isExpired,
  keepLast,
} from './history.js';

/** The table's key and time-to-live attributes (stacks/conversation-table.ts creates it with these). */
export const HISTORY_KEY = 'sessionId';
export const HISTORY_TTL_ATTRIBUTE = 'expiresAt';

const itemSchema = z.object({
  sessionId: z.string(),
  turns: z.array(conversationTurnSchema).catch([]),
  expiresAt: z.number(),
  version: z.number().int().default(0),
});

export interface DynamoDbHistoryOptions extends HistoryPolicy {
  client: Pick<DynamoDBDocumentClient, 'send'>;
  tableName: string;
  /** Conditional writes retried after losing a race with another turn of the same session. */
  maxAttempts?: number;
}

/** The history table could not be read or written. */
export class HistoryStoreError extends WpkbError {
  override readonly name = 'HistoryStoreError';
}

/**
 * Conversation history in DynamoDB: one item per session, `{sessionId, turns, expiresAt, version}`.
 * `expiresAt` (unix seconds) is the table's TTL attribute, moved forward at every turn; DynamoDB deletes
 * expired items within days, not at once, so an item past it reads as a new session. Writes are
 * conditional on the version read, so two turns of one session at once do not lose one another (the
 * loser reads again and retries). Reads are strongly consistent: the next turn sees the last answer.
 */
export function dynamoDbHistory(options: DynamoDbHistoryOptions): HistoryStore {
  const { client, tableName } = options;
  const attempts = options.maxAttempts ?? 3;

  async function read(sessionId: string): Promise<{ turns: ConversationTurn[]; version: number }> {
    let item: unknown;
    try {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: { [HISTORY_KEY]: sessionId }, ConsistentRead: true }),
      );
      item = out.Item;
    } catch (cause) {
      throw new HistoryStoreError(`cannot read session ${sessionId} from table ${tableName}`, { cause });
    }
    if (item === undefined) return { turns: [], version: 0 };
    const parsed = itemSchema.safeParse(item);
    // An item this code cannot read is overwritten by the next turn, never trusted.
    if (!parsed.success) return { turns: [], version: Number((item as { version?: unknown }).version) || 0 };
    const { turns, version } = parsed.data;
    return { turns: isExpired(options, parsed.data.expiresAt) ? [] : turns, version };
  }

  return {
    async load(sessionId) {
      return (await read(sessionId)).turns;
    },
    async append(sessionId, turn) {
      for (let attempt = 1; ; attempt++) {
        const current = await read(sessionId);
        const version = current.version + 1;
        try {
          await client.send(
            new PutCommand({
              TableName: tableName,
              Item: {
                [HISTORY_KEY]: sessionId,
                turns: keepLast(current.turns, turn, options.maxTurns),
                [HISTORY_TTL_ATTRIBUTE]: expiresAt(options),
                version,
              },
              // Written only if nobody wrote the session since it was read (items always carry a version;
              // one without, or none at all, was not written by a concurrent turn).
              ConditionExpression:
                'attribute_not_exists(#key) OR attribute_not_exists(#version) OR #version = :read',
              ExpressionAttributeNames: { '#key': HISTORY_KEY, '#version': 'version' },
              ExpressionAttributeValues: { ':read': current.version },
            }),
          );
          return;
        } catch (cause) {
          const lostRace =
            (cause as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
          if (lostRace && attempt < attempts) continue;
          throw new HistoryStoreError(
            lostRace
              ? `session ${sessionId}: ${attempts} concurrent writes in a row to table ${tableName}`
              : `cannot write session ${sessionId} to table ${tableName}`,
            { cause },
          );
        }
      }
    },
  };
}
