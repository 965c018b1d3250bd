import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { retrievalFilterSchema } from '../../core/retrieval/filter.js';
import { ConfigError } from '../../core/shared/errors.js';

/**
 * A question set for `wpkb eval` (YAML or JSON):
 *
 * ```yaml
 * today: 2026-03-01          # optional: the date freshness is judged at (default: the clock)
 * questions:
 *   - id: tienda-nivel        # optional, for the report
 *     question: ¿En qué piso está Fiordo Kids?
 *     expected: ["122"]       # source ids; any of them counts as found
 *     expected_titles: []     # or titles (compared without case and accents)
 *     type: stores            # optional: only this content type
 *     filter: {…}             # optional: a Bedrock RetrievalFilter
 *     absent: ["705"]         # optional: ids that must NOT come back (e.g. a past event)
 *     tags: [typo]
 * ```
 *
 * A question needs `expected`, `expected_titles` or `absent`. A bare list of questions is accepted too.
 */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-03-01');
const id = z.union([z.string().min(1), z.number().int()]).transform(String);

export const questionSchema = z
  .object({
    id: z.string().min(1).optional(),
    question: z.string().min(1),
    expected: z.array(id).default([]),
    expected_titles: z.array(z.string().min(1)).default([]),
    type: z.string().min(1).optional(),
    filter: retrievalFilterSchema.optional(),
    absent: z.array(id).default([]),
    tags: z.array(z.string()).default([]),
  })
  .refine((q) => q.expected.length + q.expected_titles.length + q.absent.length > 0, {
    message: 'needs expected, expected_titles or absent',
  });
export type Question = z.infer<typeof questionSchema>;

export const questionSetSchema = z.object({
  today: z.union([isoDate, z.date().transform((d) => d.toISOString().slice(0, 10))]).optional(),
  questions: z.array(questionSchema).min(1, 'needs at least one question'),
});
export type QuestionSet = z.infer<typeof questionSetSchema>;

/** Validates a parsed question set; the error names the file and the question at fault. */
export function parseQuestionSet(input: unknown, source = '(question set)'): QuestionSet {
  const result = questionSetSchema.safeParse(Array.isArray(input) ? { questions: input } : input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : '(root)';
  throw new ConfigError(`${source}: ${where}: ${issue?.message ?? 'invalid'}`, { cause: result.error });
}

/** Reads a .yaml/.yml/.json question set. */
export async function loadQuestionSet(file: string): Promise<QuestionSet> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`${file}: cannot read the question set (${(cause as Error).message})`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = path.extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new ConfigError(
      `${file}: not valid ${path.extname(file).slice(1) || 'YAML'}: ${(cause as Error).message.split('\n')[0]}`,
      {
        cause,
      },
    );
  }
  return parseQuestionSet(parsed, file);
}
