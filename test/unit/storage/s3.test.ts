import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConditionFailedError } from '../../../functions/core/shared/errors.js';
import { md5Hex } from '../../../functions/core/storage/codec.js';
import { contentTypeFor, createS3Storage } from '../../../functions/core/storage/s3.js';
import { describeStorageContract, putMany, storageErrorFrom } from './contract.js';
import { type S3rverFixture, startS3rver } from './s3rver-fixture.js';

let s3rver: S3rverFixture;
let client: S3Client;
let bucketCounter = 0;

/** A new, empty bucket on the s3rver. */
async function freshBucket(): Promise<string> {
  const bucket = `wpkb-test-${++bucketCounter}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

beforeAll(async () => {
  s3rver = await startS3rver();
  client = s3rver.client();
});
afterAll(async () => {
  await s3rver?.close();
});

describeStorageContract('S3 (s3rver)', async () => createS3Storage({ bucket: await freshBucket(), client }));

describe('createS3Storage against s3rver', () => {
  let bucket: string;
  beforeEach(async () => {
    bucket = await freshBucket();
  });

  it('names the bucket as its location', () => {
    expect(createS3Storage({ bucket, client }).location).toBe(`s3://${bucket}`);
  });

  it('reports the ETag of a single-part upload as the MD5 of the body', async () => {
    const storage = createS3Storage({ bucket, client });
    await storage.put('kb/stores/12.csv', 'id,content\n12,Café\n');
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'kb/stores/12.csv' }));
    const [listed] = await storage.list('kb/');
    expect(listed?.md5).toBe(md5Hex('id,content\n12,Café\n'));
    expect(`"${listed?.md5}"`).toBe(head.ETag);
  });

  it('sets the content type from the key unless one is given', async () => {
    const storage = createS3Storage({ bucket, client });
    await storage.put('catalog/stores.json', '{}');
    await storage.put('kb/stores/1.csv', 'a,b\n');
    await storage.put('raw/stores/r1.jsonl.gz', Buffer.from([0x1f, 0x8b]));
    await storage.put('kb/stores/1.csv.metadata.json', '{}');
    await storage.put('curated/notes', 'x');
    await storage.put('exports/stores.csv', 'x', { contentType: 'text/plain' });
    const typeOf = async (key: string) =>
      (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentType;
    expect(await typeOf('catalog/stores.json')).toBe('application/json');
    expect(await typeOf('kb/stores/1.csv')).toBe('text/csv; charset=utf-8');
    expect(await typeOf('raw/stores/r1.jsonl.gz')).toBe('application/gzip');
    expect(await typeOf('kb/stores/1.csv.metadata.json')).toBe('application/json');
    expect(await typeOf('curated/notes')).toBe('application/octet-stream');
    expect(await typeOf('exports/stores.csv')).toBe('text/plain');
  });

  it('follows continuation tokens through every page', async () => {
    let listCalls = 0;
    const counting = s3rver.client();
    counting.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ListObjectsV2Command') listCalls++;
        return next(args);
      },
      { step: 'initialize' },
    );
    const storage = createS3Storage({ bucket, client: counting, pageSize: 2 });
    const keys = ['kb/a.csv', 'kb/b.csv', 'kb/c.csv', 'kb/d.csv', 'kb/e.csv'];
    await putMany(
      storage,
      keys.map((k) => [k, k]),
    );
    expect((await storage.list('kb/')).map((o) => o.key)).toEqual(keys);
    expect(listCalls).toBe(3);
  });

  it('deletes in batches of at most 1000 keys, quietly', async () => {
    const batches: { size: number; quiet: boolean | undefined }[] = [];
    const recording = s3rver.client();
    recording.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteObjectsCommand') {
          const input = args.input as { Delete?: { Objects?: unknown[]; Quiet?: boolean } };
          batches.push({ size: input.Delete?.Objects?.length ?? 0, quiet: input.Delete?.Quiet });
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const storage = createS3Storage({ bucket, client: recording });
    const keys = Array.from({ length: 1001 }, (_, i) => `kb/x/${i}.csv`);
    await putMany(
      storage,
      keys.slice(0, 3).map((k) => [k, k]),
    );
    await storage.delete(keys);
    expect(batches).toEqual([
      { size: 1000, quiet: true },
      { size: 1, quiet: true },
    ]);
    expect(await storage.list('kb/')).toEqual([]);
  });

  it('sends DeleteObjects with the integrity header real S3 requires (s3rver does not check it)', async () => {
    const headerNames: string[][] = [];
    const inspecting = s3rver.client();
    inspecting.middlewareStack.add(
      (next, context) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (context.commandName === 'DeleteObjectsCommand')
          headerNames.push(Object.keys(request.headers ?? {}));
        return next(args);
      },
      { step: 'finalizeRequest' },
    );
    await createS3Storage({ bucket, client: inspecting }).delete(['kb/a.csv']);
    expect(headerNames).toHaveLength(1);
    expect(
      headerNames[0]?.some((name) => /^(content-md5|x-amz-checksum-[a-z0-9]+)$/i.test(name)),
      `headers: ${headerNames[0]?.join(', ')}`,
    ).toBe(true);
  });

  it('skips "folder" marker objects when listing', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'kb/', Body: '' }));
    const storage = createS3Storage({ bucket, client });
    await storage.put('kb/stores/1.csv', 'x');
    expect((await storage.list('kb')).map((o) => o.key)).toEqual(['kb/stores/1.csv']);
  });

  it('wraps SDK failures in a StorageError naming the bucket and key, with the cause', async () => {
    const storage = createS3Storage({ bucket: 'wpkb-no-such-bucket', client });
    for (const [attempt, key] of [
      [() => storage.get('kb/stores/1.csv'), 'kb/stores/1.csv'],
      [() => storage.put('kb/stores/2.csv', 'x'), 'kb/stores/2.csv'],
      [() => storage.list('kb/'), 'kb/'],
      [() => storage.delete(['kb/stores/3.csv']), 'kb/stores/3.csv'],
    ] as const) {
      const error = await storageErrorFrom(attempt());
      expect(error.key).toBe(key);
      expect(error.message).toContain(`s3://wpkb-no-such-bucket/${key}`);
      expect(error.message).toContain('NoSuchBucket');
      expect(error.message).not.toContain('\n');
      expect(error.cause).toBeInstanceOf(Error);
    }
  });

  it('reads an object written by another S3 client byte for byte', async () => {
    const body = Buffer.from('Horario: lunes a domingo, 10:00–21:00 🕙', 'utf8');
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'kb/hours.csv', Body: body }));
    const storage = createS3Storage({ bucket, client });
    expect((await storage.get('kb/hours.csv'))?.equals(body)).toBe(true);
    const direct = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'kb/hours.csv' }));
    expect(direct.ETag).toBe(`"${md5Hex(body)}"`);
  });
});

describe('createS3Storage at the SDK boundary (responses s3rver cannot produce)', () => {
  const offline = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const mock = mockClient(offline);
  const storage = createS3Storage({ bucket: 'wpkb-data', client: offline });
  beforeEach(() => {
    mock.reset();
  });
  afterAll(() => {
    mock.restore();
    offline.destroy();
  });

  it('sends conditional writes as S3 preconditions and maps their refusals to ConditionFailedError', async () => {
    mock.on(PutObjectCommand).resolvesOnce({ ETag: '"abc"' });
    expect(await storage.putIf('locks/data.json', '{}', { ifNoneMatch: '*' })).toBe('abc');
    expect(mock.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      Key: 'locks/data.json',
      IfNoneMatch: '*',
    });
    const conflict = Object.assign(new Error('A conflicting conditional operation is in progress'), {
      name: 'ConditionalRequestConflict',
      $metadata: { httpStatusCode: 409 },
    });
    mock.reset();
    mock.on(PutObjectCommand).rejects(conflict);
    const error = await storageErrorFrom(storage.putIf('catalog/stores.json', '{}', { ifMatch: 'abc' }));
    expect(error).toBeInstanceOf(ConditionFailedError);
    expect(error.message).toContain('If-Match: abc');
    expect(mock.commandCalls(PutObjectCommand)[0]?.args[0].input.IfMatch).toBe('"abc"');

    const denied = Object.assign(new Error('Access Denied'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    mock.reset();
    mock.on(PutObjectCommand).rejects(denied);
    const other = await storageErrorFrom(storage.putIf('catalog/stores.json', '{}', { ifMatch: 'abc' }));
    expect(other).not.toBeInstanceOf(ConditionFailedError);

    mock.on(DeleteObjectCommand).rejects(
      Object.assign(new Error('precondition'), {
        name: 'PreconditionFailed',
        $metadata: { httpStatusCode: 412 },
      }),
    );
    expect(await storage.deleteIf('locks/data.json', 'abc')).toBe(false);
    expect(mock.commandCalls(DeleteObjectCommand)[0]?.args[0].input.IfMatch).toBe('"abc"');
  });

  it('returns a multipart ETag as-is: it is not an MD5, so callers will see the object as changed', async () => {
    mock.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: 'kb/big.csv', ETag: '"9b2cf535f27731c974343645a3985328-3"', Size: 20_000_000 }],
      IsTruncated: false,
    });
    expect(await storage.list('kb/')).toEqual([
      { key: 'kb/big.csv', md5: '9b2cf535f27731c974343645a3985328-3', size: 20_000_000 },
    ]);
  });

  it('turns per-key DeleteObjects errors into a StorageError naming the first failing key', async () => {
    mock.on(DeleteObjectsCommand).resolves({
      Errors: [
        { Key: 'kb/b.csv', Code: 'AccessDenied', Message: 'Access Denied' },
        { Key: 'kb/c.csv', Code: 'AccessDenied', Message: 'Access Denied' },
      ],
    });
    const error = await storageErrorFrom(storage.delete(['kb/a.csv', 'kb/b.csv', 'kb/c.csv']));
    expect(error.key).toBe('kb/b.csv');
    expect(error.message).toBe(
      'S3 DeleteObjects s3://wpkb-data/kb/b.csv failed: AccessDenied Access Denied (and 1 more keys)',
    );
  });

  it('refuses a truncated listing without a continuation token instead of returning part of it', async () => {
    mock
      .on(ListObjectsV2Command)
      .resolves({ Contents: [{ Key: 'kb/a.csv', ETag: '"x"', Size: 1 }], IsTruncated: true });
    await expect(storage.list('kb/')).rejects.toThrow(/truncated page without a continuation token/);
  });
});

describe('contentTypeFor', () => {
  it.each([
    ['kb/stores/1.csv', 'text/csv; charset=utf-8'],
    ['KB/STORES/1.CSV', 'text/csv; charset=utf-8'],
    ['kb/stores/1.csv.metadata.json', 'application/json'],
    ['raw/stores/run.jsonl.gz', 'application/gzip'],
    ['curated/faq.md', 'text/markdown; charset=utf-8'],
    ['curated/.hidden', 'application/octet-stream'],
    ['curated.d/noext', 'application/octet-stream'],
  ])('%s → %s', (key, type) => {
    expect(contentTypeFor(key)).toBe(type);
  });
});
