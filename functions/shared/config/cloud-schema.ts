import { z } from 'zod';

/**
 * Cloud-only configuration (CDK stacks): Pinecone, embeddings, agent, schedule, alarms.
 * Everything has a default except what identifies the account's own resources.
 */
export const cloudSchema = z.object({
  /** Nightly schedule of the pipeline (EventBridge cron, UTC). */
  schedule: z.string().default('cron(0 3 * * ? *)'),
  scheduleEnabled: z.boolean().default(true),
});

export type CloudConfig = z.infer<typeof cloudSchema>;
