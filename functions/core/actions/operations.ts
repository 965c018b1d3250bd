import type { ActionContext, Outcome } from './context.js';
import { listEvents } from './events.js';
import { describeDirectory, getItem } from './items.js';
import type { Params } from './params.js';
import { findPlaces, listOpenPlaces } from './places.js';

export type ParamType = 'string' | 'integer' | 'boolean';

export interface ParamSpec {
  name: string;
  in: 'query' | 'path';
  type: ParamType;
}

/** One operation of the "mall directory" action group; the OpenAPI schema describes the same set. */
export interface Operation {
  operationId: string;
  method: 'GET';
  /** As in the schema and in Bedrock's `apiPath`: `/items/{sourceId}`. */
  path: string;
  params: ParamSpec[];
  run(ctx: ActionContext, params: Params): Promise<Outcome>;
}

const q = (name: string, type: ParamType = 'string'): ParamSpec => ({ name, in: 'query', type });
const placeFilters = [q('name'), q('category'), q('level'), q('type'), q('limit', 'integer')];

export const OPERATIONS: readonly Operation[] = [
  {
    operationId: 'listEvents',
    method: 'GET',
    path: '/events',
    params: [q('from'), q('to'), q('q'), q('limit', 'integer')],
    run: listEvents,
  },
  { operationId: 'findPlaces', method: 'GET', path: '/places', params: placeFilters, run: findPlaces },
  {
    operationId: 'listOpenPlaces',
    method: 'GET',
    path: '/places/open',
    params: [q('at'), q('holiday', 'boolean'), ...placeFilters],
    run: listOpenPlaces,
  },
  {
    operationId: 'getItem',
    method: 'GET',
    path: '/items/{sourceId}',
    params: [{ name: 'sourceId', in: 'path', type: 'string' }],
    run: getItem,
  },
  { operationId: 'describeDirectory', method: 'GET', path: '/directory', params: [], run: describeDirectory },
];

/** The operation for a method and schema path (`/items/{sourceId}`), if any. */
export const findOperation = (method: string, apiPath: string): Operation | undefined =>
  OPERATIONS.find((o) => o.method === method.toUpperCase() && o.path === apiPath);

/** The operation with this operationId (a Converse tool's name), if any. */
export const findOperationById = (operationId: string): Operation | undefined =>
  OPERATIONS.find((o) => o.operationId === operationId);

/**
 * Matches a concrete path (`/items/123`) to an operation's template, with its path parameters.
 * Bedrock sends the template itself as `apiPath`; the local CLI starts from a concrete URL.
 */
export function matchPath(
  method: string,
  path: string,
): { operation: Operation; pathParams: Record<string, string> } | undefined {
  for (const operation of OPERATIONS) {
    if (operation.method !== method.toUpperCase()) continue;
    const names: string[] = [];
    const pattern = operation.path
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\{(\w+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
    const m = new RegExp(`^${pattern}/?$`).exec(path);
    if (!m) continue;
    const pathParams: Record<string, string> = {};
    names.forEach((name, i) => {
      pathParams[name] = decodeURIComponent(m[i + 1] ?? '');
    });
    return { operation, pathParams };
  }
  return undefined;
}
