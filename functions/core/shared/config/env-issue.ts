import type { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * The first problem of a failed environment parse, as one ConfigError naming the variable:
 * `environment AGENT_ID: is not set` when `input` lacks it, else the schema's message
 * (`environment AGENT_TIMEOUT_MS: must be at least 1000`).
 */
export function envIssueError(error: z.ZodError, input: Record<string, unknown>): ConfigError {
  const issue = error.issues[0];
  const name = String(issue?.path[0] ?? '?');
  const message = input[name] === undefined ? 'is not set' : (issue?.message ?? 'is invalid');
  return new ConfigError(`environment ${name}: ${message}`);
}
