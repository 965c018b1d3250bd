import { z } from 'zod';
import { toolSpecSchema } from './tools.js';

/**
 * What the `knowledge-base` engine is told, decided at build time (build-definition.ts) from the same
 * files the agent is built from: the instruction file and the mall-directory OpenAPI schema.
 */
export const assistantDefinitionSchema = z.object({
  /** System prompt blocks: the instruction file as it is, then how this engine's tools map onto it. */
  system: z.array(z.string().min(1)).min(1),
  /** One tool per mall-directory operation, derived from the OpenAPI schema. */
  directoryTools: z.array(toolSpecSchema).min(1),
  /** When to use the knowledge base (`cloud.agent.knowledgeBaseDescription`, as the agent is told). */
  knowledgeBaseDescription: z.string().min(1),
});
export type AssistantDefinition = z.infer<typeof assistantDefinitionSchema>;
