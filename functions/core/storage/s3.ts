import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ConditionFailedError, StorageError } from '../shared/errors.js';
import { assertValidKey, assertValidPrefix, compareKeys } from './keys.js';
import type { Storage, StoredObject } from './port.js';

export interface S3StorageOptions {
  bucket: string;
  client: S3Client;
  /** ListObjectsV2 MaxKeys (S3 caps it at 1000, its default). Smaller values only help tests. */
  pageSize?: number;
}

/** DeleteObjects accepts at most 1000 keys per request. */
const DELETE_BATCH = 1000;

/**
 * The data bucket through the AWS SDK v3.
 *
 * - get: GetObject; NoSuchKey → undefined (a missing bucket is an error, not "missing").
 * - put: PutObject with a content type inferred from the key when none is given.
 *   Keys are checked against the portable rules of keys.ts, so the bucket can be mirrored locally.
 * - list: every page of ListObjectsV2. `md5` is the ETag without its quotes: the MD5 of the body for
 *   single-part uploads. A multipart upload's ETag (`<hex>-<parts>`) is NOT an MD5; it is returned
 *   as-is, so callers comparing it with md5Hex(body) will see that object as changed (and rewrite it
 *   as a single-part object, after which it compares equal). "Folder" markers (keys ending in `/`)
 *   are skipped: they are not objects of this store.
 * - delete: DeleteObjects in batches of 1000, Quiet; per-key errors become a StorageError naming the
 *   first failing key. The SDK adds the request checksum DeleteObjects requires on S3.
 * - getTagged / putIf / deleteIf: GetObject's ETag; PutObject with `If-Match` / `If-None-Match: *` and
 *   DeleteObject with `If-Match` (S3 conditional writes, checked by S3 itself). 412 PreconditionFailed,
 *   409 ConditionalRequestConflict (a concurrent conditional write won) and 404 on `If-Match` are the
 *   condition failing: ConditionFailedError; deleteIf answers false.
 * - get and delete accept any key S3 could have listed, even one put() would refuse.
 * Every SDK failure is a StorageError with `cause`, naming the bucket and key (or prefix).
 */
export function createS3Storage(options: S3StorageOptions): Storage {
  const { bucket, client, pageSize } = options;
  const location = `s3://${bucket}`;
  const fail = (action: string, key: string, error: unknown) =>
    new StorageError(`S3 ${action} ${location}/${key} failed: ${describe(error)}`, key, { cause: error });

  async function getObject(key: string): Promise<{ body: Buffer; etag: string } | undefined> {
    assertNonEmpty(key, location);
    try {
      const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const etag = unquote(response.ETag ?? '');
      if (response.Body === undefined) return { body: Buffer.alloc(0), etag };
      const bytes = await response.Body.transformToByteArray();
      return { body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), etag };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as Error | undefined)?.name === 'NoSuchKey') return undefined;
      throw fail('GetObject', key, error);
    }
  }

  return {
    location,

    async get(key) {
      return (await getObject(key))?.body;
    },

    getTagged: getObject,

    async putIf(key, body, condition, putOptions) {
      assertValidKey(key, location);
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      try {
        const response = await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: bytes,
            ContentType: putOptions?.contentType ?? contentTypeFor(key),
            ...('ifMatch' in condition ? { IfMatch: `"${condition.ifMatch}"` } : { IfNoneMatch: '*' }),
          }),
        );
        return unquote(response.ETag ?? '');
      } catch (error) {
        if (isConditionFailure(error)) {
          const wanted = 'ifMatch' in condition ? `If-Match: ${condition.ifMatch}` : 'If-None-Match: *';
          throw new ConditionFailedError(
            `S3 conditional PutObject ${location}/${key} (${wanted}) failed: ${describe(error)}`,
            key,
            { cause: error },
          );
        }
        throw fail('PutObject', key, error);
      }
    },

    async deleteIf(key, etag) {
      assertNonEmpty(key, location);
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, IfMatch: `"${etag}"` }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw fail('DeleteObject', key, error);
      }
    },

    async getStream(key) {
      assertNonEmpty(key, location);
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (response.Body === undefined) return Readable.from([]);
        // In Node the SDK's body is an IncomingMessage: a Readable of the bytes as they arrive.
        return response.Body as Readable;
      } catch (error) {
        if (error instanceof NoSuchKey || (error as Error | undefined)?.name === 'NoSuchKey')
          return undefined;
        throw fail('GetObject', key, error);
      }
    },

    async putFile(key, file, putOptions) {
      assertValidKey(key, location);
      try {
        const { size } = await stat(file);
        // A single PutObject with a known length streams the file; its ETag stays the MD5 of the bytes.
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: createReadStream(file),
            ContentLength: size,
            ContentType: putOptions?.contentType ?? contentTypeFor(key),
          }),
        );
      } catch (error) {
        throw fail('PutObject', key, error);
      }
    },

    async put(key, body, putOptions) {
      assertValidKey(key, location);
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: bytes,
            ContentType: putOptions?.contentType ?? contentTypeFor(key),
          }),
        );
      } catch (error) {
        throw fail('PutObject', key, error);
      }
    },

    async list(prefix) {
      assertValidPrefix(prefix, location);
      const objects: StoredObject[] = [];
      let continuationToken: string | undefined;
      do {
        let page: Awaited<ReturnType<typeof listPage>>;
        try {
          page = await listPage(continuationToken);
        } catch (error) {
          throw fail('ListObjectsV2', prefix, error);
        }
        for (const item of page.Contents ?? []) {
          if (item.Key === undefined || item.Key.endsWith('/')) continue;
          objects.push({ key: item.Key, md5: unquote(item.ETag ?? ''), size: item.Size ?? 0 });
        }
        continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
        if (page.IsTruncated && continuationToken === undefined) {
          throw new StorageError(
            `S3 ListObjectsV2 ${location}/${prefix} failed: truncated page without a continuation token`,
            prefix,
          );
        }
      } while (continuationToken !== undefined);
      return objects.sort((a, b) => compareKeys(a.key, b.key));

      function listPage(token: string | undefined) {
        return client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix === '' ? undefined : prefix,
            ContinuationToken: token,
            MaxKeys: pageSize,
          }),
        );
      }
    },

    async delete(keys) {
      for (const key of keys) assertNonEmpty(key, location);
      const unique = [...new Set(keys)];
      for (let start = 0; start < unique.length; start += DELETE_BATCH) {
        const batch = unique.slice(start, start + DELETE_BATCH);
        let errors: { Key?: string; Code?: string; Message?: string }[] | undefined;
        try {
          const response = await client.send(
            new DeleteObjectsCommand({
              Bucket: bucket,
              Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
            }),
          );
          errors = response.Errors;
        } catch (error) {
          throw fail('DeleteObjects', batch[0] ?? '', error);
        }
        const first = errors?.[0];
        if (first !== undefined && errors !== undefined) {
          const key = first.Key ?? batch[0] ?? '';
          const more = errors.length > 1 ? ` (and ${errors.length - 1} more keys)` : '';
          throw new StorageError(
            `S3 DeleteObjects ${location}/${key} failed: ${first.Code ?? 'Error'} ${first.Message ?? ''}`.trim() +
              more,
            key,
          );
        }
      }
    },
  };
}

/** Content type from the key's extension; the pipeline's own kinds first. */
export function contentTypeFor(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1).toLowerCase();
  const extension = name.includes('.') ? name.slice(name.lastIndexOf('.')) : '';
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.gz': 'application/gzip',
  '.jsonl': 'application/x-ndjson',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.pdf': 'application/pdf',
};

function assertNonEmpty(key: string, location: string): void {
  if (key === '') throw new StorageError(`Invalid storage key "" in ${location}: it is empty`, key);
}

/**
 * S3's answers when a conditional request's precondition does not hold (or lost a race). A 404 counts
 * only as NoSuchKey (If-Match on a missing object), never NoSuchBucket.
 */
function isConditionFailure(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
  return (
    name === 'PreconditionFailed' ||
    name === 'ConditionalRequestConflict' ||
    name === 'NoSuchKey' ||
    status === 412 ||
    status === 409
  );
}

function unquote(etag: string): string {
  return etag.replace(/^"(.*)"$/, '$1');
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const message = error.message && error.message !== 'UnknownError' ? error.message : '';
  return [error.name, message].filter(Boolean).join(': ').replace(/\s+/g, ' ');
}
