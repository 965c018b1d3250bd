import type { z } from 'zod';
import { WpkbError } from './errors.js';

/** A Lambda event does not match its contract (not an object, unknown action, missing or malformed field). */
export class InvalidEventError extends WpkbError {
  override readonly name = 'InvalidEventError';
}

/**
 * A Lambda event parsed by `schema`; anything else is one InvalidEventError naming the field:
 * `extract event: runId: must be a run id (letters, digits, . _ -)`, `sync event: (root): must be a JSON
 * object, got null`.
 */
export function parseEvent<T extends z.ZodType>(schema: T, input: unknown, label: string): z.output<T> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidEventError(
      `${label}: (root): must be a JSON object, got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`,
    );
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : '(root)';
  throw new InvalidEventError(`${label}: ${field}: ${issue?.message ?? 'invalid'}`);
}
