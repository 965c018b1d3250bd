import { parse } from 'yaml';
import { z } from 'zod';
import { findOperationById } from '../actions/operations.js';
import { ConfigError } from '../shared/errors.js';
import type { ToolSpec } from './tools.js';

const parameterSchema = z.object({
  name: z.string(),
  in: z.string(),
  description: z.string().default(''),
  required: z.boolean().default(false),
  schema: z.object({ type: z.enum(['string', 'integer', 'boolean', 'number']) }).default({ type: 'string' }),
});

const operationSchema = z.object({
  operationId: z.string().min(1),
  summary: z.string().default(''),
  description: z.string().min(1),
  parameters: z.array(parameterSchema).default([]),
});

const documentSchema = z.object({
  info: z.object({ description: z.string().default('') }).default({ description: '' }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

export interface DirectoryToolSpecs {
  /** One Converse tool per operation of the schema, named by its operationId. */
  specs: ToolSpec[];
  /** The schema's `info.description`: how to use the operations as a whole (dates, limits, errors). */
  guidance: string;
}

/**
 * The Converse tool specifications of the mall directory, derived from the action group's own OpenAPI
 * schema (agent-schemas/mall-directory.openapi.yaml) — the one description of the operations both
 * engines use: name = operationId, description = summary + description, input = a JSON Schema object
 * with one property per parameter (type and description from the schema; path parameters and
 * `required: true` ones required). Every operation must be one the operation table serves with the
 * same parameters, or synth stops here rather than the model calling a tool nobody answers.
 */
export function directoryToolSpecs(
  openApiText: string,
  source = 'the mall-directory schema',
): DirectoryToolSpecs {
  let document: z.infer<typeof documentSchema>;
  try {
    document = documentSchema.parse(parse(openApiText));
  } catch (cause) {
    throw new ConfigError(`${source}: not an OpenAPI document with paths`, { cause });
  }
  const specs: ToolSpec[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      const parsed = operationSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ConfigError(
          `${source}: ${method.toUpperCase()} ${path}: ${issue?.path.join('.') || '(operation)'}: ${issue?.message}`,
        );
      }
      const op = parsed.data;
      const served = findOperationById(op.operationId);
      const describedParams = op.parameters.map((p) => p.name).sort();
      const servedParams = served?.params.map((p) => p.name).sort();
      if (!served || JSON.stringify(describedParams) !== JSON.stringify(servedParams)) {
        throw new ConfigError(
          `${source}: operation ${op.operationId} (${method.toUpperCase()} ${path}) is not served with these parameters by functions/actions/operations.ts`,
        );
      }
      specs.push({
        name: op.operationId,
        description: [op.summary, op.description].filter(Boolean).join('. '),
        inputSchema: {
          json: {
            type: 'object',
            properties: Object.fromEntries(
              op.parameters.map((p) => [p.name, { type: p.schema.type, description: p.description }]),
            ),
            required: op.parameters.filter((p) => p.required || p.in === 'path').map((p) => p.name),
          },
        },
      });
    }
  }
  if (specs.length === 0) throw new ConfigError(`${source}: defines no operation`);
  return { specs, guidance: document.info.description.trim() };
}
