import { type BedrockAgentClient, ListIngestionJobsCommand } from '@aws-sdk/client-bedrock-agent';
import { documentKey, sidecarKeyFor } from '../documents/document.js';
import { oneLine } from '../shared/errors.js';
import { tryAcquireDataLock } from '../storage/data-lock.js';
import { readQueuedHint } from '../webhook/queue-message.js';
import { applyHints, type UpdateResult } from './apply.js';
import {
  createPacer,
  DirectIngestionError,
  type DirectIngestionTarget,
  type DocumentToIngest,
  deleteDocuments,
  FAILED_INGEST,
  ingestDocuments,
  pollDocuments,
} from './direct-ingestion.js';
import type { InstantDeps } from './item.js';

/** The SQS record fields the worker reads (Lambda's SQS event, FIFO queue). */
export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: {
    ApproximateReceiveCount?: string;
    MessageGroupId?: string;
    [name: string]: string | undefined;
  };
  eventSourceARN?: string;
}

export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

export interface WorkerSettings extends DirectIngestionTarget {
  /** How long to wait for GetKnowledgeBaseDocuments to report the documents settled. */
  indexWaitMs: number;
  /** Spacing of calls per Bedrock document API from one worker (its share of 5 requests/s). */
  minIntervalMs: number;
  /** The data lock's time to live: more than the worker's timeout. */
  lockTtlMs: number;
  /** A hint that found the data busy (a job running, the lock held) is visible again after this. */
  busyDelaySeconds: number;
}

export interface WorkerMetrics {
  count(name: string, value: number): void;
  milliseconds(name: string, value: number): void;
}

export interface WorkerDeps extends InstantDeps {
  bedrock: Pick<BedrockAgentClient, 'send'>;
  settings: WorkerSettings;
  metrics: WorkerMetrics;
  /** Who takes the lock: `worker:<aws request id>`. */
  owner: string;
  /** Makes a message visible again after `seconds` (SQS ChangeMessageVisibility). */
  delay?: (record: SqsRecord, seconds: number) => Promise<void>;
}

export const WORKER_METRICS = {
  applied: 'InstantUpdatesApplied',
  failed: 'InstantUpdatesFailed',
  busy: 'InstantUpdatesDeferred',
  indexed: 'InstantDocumentsIndexed',
  documentFailed: 'InstantDocumentsFailed',
  pending: 'InstantDocumentsPending',
  indexLatency: 'InstantIndexLatency',
} as const;

const RUNNING_JOB = ['STARTING', 'IN_PROGRESS'];

/**
 * One batch of hints from the FIFO queue, end to end. Never while an ingestion job runs or the data lock
 * is held (the nightly transform, another worker, the sync step starting a job): then every message
 * comes back later (ChangeMessageVisibility to `busyDelaySeconds`). Otherwise, under the lock: the hints
 * are applied to S3 (apply.ts), the written documents are ingested and the removed ones deleted
 * directly, and their statuses polled until settled or `indexWaitMs`; the lock is released after that,
 * so no ingestion job starts while Bedrock still processes these documents.
 *
 * Failures come back per message (`batchItemFailures`): an update that failed (WordPress down, a bad
 * item), a direct-ingestion call that failed after the SDK's retries (throttling included), or a
 * document Bedrock reports FAILED. Each message group is one item, and its messages fail together, so
 * order within a group holds; other groups go on. After the queue's maxReceiveCount a message goes to the
 * dead-letter queue (alarmed); the nightly run reconciles the item anyway.
 *
 * A message received before (ApproximateReceiveCount > 1) may have failed after its document was
 * written: its document is ingested (or deleted) again even when the bytes did not change.
 */
export async function processHintBatch(
  records: readonly SqsRecord[],
  deps: WorkerDeps,
): Promise<BatchResponse> {
  const { log, settings, metrics } = deps;
  const failed = new Set<string>();
  const parsed: { hint: Parameters<typeof applyHints>[0][number]['hint']; ref: SqsRecord }[] = [];
  for (const record of records) {
    const read = readQueuedHint(record.body, {
      siteUrl: deps.config.site.url,
      contentTypes: deps.config.contentTypes,
    });
    if (read.ok) parsed.push({ hint: read.hint, ref: record });
    else {
      log.error('queued hint unreadable: it goes to the dead-letter queue after its retries', {
        messageId: record.messageId,
        reason: read.reason,
      });
      failed.add(record.messageId);
    }
  }
  const respond = () => ({ batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) });
  if (!parsed.length) return respond();

  const deferAll = async (why: string, extra: Record<string, unknown>) => {
    log.info(`instant updates deferred: ${why}`, { ...extra, messages: parsed.length });
    metrics.count(WORKER_METRICS.busy, parsed.length);
    for (const { ref } of parsed) {
      failed.add(ref.messageId);
      await deps.delay?.(ref, settings.busyDelaySeconds).catch((error: unknown) =>
        log.warn('could not shorten the visibility timeout', {
          messageId: ref.messageId,
          error: oneLine(error),
        }),
      );
    }
    return respond();
  };

  const running = await runningJob(deps);
  if (running) return deferAll('an ingestion job is running', { jobId: running });

  const lock = await tryAcquireDataLock(deps.storage, {
    owner: deps.owner,
    purpose: 'instant update',
    ttlMs: settings.lockTtlMs,
    now: deps.now,
    log,
  });
  if (!lock.acquired) {
    return deferAll('the data lock is held', { holder: lock.holder?.owner, until: lock.holder?.expiresAt });
  }
  try {
    // A job may have started between the check and the lock (the sync step takes the lock to start one).
    const startedMeanwhile = await runningJob(deps);
    if (startedMeanwhile) return deferAll('an ingestion job is running', { jobId: startedMeanwhile });
    const results = await applyHints(parsed, deps);
    await ingestResults(results, deps, failed);
    return respond();
  } finally {
    await lock.lock
      .release()
      .catch((error: unknown) =>
        log.warn('data lock: release failed (it expires by itself)', { error: oneLine(error) }),
      );
  }
}

async function runningJob(deps: WorkerDeps): Promise<string | undefined> {
  const { knowledgeBaseId, dataSourceId } = deps.settings;
  const listed = await deps.bedrock.send(
    new ListIngestionJobsCommand({
      knowledgeBaseId,
      dataSourceId,
      filters: [{ attribute: 'STATUS', operator: 'EQ', values: RUNNING_JOB }],
      maxResults: 1,
    }),
  );
  const job = (listed.ingestionJobSummaries ?? []).find((j) => RUNNING_JOB.includes(String(j.status)));
  return job ? (job.ingestionJobId ?? 'unknown') : undefined;
}

const receivedBefore = (record: SqsRecord) => Number(record.attributes.ApproximateReceiveCount ?? '1') > 1;

async function ingestResults(
  results: readonly UpdateResult<SqsRecord>[],
  deps: WorkerDeps,
  failed: Set<string>,
): Promise<void> {
  const { log, metrics, settings } = deps;
  const refsOfDocument = new Map<string, SqsRecord[]>();
  const toIngest = new Set<string>();
  const toDelete = new Set<string>();
  const failRefs = (refs: readonly SqsRecord[]) => {
    for (const ref of refs) failed.add(ref.messageId);
  };
  for (const result of results) {
    if (!result.ok) {
      failRefs(result.refs);
      metrics.count(WORKER_METRICS.failed, 1);
      continue;
    }
    metrics.count(WORKER_METRICS.applied, 1);
    const { outcome, refs } = result;
    const written = [...outcome.written];
    const deleted = [...outcome.deleted];
    if (outcome.action === 'unchanged' && outcome.event !== 'type' && refs.some(receivedBefore)) {
      // A retry: the first attempt may have written the document and then failed to ingest it.
      const key = documentKey(outcome.type, String(outcome.id));
      (outcome.reason === 'published' ? written : deleted).push(key);
    }
    for (const key of written) toIngest.add(key);
    for (const key of deleted) toDelete.add(key);
    for (const key of [...written, ...deleted])
      refsOfDocument.set(key, [...(refsOfDocument.get(key) ?? []), ...refs]);
  }
  if (!toIngest.size && !toDelete.size) return;

  const pace = createPacer({
    minIntervalMs: settings.minIntervalMs,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  const direct = {
    bedrock: deps.bedrock,
    log,
    minIntervalMs: settings.minIntervalMs,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  };
  const failDocuments = (keys: readonly string[]) => {
    for (const key of keys) failRefs(refsOfDocument.get(key) ?? []);
  };
  const ingested: string[] = [];
  const removed: string[] = [];
  const documents: DocumentToIngest[] = [];
  for (const key of toIngest) {
    const [csv, sidecar] = await Promise.all([deps.storage.get(key), deps.storage.get(sidecarKeyFor(key))]);
    if (csv === undefined) continue; // removed again since (a later hint of the batch): nothing to ingest
    documents.push({ key, bytes: csv.length + (sidecar?.length ?? 0) });
  }
  try {
    await ingestDocuments(settings, documents, direct, pace);
    ingested.push(...documents.map((d) => d.key));
  } catch (error) {
    handleCallError(
      error,
      documents.map((d) => d.key),
      failDocuments,
      log,
    );
  }
  try {
    await deleteDocuments(settings, [...toDelete], direct, pace);
    removed.push(...toDelete);
  } catch (error) {
    handleCallError(error, [...toDelete], failDocuments, log);
  }
  if (!ingested.length && !removed.length) return;

  const polled = await pollDocuments(
    settings,
    { ingested, deleted: removed },
    { ...direct, waitMs: settings.indexWaitMs },
    pace,
  ).catch((error: unknown) => {
    // The documents are submitted: a failed status check is not a failed update.
    log.warn('GetKnowledgeBaseDocuments failed: statuses unknown', { error: oneLine(error) });
    return undefined;
  });
  if (!polled) return;
  const failedDocuments = ingested.filter((key) => FAILED_INGEST.has(polled.statuses.get(key) ?? ''));
  const indexed = ingested.filter((key) => polled.statuses.get(key) === 'INDEXED');
  metrics.count(WORKER_METRICS.indexed, indexed.length);
  metrics.count(WORKER_METRICS.documentFailed, failedDocuments.length);
  metrics.count(WORKER_METRICS.pending, polled.pending.length);
  const latest = Math.max(0, ...[...polled.settledAfterMs.values()]);
  if (polled.settledAfterMs.size) metrics.milliseconds(WORKER_METRICS.indexLatency, latest);
  for (const key of failedDocuments) {
    log.error('direct ingestion failed for a document', {
      key,
      status: polled.statuses.get(key),
    });
  }
  if (polled.pending.length) {
    log.warn('documents not settled within the wait: the nightly run reconciles them if needed', {
      documents: polled.pending.slice(0, 20).join(', '),
      waitedMs: settings.indexWaitMs,
    });
  }
  failDocuments(failedDocuments);
  log.info('direct ingestion done', {
    ingested: ingested.length,
    deleted: removed.length,
    indexed: indexed.length,
    failed: failedDocuments.length,
    pending: polled.pending.length,
    settledMs: latest,
  });
}

function handleCallError(
  error: unknown,
  keys: readonly string[],
  failDocuments: (keys: readonly string[]) => void,
  log: WorkerDeps['log'],
): void {
  const documents = error instanceof DirectIngestionError ? error.documents : keys;
  log.error('direct ingestion call failed: its hints will be retried', {
    error: oneLine(error),
    documents: documents.length,
  });
  // A failed batch fails its documents; later batches were not sent: fail them too.
  failDocuments(keys);
}
