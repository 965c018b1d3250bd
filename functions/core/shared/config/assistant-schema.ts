import { z } from 'zod';
import { strictObject } from './strict.js';

/**
 * Which assistant answers the chat (`cloud.assistant`), and the limits of the `knowledge-base` engine.
 * Both engines use `cloud.agent.foundationModel`, `instructionFile`, `knowledgeBaseDescription` and
 * `idleSessionTtlSeconds`, and `cloud.guardrail`.
 */
export const assistantSchema = strictObject({
  /**
   * `agent` (default): the Bedrock agent with its alias, action group and knowledge base. Bedrock Agents
   * ("Agents Classic") creates agents only in accounts that used it before 2026-07-30.
   * `knowledge-base`: no agent; the chat Lambda answers with Retrieve + Converse tool use over the same
   * mall-directory operations, keeping conversations in a DynamoDB table. See docs/deploy.md.
   */
  engine: z.enum(['agent', 'knowledge-base']).default('agent'),
  /** knowledge-base engine: turns of a conversation kept and sent back to the model (older ones dropped). */
  historyTurns: z.number().int().min(1).max(50).default(10),
  /** knowledge-base engine: model calls that may end in tool use per turn; one more fails the turn (502). */
  maxToolRounds: z.number().int().min(1).max(10).default(4),
  /** knowledge-base engine: passages per knowledge base search. */
  retrievalResults: z.number().int().min(1).max(25).default(5),
  /** knowledge-base engine: `inferenceConfig.maxTokens` of every model call. */
  maxAnswerTokens: z.number().int().min(100).max(8192).default(1024),
  /** knowledge-base engine: point-in-time recovery of the conversation table. */
  historyPointInTimeRecovery: z.boolean().default(true),
});

export type AssistantCloudConfig = z.infer<typeof assistantSchema>;
