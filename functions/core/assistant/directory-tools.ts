import { findOperationById } from '../actions/operations.js';
import type { Params } from '../actions/params.js';
import type { RunOperation } from '../actions/run-operation.js';
import type { Tool, ToolOutcome, ToolSpec } from './tools.js';

/**
 * A Converse tool input as the operations' parameters: every value a string, exactly as the action
 * group event carries them (numbers and booleans written out, null and absent values left out, any
 * other value as JSON so the operation's own check names it).
 */
export function paramsFromToolInput(input: Record<string, unknown>): Params {
  const params = new Map<string, string>();
  for (const [name, value] of Object.entries(input)) {
    if (value === null || value === undefined) continue;
    params.set(
      name,
      typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value),
    );
  }
  return params;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The tool result for an operation's outcome: its HTTP status and body, as the agent sees them. */
const resultOf = (status: number, body: Record<string, unknown>): ToolOutcome => ({
  status: status < 400 ? 'success' : 'error',
  json: { status, body },
});

/**
 * The Converse adapter of the operation table: one tool per spec (derived from the OpenAPI schema,
 * tool-specs.ts), each running the operation of the same operationId through the same runner the
 * action group handler uses — so a bad parameter, missing catalogs or an unreadable catalog answer the
 * model exactly as they answer the agent.
 */
export function directoryTools(specs: readonly ToolSpec[], runOperation: RunOperation): Tool[] {
  return specs.map((spec) => {
    const operation = findOperationById(spec.name);
    return {
      spec,
      async run(input) {
        if (!operation) {
          return resultOf(404, { error: 'unknown_operation', message: `No operation ${spec.name}.` });
        }
        if (input !== undefined && input !== null && !isObject(input)) {
          return resultOf(400, {
            error: 'invalid_input',
            message: `The input of ${spec.name} must be a JSON object of parameters.`,
          });
        }
        const outcome = await runOperation(operation, paramsFromToolInput(input ?? {}));
        return resultOf(outcome.status, outcome.body);
      },
    };
  });
}
