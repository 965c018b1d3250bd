import { fold } from './fold.js';

/**
 * Retrieval metrics over ranked results, per question then averaged:
 *
 * - rank: 1-based position of the first result that is an expected item (by source id, or by title
 *   compared without case and accents); none when no result is.
 * - recall@k: the share of questions whose rank ≤ k (a hit rate: one expected item found is enough —
 *   most questions have exactly one right item).
 * - MRR: the mean of 1/rank (0 when not found in the results retrieved).
 */
export interface Expectation {
  expected: readonly string[];
  expected_titles: readonly string[];
}

export interface RankedItem {
  source_id: string;
  title: string;
}

export function matches(item: RankedItem, expectation: Expectation): boolean {
  if (expectation.expected.includes(item.source_id)) return true;
  const title = fold(item.title).trim();
  return expectation.expected_titles.some((t) => fold(t).trim() === title);
}

/** 1-based rank of the first expected item, or undefined. */
export function firstRank(results: readonly RankedItem[], expectation: Expectation): number | undefined {
  const index = results.findIndex((r) => matches(r, expectation));
  return index < 0 ? undefined : index + 1;
}

export interface Metrics {
  questions: number;
  /** recall@k for each k asked for. */
  recall: Record<number, number>;
  mrr: number;
}

export function summarise(ranks: readonly (number | undefined)[], ks: readonly number[]): Metrics {
  const n = ranks.length;
  const recall: Record<number, number> = {};
  for (const k of ks) recall[k] = n ? ranks.filter((r) => r !== undefined && r <= k).length / n : 0;
  const mrr = n ? ranks.reduce<number>((sum, r) => sum + (r ? 1 / r : 0), 0) / n : 0;
  return { questions: n, recall, mrr };
}
