import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPERATIONS } from '../../../functions/core/actions/operations.js';

const text = readFileSync(
  new URL('../../../agent-schemas/mall-directory.openapi.yaml', import.meta.url),
  'utf8',
);
const schema = parse(text) as {
  openapi: string;
  info: { description: string };
  paths: Record<
    string,
    Record<
      string,
      {
        operationId?: string;
        description?: string;
        parameters?: {
          name: string;
          in: string;
          description?: string;
          required?: boolean;
          schema?: { type?: string };
        }[];
        responses?: Record<string, unknown>;
      }
    >
  >;
};

const operations = Object.entries(schema.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), ...op })),
);

describe('agent-schemas/mall-directory.openapi.yaml', () => {
  it('is OpenAPI 3.0.0 with at most 11 operations, each with an operationId, a description and a 200', () => {
    expect(schema.openapi).toBe('3.0.0');
    expect(operations.length).toBeGreaterThan(0);
    expect(operations.length).toBeLessThanOrEqual(11);
    for (const op of operations) {
      expect(op.operationId, `${op.method} ${op.path}`).toMatch(/^[a-zA-Z]\w*$/);
      expect(op.description?.length ?? 0, `${op.operationId} description`).toBeGreaterThan(40);
      expect(op.responses?.['200'], `${op.operationId} 200 response`).toBeDefined();
    }
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(operations.length);
  });

  it('uses no enum anywhere (Bedrock does not support it; allowed values are in descriptions)', () => {
    const keys: string[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) {
          keys.push(k);
          walk(v);
        }
    };
    walk(schema);
    expect(keys).not.toContain('enum');
  });

  it('describes exactly the operations the handler serves, with the same parameters and types', () => {
    const described = operations
      .map((op) => ({
        operationId: op.operationId,
        method: op.method,
        path: op.path,
        params: (op.parameters ?? []).map((p) => ({ name: p.name, in: p.in, type: p.schema?.type })),
      }))
      .sort((a, b) => String(a.operationId).localeCompare(String(b.operationId)));
    const served = OPERATIONS.map((op) => ({
      operationId: op.operationId,
      method: op.method,
      path: op.path,
      params: op.params.map((p) => ({ name: p.name, in: p.in, type: p.type })),
    })).sort((a, b) => a.operationId.localeCompare(b.operationId));
    expect(described).toEqual(served);
  });

  it('documents every parameter; path parameters are required, query parameters optional', () => {
    for (const op of operations) {
      for (const p of op.parameters ?? []) {
        expect(p.description?.length ?? 0, `${op.operationId}.${p.name}`).toBeGreaterThan(10);
        expect(p.required, `${op.operationId}.${p.name}`).toBe(p.in === 'path');
      }
    }
  });

  it('tells the model the default date window, the time zone, and the allowed types', () => {
    const events = operations.find((o) => o.operationId === 'listEvents');
    expect(events?.description).toMatch(/today through 7 days/);
    expect(schema.info.description).toMatch(/America\/Santiago/);
    const type = operations
      .find((o) => o.operationId === 'findPlaces')
      ?.parameters?.find((p) => p.name === 'type');
    expect(type?.description).toMatch(/"stores".*"restaurant"/);
  });
});
