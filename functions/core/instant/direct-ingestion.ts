import { createHash } from 'node:crypto';
import {
  type BedrockAgentClient,
  DeleteKnowledgeBaseDocumentsCommand,
  type DocumentIdentifier,
  GetKnowledgeBaseDocumentsCommand,
  IngestKnowledgeBaseDocumentsCommand,
  type KnowledgeBaseDocumentDetail,
} from '@aws-sdk/client-bedrock-agent';
import { sidecarKeyFor } from '../documents/document.js';
import type { Log } from '../shared/logger.js';

/**
 * Direct ingestion of single documents into the knowledge base's S3 data source
 * (IngestKnowledgeBaseDocuments / DeleteKnowledgeBaseDocuments / GetKnowledgeBaseDocuments), within the
 * documented default quotas (bedrock-facts.md): at most 25 documents and 6 MB per call, 5 requests per
 * second per API. For an S3 data source the document is named by its S3 URI and its metadata must be
 * given as the sidecar's S3 location: direct ingestion does not discover sidecars by itself.
 */
export const MAX_DOCUMENTS_PER_CALL = 25;
export const MAX_BYTES_PER_CALL = 6 * 1024 * 1024;

export interface DirectIngestionTarget {
  knowledgeBaseId: string;
  dataSourceId: string;
  bucket: string;
}

export interface DirectIngestionDeps {
  bedrock: Pick<BedrockAgentClient, 'send'>;
  log: Log;
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since some origin (performance.now in production): the pacing clock. */
  nowMs?: () => number;
  /** Spacing of calls of one API from this process (1000 / its share of the 5 requests/s). */
  minIntervalMs: number;
}

/** One document to ingest: its key under `kb/` and the bytes of the document and its sidecar. */
export interface DocumentToIngest {
  key: string;
  bytes: number;
}

export const s3Uri = (bucket: string, key: string): string => `s3://${bucket}/${key}`;
const identifier = (bucket: string, key: string): DocumentIdentifier => ({
  dataSourceType: 'S3',
  s3: { uri: s3Uri(bucket, key) },
});

/** Splits documents into calls of at most 25 documents and 6 MB (a larger single document goes alone). */
export function ingestBatches(documents: readonly DocumentToIngest[]): DocumentToIngest[][] {
  const batches: DocumentToIngest[][] = [];
  let current: DocumentToIngest[] = [];
  let bytes = 0;
  for (const doc of documents) {
    if (
      current.length &&
      (current.length >= MAX_DOCUMENTS_PER_CALL || bytes + doc.bytes > MAX_BYTES_PER_CALL)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(doc);
    bytes += doc.bytes;
  }
  if (current.length) batches.push(current);
  return batches;
}

/** Idempotency token of one call: the same documents (keys and bytes) give the same token. */
export function batchToken(kind: string, keys: readonly string[], fingerprint = ''): string {
  return createHash('sha256')
    .update(`${kind}\n${[...keys].sort().join('\n')}\n${fingerprint}`)
    .digest('hex');
}

/** Paces calls per API so this process stays within its share of the 5 requests/s quota. */
export function createPacer(deps: Pick<DirectIngestionDeps, 'minIntervalMs' | 'sleep' | 'nowMs'>) {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const nowMs = deps.nowMs ?? (() => performance.now());
  const last = new Map<string, number>();
  return async (api: string): Promise<void> => {
    const previous = last.get(api);
    const wait = previous === undefined ? 0 : previous + deps.minIntervalMs - nowMs();
    if (wait > 0) await sleep(wait);
    last.set(api, nowMs());
  };
}

export type DocumentStatusMap = Map<string, KnowledgeBaseDocumentDetail>;

const keyOfDetail = (bucket: string, detail: KnowledgeBaseDocumentDetail): string | undefined => {
  const uri = detail.identifier?.s3?.uri;
  const prefix = `s3://${bucket}/`;
  return uri?.startsWith(prefix) ? uri.slice(prefix.length) : undefined;
};

function collect(
  bucket: string,
  details: readonly KnowledgeBaseDocumentDetail[] | undefined,
  into: DocumentStatusMap,
) {
  for (const detail of details ?? []) {
    const key = keyOfDetail(bucket, detail);
    if (key !== undefined) into.set(key, detail);
  }
}

/**
 * Ingests the documents (content and the sidecar's S3 location) and deletes the removed ones. A call
 * that fails after the SDK's retries (throttling included) rejects with the SDK error, naming the
 * documents of that call in `documents` so the caller can fail exactly their hints.
 */
export class DirectIngestionError extends Error {
  override readonly name = 'DirectIngestionError';
  constructor(
    message: string,
    readonly documents: string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * One call of a document API for these documents: paced, its statuses collected, a failure (after the
 * SDK's retries) turned into a DirectIngestionError naming the call's documents.
 */
async function documentCall(
  api: 'IngestKnowledgeBaseDocuments' | 'DeleteKnowledgeBaseDocuments',
  keys: readonly string[],
  send: () => Promise<{ documentDetails?: KnowledgeBaseDocumentDetail[] }>,
  context: { bucket: string; statuses: DocumentStatusMap; pace: (api: string) => Promise<void> },
): Promise<void> {
  await context.pace(api);
  try {
    collect(context.bucket, (await send()).documentDetails, context.statuses);
  } catch (cause) {
    const error = cause as Error;
    throw new DirectIngestionError(
      `${api} (${keys.length} documents) failed: ${error.name}: ${error.message}`,
      [...keys],
      {
        cause,
      },
    );
  }
}

export async function ingestDocuments(
  target: DirectIngestionTarget,
  documents: readonly DocumentToIngest[],
  deps: DirectIngestionDeps,
  pace: (api: string) => Promise<void> = createPacer(deps),
): Promise<DocumentStatusMap> {
  const statuses: DocumentStatusMap = new Map();
  for (const batch of ingestBatches(documents)) {
    const keys = batch.map((doc) => doc.key);
    await documentCall(
      'IngestKnowledgeBaseDocuments',
      keys,
      () =>
        deps.bedrock.send(
          new IngestKnowledgeBaseDocumentsCommand({
            knowledgeBaseId: target.knowledgeBaseId,
            dataSourceId: target.dataSourceId,
            clientToken: batchToken('ingest', keys, batch.map((d) => d.bytes).join(',')),
            documents: batch.map((doc) => ({
              content: { dataSourceType: 'S3', s3: { s3Location: { uri: s3Uri(target.bucket, doc.key) } } },
              metadata: {
                type: 'S3_LOCATION',
                s3Location: { uri: s3Uri(target.bucket, sidecarKeyFor(doc.key)) },
              },
            })),
          }),
        ),
      { bucket: target.bucket, statuses, pace },
    );
  }
  return statuses;
}

export async function deleteDocuments(
  target: DirectIngestionTarget,
  keys: readonly string[],
  deps: DirectIngestionDeps,
  pace: (api: string) => Promise<void> = createPacer(deps),
): Promise<DocumentStatusMap> {
  const statuses: DocumentStatusMap = new Map();
  for (let start = 0; start < keys.length; start += MAX_DOCUMENTS_PER_CALL) {
    const batch = keys.slice(start, start + MAX_DOCUMENTS_PER_CALL);
    await documentCall(
      'DeleteKnowledgeBaseDocuments',
      batch,
      () =>
        deps.bedrock.send(
          new DeleteKnowledgeBaseDocumentsCommand({
            knowledgeBaseId: target.knowledgeBaseId,
            dataSourceId: target.dataSourceId,
            clientToken: batchToken('delete', batch),
            documentIdentifiers: batch.map((key) => identifier(target.bucket, key)),
          }),
        ),
      { bucket: target.bucket, statuses, pace },
    );
  }
  return statuses;
}

/** Statuses after which a document's ingestion will not change by itself. */
export const SETTLED_INGEST = new Set([
  'INDEXED',
  'PARTIALLY_INDEXED',
  'METADATA_PARTIALLY_INDEXED',
  'METADATA_UPDATE_FAILED',
  'FAILED',
  'IGNORED',
  'NOT_FOUND',
]);
/** A removed document is settled once the knowledge base no longer knows it. */
export const SETTLED_DELETE = new Set(['NOT_FOUND', 'FAILED']);
/** Ingestion outcomes that are a failure of the document (the hint is retried, then the DLQ). */
export const FAILED_INGEST = new Set(['FAILED', 'METADATA_UPDATE_FAILED', 'IGNORED', 'NOT_FOUND']);

export interface PollOutcome {
  /** Last status seen per document key. */
  statuses: Map<string, string>;
  /** Documents still not settled when the wait ended. */
  pending: string[];
  /** Milliseconds from the start of polling until each settled document was seen settled. */
  settledAfterMs: Map<string, number>;
}

/**
 * Polls GetKnowledgeBaseDocuments (25 documents a call, paced) until every ingested document is settled
 * (INDEXED, FAILED, …) and every deleted one is NOT_FOUND, or `waitMs` has passed. Waits 1 s, then
 * doubling up to 8 s, between rounds.
 */
export async function pollDocuments(
  target: DirectIngestionTarget,
  documents: { ingested: readonly string[]; deleted: readonly string[] },
  deps: DirectIngestionDeps & { waitMs: number },
  pace: (api: string) => Promise<void> = createPacer(deps),
): Promise<PollOutcome> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const nowMs = deps.nowMs ?? (() => performance.now());
  const started = nowMs();
  const statuses = new Map<string, string>();
  const settledAfterMs = new Map<string, number>();
  const deleted = new Set(documents.deleted);
  const settled = (key: string) => {
    const status = statuses.get(key);
    return status !== undefined && (deleted.has(key) ? SETTLED_DELETE : SETTLED_INGEST).has(status);
  };
  let pending = [...documents.ingested, ...documents.deleted];
  for (let round = 0; pending.length; round++) {
    if (round > 0) {
      const remaining = deps.waitMs - (nowMs() - started);
      if (remaining <= 0) break;
      await sleep(Math.min(1000 * 2 ** Math.min(round - 1, 3), remaining));
    }
    for (let start = 0; start < pending.length; start += MAX_DOCUMENTS_PER_CALL) {
      const batch = pending.slice(start, start + MAX_DOCUMENTS_PER_CALL);
      await pace('get');
      const response = await deps.bedrock.send(
        new GetKnowledgeBaseDocumentsCommand({
          knowledgeBaseId: target.knowledgeBaseId,
          dataSourceId: target.dataSourceId,
          documentIdentifiers: batch.map((key) => identifier(target.bucket, key)),
        }),
      );
      const seen: DocumentStatusMap = new Map();
      collect(target.bucket, response.documentDetails, seen);
      for (const key of batch) {
        // A removed document the API no longer lists is gone.
        const status = seen.get(key)?.status ?? (deleted.has(key) ? 'NOT_FOUND' : undefined);
        if (status !== undefined) statuses.set(key, status);
        if (settled(key) && !settledAfterMs.has(key)) settledAfterMs.set(key, Math.round(nowMs() - started));
      }
    }
    pending = pending.filter((key) => !settled(key));
    if (deps.waitMs <= 0) break;
  }
  return { statuses, pending, settledAfterMs };
}
