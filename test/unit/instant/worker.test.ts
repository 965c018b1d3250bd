import { readFileSync } from 'node:fs';
import {
  BedrockAgentClient,
  DeleteKnowledgeBaseDocumentsCommand,
  GetKnowledgeBaseDocumentsCommand,
  IngestKnowledgeBaseDocumentsCommand,
  type KnowledgeBaseDocumentDetail,
  ListIngestionJobsCommand,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-agent';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  processHintBatch,
  type SqsRecord,
  WORKER_METRICS,
  type WorkerDeps,
} from '../../../functions/core/instant/worker.js';
import type { WpkbConfig } from '../../../functions/core/shared/config/schema.js';
import { silentLog } from '../../../functions/core/shared/logger.js';
import { DATA_LOCK_KEY, tryAcquireDataLock } from '../../../functions/core/storage/data-lock.js';
import { createMemoryStorage, type MemoryStorage } from '../../../functions/core/storage/memory.js';
import type { Storage } from '../../../functions/core/storage/port.js';
import { createS3Storage } from '../../../functions/core/storage/s3.js';
import { queueMessageFor } from '../../../functions/core/webhook/queue-message.js';
import { makeWebhookWorkerHandler, queueUrlOf } from '../../../functions/handlers/webhook-worker.js';
import type { DemoSiteServer } from '../../../functions/local/demo-site/server.js';
import { type S3rverFixture, startS3rver } from '../storage/s3rver-fixture.js';
import { clientFor, hintFor, nightly, setHours, storeWithHours, text, useDemoSite } from './helpers.js';

const BUCKET = 'wpkb-dev-data';
const fixtures = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/webhook/${name}`, import.meta.url), 'utf8'));
const sqsEvent = fixtures('sqs-fifo-event.json') as { Records: SqsRecord[] };
const documents = fixtures('bedrock-documents.json') as Record<
  string,
  { documentDetails: KnowledgeBaseDocumentDetail[] }
>;

/** The fixture's document detail for another key (and status). */
function detail(kind: string, key: string, status?: string): KnowledgeBaseDocumentDetail {
  const base = documents[kind]?.documentDetails[0];
  if (!base) throw new Error(kind);
  return {
    ...base,
    identifier: { dataSourceType: 'S3', s3: { uri: `s3://${BUCKET}/${key}` } },
    ...(status ? { status } : {}),
  } as KnowledgeBaseDocumentDetail;
}

const bedrockMock = mockClient(BedrockAgentClient);
const bedrock = new BedrockAgentClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});

let server: DemoSiteServer;
let config: WpkbConfig;
useDemoSite((s, c) => {
  server = s;
  config = c;
});

const NOW = new Date('2026-03-01T12:00:00Z');
let counter = 0;
/** An SQS FIFO record (the fixture's shape) carrying a hint as the receiver enqueues it. */
function record(
  type: string,
  id: number,
  event: 'upsert' | 'delete' | 'type' = 'upsert',
  receiveCount = 1,
): SqsRecord {
  const template = sqsEvent.Records[0];
  if (!template) throw new Error('fixture');
  const hint = hintFor(config, type, id, event);
  const raw = JSON.stringify({
    site: config.site.url,
    type: hint.type.restBase,
    id,
    event,
    modified_gmt: null,
  });
  const message = queueMessageFor(raw, hint, config.site.url, Math.floor(NOW.getTime() / 1000), NOW);
  counter++;
  return {
    ...template,
    messageId: `msg-${counter}`,
    receiptHandle: `handle-${counter}`,
    body: message.body,
    attributes: {
      ...template.attributes,
      ApproximateReceiveCount: String(receiveCount),
      MessageGroupId: message.groupId,
      MessageDeduplicationId: message.deduplicationId,
    },
  };
}

function recordingMetrics() {
  const counts: Record<string, number> = {};
  const durations: Record<string, number[]> = {};
  return {
    counts,
    durations,
    count(name: string, value: number) {
      counts[name] = (counts[name] ?? 0) + value;
    },
    milliseconds(name: string, value: number) {
      durations[name] = [...(durations[name] ?? []), value];
    },
  };
}

function workerDeps(storage: Storage, over: Partial<WorkerDeps> = {}) {
  const metrics = recordingMetrics();
  const delays: [string, number][] = [];
  const deps: WorkerDeps = {
    config,
    storage,
    client: clientFor(config),
    log: silentLog,
    now: () => NOW,
    sleep: async () => {},
    bedrock,
    settings: {
      knowledgeBaseId: 'KB12345678',
      dataSourceId: 'DS12345678',
      bucket: BUCKET,
      indexWaitMs: 30_000,
      minIntervalMs: 400,
      lockTtlMs: 180_000,
      busyDelaySeconds: 120,
    },
    metrics,
    owner: 'worker:test',
    delay: async (r, seconds) => void delays.push([r.messageId, seconds]),
    ...over,
  };
  return { deps, metrics, delays };
}

/** Bedrock answering like the real API: ingest → STARTING, then Get → IN_PROGRESS once, then INDEXED. */
function bedrockAnswers(final: 'INDEXED' | 'FAILED' = 'INDEXED') {
  bedrockMock.on(ListIngestionJobsCommand).resolves({ ingestionJobSummaries: [] });
  bedrockMock.on(IngestKnowledgeBaseDocumentsCommand).callsFake((input) => ({
    documentDetails: input.documents.map((d: { content: { s3: { s3Location: { uri: string } } } }) =>
      detail('ingest', d.content.s3.s3Location.uri.slice(`s3://${BUCKET}/`.length)),
    ),
  }));
  bedrockMock.on(DeleteKnowledgeBaseDocumentsCommand).callsFake((input) => ({
    documentDetails: input.documentIdentifiers.map((d: { s3: { uri: string } }) =>
      detail('delete', d.s3.uri.slice(`s3://${BUCKET}/`.length)),
    ),
  }));
  const seen = new Map<string, number>();
  bedrockMock.on(GetKnowledgeBaseDocumentsCommand).callsFake((input) => ({
    documentDetails: input.documentIdentifiers.flatMap((d: { s3: { uri: string } }) => {
      const key = d.s3.uri.slice(`s3://${BUCKET}/`.length);
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (key.includes('deleted-')) return [];
      return [detail(final === 'FAILED' ? 'getFailed' : 'get', key, n === 1 ? 'IN_PROGRESS' : undefined)];
    }),
  }));
}

let storage: MemoryStorage;
beforeEach(async () => {
  bedrockMock.reset();
  storage = createMemoryStorage();
  await nightly(config, storage);
});

const failures = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((f) => f.itemIdentifier).sort();

describe('webhook worker', () => {
  it('writes the edited store to S3, ingests it directly with its sidecar as S3 metadata, and waits for INDEXED', async () => {
    bedrockAnswers();
    const item = storeWithHours(server.site, 0);
    setHours(item, 'Lunes a domingo de 10:00 a 22:00 (nuevo)');
    const { deps, metrics } = workerDeps(storage);
    const handler = makeWebhookWorkerHandler(deps);
    const r = record('stores', item.id);

    const response = await handler({ Records: [r] }, { awsRequestId: 'req-1' });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(text(storage, `kb/stores/${item.id}.csv`)).toContain('(nuevo)');
    const ingest = bedrockMock.commandCalls(IngestKnowledgeBaseDocumentsCommand);
    expect(ingest).toHaveLength(1);
    expect(ingest[0]?.args[0].input).toEqual({
      knowledgeBaseId: 'KB12345678',
      dataSourceId: 'DS12345678',
      clientToken: expect.stringMatching(/^[0-9a-f]{64}$/),
      documents: [
        {
          content: {
            dataSourceType: 'S3',
            s3: { s3Location: { uri: `s3://${BUCKET}/kb/stores/${item.id}.csv` } },
          },
          metadata: {
            type: 'S3_LOCATION',
            s3Location: { uri: `s3://${BUCKET}/kb/stores/${item.id}.csv.metadata.json` },
          },
        },
      ],
    });
    expect(bedrockMock.commandCalls(GetKnowledgeBaseDocumentsCommand).length).toBe(2); // IN_PROGRESS, INDEXED
    expect(metrics.counts).toMatchObject({
      [WORKER_METRICS.applied]: 1,
      [WORKER_METRICS.indexed]: 1,
      [WORKER_METRICS.documentFailed]: 0,
      [WORKER_METRICS.pending]: 0,
    });
    expect(metrics.durations[WORKER_METRICS.indexLatency]).toHaveLength(1);
    expect(storage.snapshot().has(DATA_LOCK_KEY)).toBe(false);
  });

  it('deletes a drafted store from S3 and from the knowledge base', async () => {
    bedrockAnswers();
    const item = storeWithHours(server.site, 1);
    item.status = 'draft';
    try {
      const { deps } = workerDeps(storage);
      expect(await processHintBatch([record('stores', item.id)], deps)).toEqual({ batchItemFailures: [] });
    } finally {
      item.status = 'publish';
    }
    expect(storage.snapshot().has(`kb/stores/${item.id}.csv`)).toBe(false);
    const deletes = bedrockMock.commandCalls(DeleteKnowledgeBaseDocumentsCommand);
    expect(deletes[0]?.args[0].input.documentIdentifiers).toEqual([
      { dataSourceType: 'S3', s3: { uri: `s3://${BUCKET}/kb/stores/${item.id}.csv` } },
    ]);
    expect(bedrockMock.commandCalls(IngestKnowledgeBaseDocumentsCommand)).toHaveLength(0);
  });

  it('does not ingest an unchanged document, except on a redelivery (the first attempt may have failed after writing)', async () => {
    bedrockAnswers();
    const item = storeWithHours(server.site, 2);
    const { deps } = workerDeps(storage);
    await processHintBatch([record('stores', item.id)], deps);
    expect(bedrockMock.commandCalls(IngestKnowledgeBaseDocumentsCommand)).toHaveLength(0);
    await processHintBatch([record('stores', item.id, 'upsert', 2)], deps);
    expect(bedrockMock.commandCalls(IngestKnowledgeBaseDocumentsCommand)).toHaveLength(1);
  });

  it('defers everything while an ingestion job runs: nothing read or written, messages back after busyDelaySeconds', async () => {
    bedrockMock.on(ListIngestionJobsCommand).resolves({
      ingestionJobSummaries: [
        {
          knowledgeBaseId: 'KB12345678',
          dataSourceId: 'DS12345678',
          ingestionJobId: 'NIGHTLYJOB',
          status: 'IN_PROGRESS',
          startedAt: new Date('2026-03-01T03:05:00Z'),
          updatedAt: new Date('2026-03-01T03:06:00Z'),
        },
      ],
    });
    const item = storeWithHours(server.site, 3);
    setHours(item, 'Horario durante la sincronización');
    const before = storage.snapshot();
    const { deps, delays, metrics } = workerDeps(storage);
    const records = [record('stores', item.id), record('event', 1)];
    const response = await processHintBatch(records, deps);
    expect(failures(response)).toEqual(records.map((r) => r.messageId).sort());
    expect(delays).toEqual(records.map((r) => [r.messageId, 120]));
    expect(storage.snapshot()).toEqual(before);
    expect(metrics.counts[WORKER_METRICS.busy]).toBe(2);
    expect(bedrockMock.commandCalls(IngestKnowledgeBaseDocumentsCommand)).toHaveLength(0);
  });

  it('defers everything while the nightly transform holds the data lock', async () => {
    bedrockAnswers();
    const nightlyLock = await tryAcquireDataLock(storage, {
      owner: 'nightly:run-2',
      purpose: 'transform',
      ttlMs: 600_000,
      now: () => NOW,
    });
    expect(nightlyLock.acquired).toBe(true);
    const item = storeWithHours(server.site, 4);
    setHours(item, 'Horario durante el transform');
    const before = storage.snapshot();
    const { deps, delays } = workerDeps(storage);
    const r = record('stores', item.id);
    expect(failures(await processHintBatch([r], deps))).toEqual([r.messageId]);
    expect(delays).toEqual([[r.messageId, 120]]);
    expect(storage.snapshot()).toEqual(before);
    if (nightlyLock.acquired) await nightlyLock.lock.release();
    expect(failures(await processHintBatch([r], deps))).toEqual([]);
    expect(text(storage, `kb/stores/${item.id}.csv`)).toContain('durante el transform');
  });

  it('fails the messages of a document whose ingestion call stays throttled, and ingests it on the retry', async () => {
    bedrockAnswers();
    bedrockMock
      .on(IngestKnowledgeBaseDocumentsCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }));
    const edited = storeWithHours(server.site, 5);
    setHours(edited, 'Horario con throttling');
    const { deps } = workerDeps(storage);
    const first = record('stores', edited.id);
    expect(failures(await processHintBatch([first], deps))).toEqual([first.messageId]);
    expect(text(storage, `kb/stores/${edited.id}.csv`)).toContain('throttling'); // S3 already holds it

    bedrockMock.reset();
    bedrockAnswers();
    const retry = { ...first, attributes: { ...first.attributes, ApproximateReceiveCount: '2' } };
    expect(failures(await processHintBatch([retry], deps))).toEqual([]);
    expect(bedrockMock.commandCalls(IngestKnowledgeBaseDocumentsCommand)).toHaveLength(1);
  });

  it('fails the message of a document Bedrock reports FAILED (then the DLQ), counting it', async () => {
    bedrockAnswers('FAILED');
    const item = storeWithHours(server.site, 6);
    setHours(item, 'Horario que Bedrock rechaza');
    const { deps, metrics } = workerDeps(storage);
    const r = record('stores', item.id);
    expect(failures(await processHintBatch([r], deps))).toEqual([r.messageId]);
    expect(metrics.counts[WORKER_METRICS.documentFailed]).toBe(1);
  });

  it('batches 30 edits into Ingest calls of at most 25 documents, paced apart, and fails only what failed', async () => {
    bedrockAnswers();
    const items = Array.from({ length: 30 }, (_, i) => storeWithHours(server.site, 7 + i));
    for (const [i, item] of items.entries()) setHours(item, `Horario masivo ${i}`);
    const sleeps: number[] = [];
    const { deps } = workerDeps(storage, {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const unreadable = {
      ...record('stores', items[0]?.id ?? 0),
      messageId: 'garbage',
      body: '{"not": "a hint"}',
    };
    const records = [...items.map((item) => record('stores', item.id)), unreadable];
    const response = await processHintBatch(records, deps);
    expect(failures(response)).toEqual(['garbage']);
    const calls = bedrockMock
      .commandCalls(IngestKnowledgeBaseDocumentsCommand)
      .map((c) => c.args[0].input.documents?.length);
    expect(calls).toEqual([25, 5]);
    expect(sleeps.some((ms) => ms > 0 && ms <= 400)).toBe(true); // the second call waited for its turn
    const catalog = JSON.parse(text(storage, 'catalog/stores.json'));
    for (const [i, item] of items.entries()) {
      const entry = catalog.items.find((e: { source_id: string }) => e.source_id === String(item.id));
      expect(JSON.stringify(entry.fields)).toContain(`Horario masivo ${i}`);
    }
  });

  it('fails only the hint whose WordPress read failed', async () => {
    bedrockAnswers();
    const item = storeWithHours(server.site, 40);
    setHours(item, 'Horario bueno');
    const { deps } = workerDeps(storage);
    const good = record('stores', item.id);
    const bad = record('stores', 999_999_999);
    // A site that answers 500 for one item: the demo site has no such switch, so close it for that id.
    const client = clientFor(config);
    const flaky = {
      ...client,
      fetchItem: async (type: Parameters<typeof client.fetchItem>[0], id: number) => {
        if (id === 999_999_999)
          throw new Error('stores 999999999: GET … failed with HTTP 503 after 6 attempts');
        return client.fetchItem(type, id);
      },
    };
    const response = await processHintBatch([good, bad], { ...deps, client: flaky });
    expect(failures(response)).toEqual([bad.messageId]);
    expect(text(storage, `kb/stores/${item.id}.csv`)).toContain('Horario bueno');
  });
});

describe('webhook worker on S3 (s3rver): catalog ETag conflicts through real conditional writes', () => {
  let s3: S3rverFixture;
  beforeAll(async () => {
    s3 = await startS3rver();
  });
  afterAll(async () => {
    await s3?.close();
  });

  it('keeps every edited item’s catalog entry when one batch updates many items of a type at once', async () => {
    bedrockAnswers();
    const client = s3.client();
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const bucket = createS3Storage({ bucket: BUCKET, client });
    await nightly(config, createMemoryStorage()).then(async ({ storage: seeded }) => {
      for (const [key, body] of seeded.snapshot()) if (!key.startsWith('raw/')) await bucket.put(key, body);
    });
    const items = Array.from({ length: 6 }, (_, i) => storeWithHours(server.site, 41 + i));
    for (const [i, item] of items.entries()) setHours(item, `Horario S3 ${i}`);
    const { deps } = workerDeps(bucket);
    const response = await processHintBatch(
      items.map((item) => record('stores', item.id)),
      deps,
    );
    expect(response.batchItemFailures).toEqual([]);
    const catalog = JSON.parse((await bucket.get('catalog/stores.json'))?.toString() ?? '{}');
    for (const [i, item] of items.entries()) {
      const entry = catalog.items.find((e: { source_id: string }) => e.source_id === String(item.id));
      expect(JSON.stringify(entry.fields)).toContain(`Horario S3 ${i}`);
    }
    expect(await bucket.get(DATA_LOCK_KEY)).toBeUndefined();
  });
});

describe('queueUrlOf', () => {
  it('turns the event source ARN into the queue URL', () => {
    expect(queueUrlOf('arn:aws:sqs:us-east-1:123456789012:wpkb-dev-instant-updates.fifo')).toBe(
      'https://sqs.us-east-1.amazonaws.com/123456789012/wpkb-dev-instant-updates.fifo',
    );
    expect(queueUrlOf('not an arn')).toBeUndefined();
  });
});
