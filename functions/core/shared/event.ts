import type { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * A Lambda event parsed by `schema`; the first issue becomes one ConfigError naming the field:
 * `extract event: runId: must be a run id (letters, digits, . _ -)`.
 */
export function parseLambdaEvent<T extends z.ZodType>(schema: T, input: unknown, label: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError(`${label}: ${String(issue?.path.join('.') || '(root)')}: ${issue?.message}`);
}
