// Runs s3rver in its own Node process for the S3 adapter tests (see s3rver-fixture.ts for why).
// argv[2]: data directory. Sends {port} over IPC once listening; closes on 'close' or when the parent goes.
import { createRequire } from 'node:module';

const S3rver = createRequire(import.meta.url)('s3rver');
const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: process.argv[2] });

// s3rver 3.7 ignores If-Match / If-None-Match on PutObject and DeleteObject. This middleware adds S3's
// conditional-write semantics in front of its router: If-None-Match: * on an existing object → 412;
// If-Match on a missing object → 404 NoSuchKey, on another ETag → 412. Conditional requests for one key
// run one at a time (check and write together), so two racing writers cannot both win — as on S3 — and
// reads of the key wait for them.
const tails = new Map();
function serialised(key, task) {
  const run = (tails.get(key) ?? Promise.resolve()).then(task, task);
  const tail = run.catch(() => {});
  tails.set(key, tail);
  return run;
}
function s3Error(ctx, status, code, message) {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}
const unquote = (etag) =>
  String(etag)
    .trim()
    .replace(/^"(.*)"$/, '$1');
server.middleware.unshift(async (ctx, next) => {
  const ifMatch = ctx.get('if-match');
  const ifNoneMatch = ctx.get('if-none-match');
  const conditional =
    (ctx.method === 'PUT' && (ifMatch || ifNoneMatch)) || (ctx.method === 'DELETE' && ifMatch);
  const [, bucket, ...rest] = ctx.path.split('/');
  if (!bucket || rest.length === 0 || ctx.querystring.includes('uploadId')) return next();
  const key = rest.map(decodeURIComponent).join('/');
  if (!conditional) {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    // s3rver rewrites an object's file in place, so a read during a write sees part of it; S3 never
    // shows a partial object. A read of a key is read whole in turn with the conditional writes of it.
    return serialised(`${bucket}/${key}`, async () => {
      await next();
      const body = ctx.body;
      if (body && typeof body.pipe === 'function') {
        const chunks = [];
        for await (const chunk of body) chunks.push(chunk);
        ctx.body = Buffer.concat(chunks);
      }
    });
  }
  return serialised(`${bucket}/${key}`, async () => {
    const current = await server.store.getMetadata(bucket, key).then(
      (metadata) => unquote(metadata.etag),
      () => undefined,
    );
    if (ifNoneMatch === '*' && current !== undefined) {
      return s3Error(
        ctx,
        412,
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
      );
    }
    if (ifMatch && current === undefined) {
      return s3Error(ctx, 404, 'NoSuchKey', 'The specified key does not exist.');
    }
    if (ifMatch && unquote(ifMatch) !== current) {
      return s3Error(
        ctx,
        412,
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
      );
    }
    await next();
  });
});

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
