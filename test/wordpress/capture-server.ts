/**
 * A stand-in for wpkb's webhook receiver on 127.0.0.1: records every request (raw body bytes as
 * received, headers) and answers with a status the test chooses. `collect()` tells the test exactly
 * which notifications a step produced: it waits for the expected ones, then sends a fence request of its
 * own and returns everything that arrived before the fence — so "nothing else was sent" is checked too.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { Socket } from 'node:net';

export interface CapturedRequest {
  method: string;
  /** Path and query as requested. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received (UTF-8). */
  body: string;
}

export interface CaptureServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Status and body of the answers from now on (default 202, `{"accepted":true}`). */
  respondWith(status: number, body?: string): void;
  /**
   * Waits until `expected` requests arrived (at most `timeoutMs`), then returns every request that arrived
   * before a fence sent afterwards, and forgets them.
   */
  collect(expected: number, timeoutMs?: number): Promise<CapturedRequest[]>;
  close(): Promise<void>;
}

const FENCE_PATH = '/__fence';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startCaptureServer(): Promise<CaptureServer> {
  let status = 202;
  let answer = '{"accepted":true}';
  let received: CapturedRequest[] = [];
  /** Fence path → position of its connection in `connections`. */
  const fences = new Map<string, number>();
  /** Connections in the order they were accepted; a connection is settled once its request was read or it closed. */
  const connections: { socket: Socket; settled: boolean }[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '';
      if (path.startsWith(FENCE_PATH)) {
        fences.set(
          path,
          connections.findIndex((c) => c.socket === req.socket),
        );
      } else received.push({ method: req.method ?? '', path, headers: req.headers, body });
      for (const connection of connections) if (connection.socket === req.socket) connection.settled = true;
      res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
      res.end(answer);
    });
  });
  server.on('connection', (socket) => {
    const connection = { socket, settled: false };
    connections.push(connection);
    socket.on('close', () => {
      connection.settled = true;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const sendFence = (path: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request(`${url}${path}`, { method: 'POST', agent: false }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });

  return {
    url,
    respondWith(nextStatus, nextBody = '{"accepted":true}') {
      status = nextStatus;
      answer = nextBody;
    },
    async collect(expected, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < expected && Date.now() < deadline) await sleep(20);
      // Connections are accepted in the order they were made: every sender that connected before the
      // fence sits before it in `connections`, and counts once its request was read (or it hung up).
      const fence = `${FENCE_PATH}/${randomUUID()}`;
      await sendFence(fence);
      const position = fences.get(fence) ?? connections.length;
      fences.delete(fence);
      while (connections.slice(0, position).some((c) => !c.settled)) {
        if (Date.now() > deadline)
          throw new Error('capture server: a request sent before the fence never finished');
        await sleep(20);
      }
      const result = received;
      received = [];
      connections.splice(0, connections.length);
      return result;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
