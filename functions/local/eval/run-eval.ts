import { allOf, contentTypeFilter, type RetrievalFilter } from '../../core/retrieval/filter.js';
import { firstRank, type Metrics, summarise } from '../../core/retrieval/metrics.js';
import type { Retrieve, Retrieved } from '../../core/retrieval/retriever.js';
import type { Question } from './questions.js';

export const RECALL_AT = [1, 3, 5] as const;

export interface QuestionOutcome {
  id: string;
  question: string;
  tags: string[];
  /** Whether the question measures recall (it has expected ids or titles). */
  scored: boolean;
  rank?: number;
  /** `absent` ids that came back anyway. */
  unwanted: string[];
  top: Pick<Retrieved, 'source_id' | 'content_type' | 'title' | 'score'>[];
}

export interface EvalReport {
  target: string;
  k: number;
  metrics: Metrics;
  /** Per tag (typo, paraphrase, …), the same metrics over the questions carrying it. */
  byTag: Record<string, Metrics>;
  outcomes: QuestionOutcome[];
  /** Scored questions whose expected item is not in the top k. */
  misses: QuestionOutcome[];
  /** Questions where an `absent` item was retrieved (freshness violations and the like). */
  violations: QuestionOutcome[];
  absentChecks: number;
}

export interface EvalOptions {
  retrieve: Retrieve;
  questions: readonly Question[];
  /** Results retrieved per question (recall@k is reported for each of 1, 3, 5 up to k). */
  k: number;
  /** Applied to every question (the freshness filter), AND-ed with the question's own. */
  baseFilter?: RetrievalFilter;
  target?: string;
}

/** Asks every question (one at a time), ranks the expected items, and summarises. */
export async function runEval(options: EvalOptions): Promise<EvalReport> {
  const ks = [...new Set([...RECALL_AT.filter((k) => k <= options.k), options.k])].sort((a, b) => a - b);
  const outcomes: QuestionOutcome[] = [];
  for (const [index, q] of options.questions.entries()) {
    const filter = allOf(options.baseFilter, q.type ? contentTypeFilter(q.type) : undefined, q.filter);
    const results = (
      await options.retrieve(q.question, { k: options.k, ...(filter ? { filter } : {}) })
    ).slice(0, options.k);
    const scored = q.expected.length + q.expected_titles.length > 0;
    const rank = scored ? firstRank(results, q) : undefined;
    outcomes.push({
      id: q.id ?? `q${String(index + 1).padStart(2, '0')}`,
      question: q.question,
      tags: q.tags,
      scored,
      ...(rank ? { rank } : {}),
      unwanted: results.filter((r) => q.absent.includes(r.source_id)).map((r) => r.source_id),
      top: results.map(({ source_id, content_type, title, score }) => ({
        source_id,
        content_type,
        title,
        score,
      })),
    });
  }
  const scored = outcomes.filter((o) => o.scored);
  const byTag: Record<string, Metrics> = {};
  for (const tag of [...new Set(scored.flatMap((o) => o.tags))].sort()) {
    byTag[tag] = summarise(
      scored.filter((o) => o.tags.includes(tag)).map((o) => o.rank),
      ks,
    );
  }
  return {
    target: options.target ?? 'local',
    k: options.k,
    metrics: summarise(
      scored.map((o) => o.rank),
      ks,
    ),
    byTag,
    outcomes,
    misses: scored.filter((o) => o.rank === undefined),
    violations: outcomes.filter((o) => o.unwanted.length > 0),
    absentChecks: options.questions.filter((q) => q.absent.length > 0).length,
  };
}

const pct = (x: number | undefined) => `${((x ?? 0) * 100).toFixed(1)}%`;

/** The report as people read it: figures, per-tag figures, then every miss with what came back. */
export function formatEval(report: EvalReport): string {
  const { metrics } = report;
  const ks = Object.keys(metrics.recall).map(Number);
  const lines = [
    `target ${report.target}, ${metrics.questions} scored questions, k=${report.k}`,
    `${ks.map((k) => `recall@${k} ${pct(metrics.recall[k])}`).join('  ')}  MRR ${metrics.mrr.toFixed(3)}`,
  ];
  const tags = Object.entries(report.byTag);
  if (tags.length) {
    lines.push('by tag:');
    for (const [tag, m] of tags)
      lines.push(
        `  ${tag.padEnd(12)} n=${String(m.questions).padStart(2)}  ${ks.map((k) => `@${k} ${pct(m.recall[k])}`).join('  ')}  MRR ${m.mrr.toFixed(3)}`,
      );
  }
  const ranked = report.outcomes.filter((o) => o.scored && o.rank !== undefined && o.rank > 1);
  if (ranked.length)
    lines.push(`found below rank 1: ${ranked.map((o) => `${o.id} (#${o.rank})`).join(', ')}`);
  lines.push(report.misses.length ? `misses (${report.misses.length}):` : 'misses: none');
  for (const miss of report.misses) {
    const got = miss.top
      .slice(0, 3)
      .map((t) => `${t.content_type}/${t.source_id} ${t.title}`)
      .join(' | ');
    lines.push(`  ${miss.id}: ${miss.question} → ${got || 'nothing'}`);
  }
  if (report.absentChecks)
    lines.push(
      report.violations.length
        ? `absent items retrieved in ${report.violations.length} of ${report.absentChecks} checks: ${report.violations.map((v) => `${v.id} (${v.unwanted.join(', ')})`).join(', ')}`
        : `absent items: none retrieved (${report.absentChecks} checks)`,
    );
  return lines.join('\n');
}
