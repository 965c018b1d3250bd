import { describe, expect, it } from 'vitest';
import { firstRank, matches, summarise } from '../../../functions/core/retrieval/metrics.js';
import type { Retrieve, Retrieved } from '../../../functions/core/retrieval/retriever.js';
import { parseQuestionSet } from '../../../functions/local/eval/questions.js';
import { formatEval, runEval } from '../../../functions/local/eval/run-eval.js';

const item = (source_id: string, title = `Item ${source_id}`): Retrieved => ({
  source_id,
  title,
  content_type: 'stores',
  url: '',
  score: 1,
  text: '',
  location: `kb/stores/${source_id}.csv`,
});

describe('metrics', () => {
  it('ranks the first expected item by source id or by title (no case, no accents)', () => {
    const results = [item('1', 'Óptica Visión'), item('2', 'Zapatería Andes')];
    expect(firstRank(results, { expected: ['2'], expected_titles: [] })).toBe(2);
    expect(firstRank(results, { expected: [], expected_titles: ['optica vision'] })).toBe(1);
    expect(firstRank(results, { expected: ['9'], expected_titles: ['Otra'] })).toBeUndefined();
    expect(matches(item('3', 'ZAPATERÍA'), { expected: [], expected_titles: ['zapateria'] })).toBe(true);
  });

  it('computes recall@k and MRR on a hand-computed case', () => {
    // ranks 1, 3, none, 2 → recall@1 1/4, recall@3 3/4, recall@5 3/4, MRR (1 + 1/3 + 0 + 1/2) / 4 = 11/24
    const m = summarise([1, 3, undefined, 2], [1, 3, 5]);
    expect(m.questions).toBe(4);
    expect(m.recall).toEqual({ 1: 0.25, 3: 0.75, 5: 0.75 });
    expect(m.mrr).toBeCloseTo(11 / 24, 10);
    expect(summarise([], [1])).toEqual({ questions: 0, recall: { 1: 0 }, mrr: 0 });
  });
});

describe('runEval', () => {
  const set = parseQuestionSet({
    questions: [
      { id: 'a', question: 'q-a', expected: ['1'], tags: ['name'] },
      { id: 'b', question: 'q-b', expected: ['2', '20'], tags: ['name', 'typo'] },
      { id: 'c', question: 'q-c', expected_titles: ['Tienda Ñandú'], tags: ['typo'] },
      { id: 'd', question: 'q-d', expected: [3], type: 'stores' },
      { id: 'e', question: 'q-e', absent: ['7'] },
    ],
  });
  const answers: Record<string, Retrieved[]> = {
    'q-a': [item('1'), item('5')],
    'q-b': [item('5'), item('6'), item('20')],
    'q-c': [item('5'), item('6'), item('8'), item('9'), item('10')],
    'q-d': [item('4'), item('3', 'Tienda Nandu')],
    'q-e': [item('7')],
  };
  const requests: { question: string; k: number; filter?: unknown }[] = [];
  const retrieve: Retrieve = async (question, request) => {
    requests.push({ question, ...request });
    return answers[question] ?? [];
  };

  it('asks every question with the base filter AND-ed with its own, and scores the ranks', async () => {
    const base = { equals: { key: 'x', value: 1 } };
    const report = await runEval({ retrieve, questions: set.questions, k: 5, baseFilter: base });
    // ranks: a 1, b 3, c none, d 2 (e only checks absence) → same figures as the hand-computed case
    expect(report.metrics.recall).toEqual({ 1: 0.25, 3: 0.75, 5: 0.75 });
    expect(report.metrics.mrr).toBeCloseTo(11 / 24, 10);
    expect(report.misses.map((m) => m.id)).toEqual(['c']);
    expect(report.violations.map((v) => [v.id, v.unwanted])).toEqual([['e', ['7']]]);
    expect(report.byTag.typo?.recall[3]).toBe(0.5);
    expect(requests.find((r) => r.question === 'q-a')).toEqual({ question: 'q-a', k: 5, filter: base });
    expect(requests.find((r) => r.question === 'q-d')?.filter).toEqual({
      andAll: [base, { equals: { key: 'content_type', value: 'stores' } }],
    });
    const text = formatEval(report);
    expect(text).toContain('recall@1 25.0%  recall@3 75.0%  recall@5 75.0%  MRR 0.458');
    expect(text).toContain('c: q-c → stores/5 Item 5 | stores/6 Item 6 | stores/8 Item 8');
    expect(text).toContain('absent items retrieved in 1 of 1 checks: e (7)');
  });
});
