// Runs s3rver in its own Node process for the S3 adapter tests (see s3rver-fixture.ts for why).
// argv[2]: data directory. Sends {port} over IPC once listening; closes on 'close' or when the parent goes.
import { createRequire } from 'node:module';

const S3rver = createRequire(import.meta.url)('s3rver');
const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: process.argv[2] });
const { port } = await server.run();
process.send?.({ port });

let closing = false;
async function close() {
  if (closing) return;
  closing = true;
  await server.close();
  process.exit(0);
}
process.on('message', (message) => {
  if (message === 'close') void close();
});
process.on('disconnect', () => void close());
