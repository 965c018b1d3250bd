import { z } from 'zod';
import { canarySchema } from '../shared/config/schema.js';
import { allOf, contentTypeFilter, type RetrievalFilter } from './filter.js';
import { matches } from './metrics.js';
import type { Retrieve } from './retriever.js';

/**
 * Post-sync canaries: a few questions whose expected item must come back from the knowledge base.
 * `runCanaries` is the reusable core — the pipeline's verify step calls it after a COMPLETE ingestion
 * with `bedrockRetrieve(...)`, emits a metric per miss and an alert naming the question and what came
 * back (`describeMiss`), and fails only when `canaries.strict` is set. Locally it runs against the
 * local index (`localRetrieve`). Input and output are zod-typed:
 *
 * - input: `canaries.questions` from the configuration: `{question, expected, type?, k = 5}` where
 *   `expected` is a `source_id` or an exact title (compared without case and accents);
 * - output: `{ok, hits, misses}`, each outcome `{question, expected, type?, k, rank?, got[]}`, `got`
 *   the top results as `{source_id, content_type, title, score, location}`.
 *
 * A Retrieve call that throws is a miss with `error` set (the alert says why); it never throws itself.
 */

export const canaryInputSchema = z.array(canarySchema);
export type CanaryInput = z.input<typeof canaryInputSchema>;

export const canaryOutcomeSchema = z.object({
  question: z.string(),
  expected: z.string(),
  type: z.string().optional(),
  k: z.number().int(),
  /** 1-based rank of the expected item among the results, when found. */
  rank: z.number().int().positive().optional(),
  got: z.array(
    z.object({
      source_id: z.string(),
      content_type: z.string(),
      title: z.string(),
      score: z.number(),
      location: z.string(),
    }),
  ),
  error: z.string().optional(),
});
export type CanaryOutcome = z.infer<typeof canaryOutcomeSchema>;

export const canaryResultSchema = z.object({
  ok: z.boolean(),
  hits: z.array(canaryOutcomeSchema),
  misses: z.array(canaryOutcomeSchema),
});
export type CanaryResult = z.infer<typeof canaryResultSchema>;

export interface CanaryOptions {
  /** AND-ed with each canary's filter (e.g. the freshness filter the chat endpoint uses). */
  baseFilter?: RetrievalFilter;
}

/** Asks each canary question (in order) and sorts the outcomes into hits and misses. */
export async function runCanaries(
  retrieve: Retrieve,
  canaries: CanaryInput,
  options: CanaryOptions = {},
): Promise<CanaryResult> {
  const parsed = canaryInputSchema.parse(canaries);
  const hits: CanaryOutcome[] = [];
  const misses: CanaryOutcome[] = [];
  for (const canary of parsed) {
    const base = {
      question: canary.question,
      expected: canary.expected,
      ...(canary.type ? { type: canary.type } : {}),
      k: canary.k,
    };
    const filter = allOf(options.baseFilter, canary.type ? contentTypeFilter(canary.type) : undefined);
    try {
      // Only the first k count, whatever the target returned.
      const results = (await retrieve(canary.question, { k: canary.k, ...(filter ? { filter } : {}) })).slice(
        0,
        canary.k,
      );
      const got = results.map(({ source_id, content_type, title, score, location }) => ({
        source_id,
        content_type,
        title,
        score,
        location,
      }));
      const index = results.findIndex((r) =>
        matches(r, { expected: [canary.expected], expected_titles: [canary.expected] }),
      );
      if (index >= 0) hits.push({ ...base, rank: index + 1, got });
      else misses.push({ ...base, got });
    } catch (error) {
      misses.push({ ...base, got: [], error: error instanceof Error ? error.message : String(error) });
    }
  }
  return canaryResultSchema.parse({ ok: misses.length === 0, hits, misses });
}

/** One line for an alert: the question, what was expected, and what came back instead. */
export function describeMiss(miss: CanaryOutcome): string {
  const got = miss.error
    ? `error: ${miss.error}`
    : miss.got.length
      ? miss.got.map((g) => `${g.source_id} "${g.title}" (${g.score.toFixed(3)})`).join(', ')
      : 'nothing';
  return `canary miss: "${miss.question}" expected ${miss.expected} in the top ${miss.k}; got ${got}`;
}
