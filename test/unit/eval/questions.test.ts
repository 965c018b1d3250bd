import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_QUESTIONS } from '../../../functions/local/eval/command.js';
import { loadQuestionSet, parseQuestionSet } from '../../../functions/local/eval/questions.js';
import { tempDir } from '../knowledge-base/helpers.js';

describe('question sets', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => dir.remove());

  it('reads YAML and JSON, a bare list too, with defaults', async () => {
    const yaml = path.join(dir.dir, 'q.yaml');
    await writeFile(
      yaml,
      'today: 2026-03-01\nquestions:\n  - question: ¿Dónde está?\n    expected: [122, "faq-x"]\n',
    );
    expect(await loadQuestionSet(yaml)).toEqual({
      today: '2026-03-01',
      questions: [
        { question: '¿Dónde está?', expected: ['122', 'faq-x'], expected_titles: [], absent: [], tags: [] },
      ],
    });
    const json = path.join(dir.dir, 'q.json');
    await writeFile(
      json,
      JSON.stringify([{ question: 'a', expected_titles: ['A'], filter: { equals: { key: 'k', value: 1 } } }]),
    );
    expect((await loadQuestionSet(json)).questions[0]?.filter).toEqual({ equals: { key: 'k', value: 1 } });
  });

  it('says which file and which question is wrong', async () => {
    expect(() =>
      parseQuestionSet({ questions: [{ question: 'a', expected: ['1'] }, { question: 'b' }] }, 'set.yaml'),
    ).toThrow('set.yaml: questions.1: needs expected, expected_titles or absent');
    expect(() =>
      parseQuestionSet({ questions: [{ question: 'a', expected: ['1'], filter: { andAll: [] } }] }, 's'),
    ).toThrow(/^s: questions\.0\.filter/);
    const bad = path.join(dir.dir, 'bad.yaml');
    await writeFile(bad, 'questions: [');
    await expect(loadQuestionSet(bad)).rejects.toThrow(`${bad}: not valid yaml`);
    await expect(loadQuestionSet(path.join(dir.dir, 'none.yaml'))).rejects.toThrow(
      'cannot read the question set',
    );
  });

  it('ships a demo set of at least 40 Spanish questions covering the asked-for kinds', async () => {
    const set = await loadQuestionSet(DEMO_QUESTIONS);
    const scored = set.questions.filter((q) => q.expected.length + q.expected_titles.length > 0);
    expect(scored.length).toBeGreaterThanOrEqual(40);
    const tags = new Set(set.questions.flatMap((q) => q.tags));
    for (const tag of [
      'paraphrase',
      'no-accents',
      'typo',
      'hours',
      'level',
      'phone',
      'event-date',
      'freshness',
      'faq',
    ])
      expect(tags, tag).toContain(tag);
    expect(set.today).toBe('2026-03-01');
    expect(new Set(set.questions.map((q) => q.id)).size).toBe(set.questions.length);
  });
});
