import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';

export interface S3rverFixture {
  endpoint: string;
  /** A new client for the server (destroyed on close), so a test can add its own middleware. */
  client(): S3Client;
  close(): Promise<void>;
}

/**
 * A real S3 API (s3rver 3.7) on 127.0.0.1, on a free port, storing into a temp dir removed on close.
 *
 * s3rver runs in a child Node process started with `--openssl-legacy-provider`: it encrypts
 * ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node ≥ 17) only offers through the legacy
 * provider; without it every truncated listing answers 500 InternalError. The flag is scoped to that
 * child, not to the test process.
 */
export async function startS3rver(): Promise<S3rverFixture> {
  const directory = await mkdtemp(path.join(tmpdir(), 'wpkb-s3rver-'));
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./s3rver-process.mjs', import.meta.url)),
    [directory],
    {
      execArgv: ['--openssl-legacy-provider'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const exited = once(child, 'exit');
  const [message] = (await Promise.race([
    once(child, 'message'),
    exited.then(([code]) => {
      throw new Error(`s3rver process exited with code ${code} before listening`);
    }),
  ])) as [{ port: number }];
  const endpoint = `http://127.0.0.1:${message.port}`;
  const clients: S3Client[] = [];
  return {
    endpoint,
    client() {
      const client = new S3Client({
        endpoint,
        forcePathStyle: true,
        region: 'us-east-1',
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        // A streamed body (putFile) otherwise goes out aws-chunked with a trailing CRC32, which S3 decodes
        // and s3rver stores as it came.
        requestChecksumCalculation: 'WHEN_REQUIRED',
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      if (child.exitCode === null) {
        child.send('close');
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
