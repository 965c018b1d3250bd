import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeResponse {
  status: number;
  body: unknown;
}

/**
 * A fake of Pinecone's data plane (the index host) on 127.0.0.1: `POST /describe_index_stats` answers
 * with `respond()` when the `Api-Key` header is the expected key, 401 in Pinecone's error shape
 * otherwise; any other path is 404. Every request is recorded.
 */
export async function startFakePineconeData(apiKey: string) {
  const requests: RecordedRequest[] = [];
  let respond: () => FakeResponse = () => ({ status: 500, body: { error: 'not configured' } });

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      requests.push({
        method: req.method ?? '',
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || path !== '/describe_index_stats')
        return send(404, { code: 5, message: 'Not Found' });
      if (req.headers['api-key'] !== apiKey) {
        return send(401, { error: { code: 'UNAUTHENTICATED', message: 'Invalid API Key' }, status: 401 });
      }
      const { status, body } = respond();
      send(status, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    host: `http://127.0.0.1:${port}`,
    requests,
    /** What describe_index_stats answers from now on. */
    answer(response: FakeResponse) {
      respond = () => response;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
