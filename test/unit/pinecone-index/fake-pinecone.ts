import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback fake of Pinecone's control plane (the part the index resource uses): GET/POST/DELETE
 * `/indexes`, with the JSON shapes of the 2025-era API (snake_case on the wire, as the SDK expects).
 * A created index reports `Initializing` for `describesUntilReady` describes, then `Ready`.
 */

export interface FakeIndex {
  name: string;
  dimension?: number;
  metric: string;
  host: string;
  deletion_protection: 'enabled' | 'disabled';
  tags?: Record<string, string>;
  spec: Record<string, unknown>;
  status: { ready: boolean; state: string };
  vector_type: string;
  embed?: Record<string, unknown>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  apiKey: string | undefined;
  body?: unknown;
}

export interface FakePinecone {
  url: string;
  indexes: Map<string, FakeIndex>;
  requests: RecordedRequest[];
  /** Describes a created index answers with `Initializing` before it turns `Ready`. */
  describesUntilReady: number;
  /** Force the next responses to a status (e.g. 500) for a given method. */
  failNext: Map<string, { status: number; body: unknown }>;
  close(): Promise<void>;
}

export function serverlessIndex(
  name: string,
  overrides: Partial<FakeIndex> = {},
  where: { cloud: string; region: string } = { cloud: 'aws', region: 'us-east-1' },
): FakeIndex {
  return {
    name,
    dimension: 1024,
    metric: 'cosine',
    host: `${name}-a1b2c3d.svc.aped-4627-b74a.pinecone.io`,
    deletion_protection: 'disabled',
    spec: {
      serverless: {
        ...where,
        read_capacity: {
          mode: 'OnDemand',
          status: { state: 'Ready', current_shards: null, current_replicas: null },
        },
      },
    },
    status: { ready: true, state: 'Ready' },
    vector_type: 'dense',
    ...overrides,
  };
}

const notFound = (res: ServerResponse, name: string) =>
  send(res, 404, { error: { code: 'NOT_FOUND', message: `Resource ${name} not found` }, status: 404 });

function send(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

export async function startFakePinecone(): Promise<FakePinecone> {
  const indexes = new Map<string, FakeIndex>();
  const requests: RecordedRequest[] = [];
  const failNext = new Map<string, { status: number; body: unknown }>();
  const describes = new Map<string, number>();
  const state = { describesUntilReady: 2 };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const method = req.method ?? 'GET';
      const body = method === 'POST' ? await readBody(req) : undefined;
      const header = req.headers['api-key'];
      requests.push({ method, path, apiKey: Array.isArray(header) ? header[0] : header, body });
      const forced = failNext.get(method);
      if (forced) {
        failNext.delete(method);
        return send(res, forced.status, forced.body);
      }
      const match = /^\/indexes\/([^/]+)$/.exec(path);
      if (method === 'GET' && match?.[1]) {
        const name = decodeURIComponent(match[1]);
        const index = indexes.get(name);
        if (!index) return notFound(res, name);
        const seen = (describes.get(name) ?? 0) + 1;
        describes.set(name, seen);
        if (!index.status.ready && seen >= state.describesUntilReady)
          index.status = { ready: true, state: 'Ready' };
        return send(res, 200, index);
      }
      if (method === 'POST' && path === '/indexes') {
        const request = body as {
          name: string;
          dimension?: number;
          metric?: string;
          deletion_protection?: 'enabled' | 'disabled';
          tags?: Record<string, string>;
          spec: { serverless?: { cloud: string; region: string } };
          vector_type?: string;
        };
        if (indexes.has(request.name)) {
          return send(res, 409, {
            error: { code: 'ALREADY_EXISTS', message: 'Resource already exists' },
            status: 409,
          });
        }
        const index = serverlessIndex(
          request.name,
          {
            dimension: request.dimension,
            metric: request.metric ?? 'cosine',
            deletion_protection: request.deletion_protection ?? 'disabled',
            tags: request.tags,
            vector_type: request.vector_type ?? 'dense',
            status: { ready: false, state: 'Initializing' },
          },
          request.spec.serverless,
        );
        indexes.set(request.name, index);
        describes.set(request.name, 0);
        return send(res, 201, index);
      }
      if (method === 'DELETE' && match?.[1]) {
        const name = decodeURIComponent(match[1]);
        const index = indexes.get(name);
        if (!index) return notFound(res, name);
        if (index.deletion_protection === 'enabled') {
          return send(res, 403, {
            error: { code: 'FORBIDDEN', message: `Deletion protection is enabled for this index: ${name}` },
            status: 403,
          });
        }
        indexes.delete(name);
        return send(res, 202);
      }
      return send(res, 404, {
        error: { code: 'NOT_FOUND', message: `no route ${method} ${path}` },
        status: 404,
      });
    })().catch((error: unknown) => send(res, 500, { error: { code: 'INTERNAL', message: String(error) } }));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    indexes,
    requests,
    get describesUntilReady() {
      return state.describesUntilReady;
    },
    set describesUntilReady(value: number) {
      state.describesUntilReady = value;
    },
    failNext,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
