import type { RetrievedReference } from '@aws-sdk/client-bedrock-agent-runtime';
import { z } from 'zod';

/**
 * A Converse tool as the model sees it (`toolConfig.tools[].toolSpec`): a name
 * (`^[a-zA-Z0-9_-]{1,64}$`), when to use it, and a JSON Schema of its input object.
 */
export const toolSpecSchema = z.object({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"'),
  description: z.string().min(1),
  inputSchema: z.object({
    json: z.looseObject({ type: z.literal('object'), properties: z.record(z.string(), z.unknown()) }),
  }),
});
export type ToolSpec = z.infer<typeof toolSpecSchema>;

/** What a tool call gives back: the `toolResult` block's JSON and status, and sources to cite. */
export interface ToolOutcome {
  status: 'success' | 'error';
  json: Record<string, unknown>;
  /** Knowledge base passages the model was shown (they become the answer's citations). */
  references?: RetrievedReference[];
}

export interface Tool {
  spec: ToolSpec;
  /**
   * Runs one call with the model's input (any JSON: the model may send what the schema does not
   * allow). Bad input or a failed lookup is an `error` outcome the model can act on; a throw ends the
   * turn (kept for failures the visitor must hear about, such as throttling).
   */
  run(input: unknown, signal: AbortSignal): Promise<ToolOutcome>;
}
