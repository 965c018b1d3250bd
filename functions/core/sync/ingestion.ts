import { createHash } from 'node:crypto';
import {
  type BedrockAgentClient,
  GetIngestionJobCommand,
  type IngestionJob,
  type IngestionJobSummary,
  ListIngestionJobsCommand,
  StartIngestionJobCommand,
} from '@aws-sdk/client-bedrock-agent';
import type { IngestionReport, IngestionStatistics } from '../pipeline/report.js';
import type { Clock } from '../shared/clock.js';
import { WpkbError } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import { tryAcquireDataLock } from '../storage/data-lock.js';
import type { Storage } from '../storage/port.js';
import {
  INGESTION_POLL_STATUSES,
  type IngestionJobStatus,
  type StartOutput,
  type StatusOutput,
} from './contract.js';
import { IngestionFailedError } from './errors.js';
import { INGESTION_DOCUMENTS_FAILED, type MetricSink } from './metrics.js';
import { updateRunReport } from './run-report.js';
import { recordSyncedDataSource } from './synced-data-source.js';

export interface IngestionDeps {
  bedrock: Pick<BedrockAgentClient, 'send'>;
  knowledgeBaseId: string;
  dataSourceId: string;
  storage: Storage;
  log: Log;
  clock: Clock;
  metrics: MetricSink;
}

/**
 * StartIngestionJob's idempotency token: SHA-256 hex of `<executionId>:<runId>` (64 characters, inside
 * the 33–256 `[a-zA-Z0-9](-*[a-zA-Z0-9])*` rule). A retried state sends the same token, so Bedrock
 * returns the job it already started instead of starting a second one.
 */
export function ingestionClientToken(executionId: string, runId: string): string {
  return createHash('sha256').update(`${executionId}:${runId}`, 'utf8').digest('hex');
}

/** The job description names the run and the token, so a retried `start` recognises its own job. */
export function ingestionDescription(runId: string, token: string): string {
  return `wpkb run ${runId} [${token.slice(0, 12)}]`;
}

const RUNNING: IngestionJobStatus[] = ['STARTING', 'IN_PROGRESS'];

/**
 * Starts this run's ingestion job unless one is already running for the data source.
 * - A running job that this execution started (same description: a retried state) is resumed.
 * - Another running job → `{status: 'BUSY', jobId}`; the state machine waits and calls start again.
 * - ConflictException / ServiceQuotaExceededException on start (a job started between the list and
 *   the start) → `{status: 'BUSY'}`.
 * - The data lock held (an instant update is writing or directly ingesting documents: "don't submit
 *   IngestKnowledgeBaseDocuments and StartIngestionJob at the same time") → `{status: 'BUSY'}`. The
 *   lock is held only around the list and the start: once the job runs, the worker sees it in
 *   ListIngestionJobs and waits.
 * - Anything else, ThrottlingException included, propagates with the SDK's error name.
 */
export async function startIngestion(
  deps: IngestionDeps,
  runId: string,
  executionId: string,
): Promise<StartOutput> {
  const { log } = deps;
  const token = ingestionClientToken(executionId, runId);
  const description = ingestionDescription(runId, token);

  const lock = await tryAcquireDataLock(deps.storage, {
    owner: `sync:${runId}`,
    purpose: 'start ingestion',
    ttlMs: START_LOCK_TTL_MS,
    now: () => deps.clock.now(),
    log,
  });
  if (!lock.acquired) {
    log.info('Data lock held (instant update in progress): waiting before starting the ingestion job', {
      holder: lock.holder?.owner,
      until: lock.holder?.expiresAt,
    });
    return { status: 'BUSY' };
  }
  try {
    return await listOrStart(deps, runId, token, description);
  } finally {
    await lock.lock
      .release()
      .catch((error: unknown) =>
        log.warn('data lock: release failed (it expires by itself)', { error: (error as Error).message }),
      );
  }
}

/** Long enough for ListIngestionJobs + StartIngestionJob with the SDK's retries. */
const START_LOCK_TTL_MS = 2 * 60_000;

async function listOrStart(
  deps: IngestionDeps,
  runId: string,
  token: string,
  description: string,
): Promise<StartOutput> {
  const { bedrock, knowledgeBaseId, dataSourceId, log } = deps;

  const listed = await bedrock.send(
    new ListIngestionJobsCommand({
      knowledgeBaseId,
      dataSourceId,
      filters: [{ attribute: 'STATUS', operator: 'EQ', values: RUNNING }],
      sortBy: { attribute: 'STARTED_AT', order: 'DESCENDING' },
      maxResults: 10,
    }),
  );
  const running = (listed.ingestionJobSummaries ?? []).filter(
    (job): job is IngestionJobSummary & { ingestionJobId: string } =>
      job.ingestionJobId !== undefined && RUNNING.includes(job.status as IngestionJobStatus),
  );
  const own = running.find((job) => job.description === description);
  if (own) {
    log.info('Ingestion job of this run already running: resuming it', { jobId: own.ingestionJobId });
    return { status: own.status as IngestionJobStatus, jobId: own.ingestionJobId };
  }
  const other = running[0];
  if (other) {
    log.info('Another ingestion job is running: waiting for it', {
      jobId: other.ingestionJobId,
      status: other.status,
      startedAt: other.startedAt?.toISOString(),
      description: other.description,
    });
    return { status: 'BUSY', jobId: other.ingestionJobId };
  }

  let job: IngestionJob | undefined;
  try {
    const started = await bedrock.send(
      new StartIngestionJobCommand({ knowledgeBaseId, dataSourceId, clientToken: token, description }),
    );
    job = started.ingestionJob;
  } catch (error) {
    const name = (error as Error | undefined)?.name;
    if (name === 'ConflictException' || name === 'ServiceQuotaExceededException') {
      log.info('StartIngestionJob refused: another job is running', {
        error: name,
        message: (error as Error).message,
      });
      return { status: 'BUSY' };
    }
    throw error;
  }
  if (job?.ingestionJobId === undefined || job.status === undefined) {
    throw new WpkbError(
      `StartIngestionJob for knowledge base ${knowledgeBaseId} / data source ${dataSourceId} returned no job id or status`,
    );
  }
  log.info('Ingestion job started', { jobId: job.ingestionJobId, status: job.status, runId });
  return { status: job.status as IngestionJobStatus, jobId: job.ingestionJobId };
}

/**
 * Polls one ingestion job.
 * - STARTING / IN_PROGRESS / STOPPING → status and statistics so far.
 * - COMPLETE → merges an `ingestion` section into the run report, records the data source as synced
 *   (runs/synced-data-source.json); failed documents are counted in the
 *   `IngestionDocumentsFailed` metric, logged as a warning and returned as `documentsFailed`.
 * - FAILED / STOPPED → marks the run report failed and throws IngestionFailedError.
 */
export async function ingestionStatus(
  deps: IngestionDeps,
  runId: string,
  jobId: string,
): Promise<StatusOutput> {
  const { bedrock, knowledgeBaseId, dataSourceId, log } = deps;
  const response = await bedrock.send(
    new GetIngestionJobCommand({ knowledgeBaseId, dataSourceId, ingestionJobId: jobId }),
  );
  const job = response.ingestionJob;
  const status = job?.status as IngestionJobStatus | undefined;
  if (job === undefined || status === undefined) {
    throw new WpkbError(
      `GetIngestionJob ${jobId} (knowledge base ${knowledgeBaseId}) returned no job status`,
    );
  }
  const statistics = statisticsOf(job);
  const failureReasons = job.failureReasons ?? [];

  if ((INGESTION_POLL_STATUSES as readonly string[]).includes(status)) {
    log.debug('Ingestion job still running', { jobId, status });
    return { status, jobId, statistics };
  }

  const section: IngestionReport = {
    jobId,
    status,
    statistics,
    failureReasons,
    startedAt: job.startedAt?.toISOString(),
    updatedAt: job.updatedAt?.toISOString(),
  };

  if (status === 'COMPLETE') {
    const failed = statistics.numberOfDocumentsFailed;
    await updateRunReport(deps.storage, runId, log, (report) => ({
      ...report,
      ingestion: section,
      durationsMs: { ...report.durationsMs, ...ingestionDuration(job) },
    }));
    // kb/ is in this data source now: later runs need not force a full sync (transform compares).
    await recordSyncedDataSource(deps.storage, {
      knowledgeBaseId,
      dataSourceId,
      jobId,
      runId,
      syncedAt: deps.clock.now().toISOString(),
    });
    if (failed > 0) {
      deps.metrics.count(INGESTION_DOCUMENTS_FAILED, failed);
      log.warn('Ingestion job completed with failed documents', {
        jobId,
        documentsFailed: failed,
        failureReasons,
      });
      return { status, jobId, statistics, documentsFailed: failed };
    }
    log.info('Ingestion job complete', { jobId, statistics });
    return { status, jobId, statistics };
  }

  if (status === 'FAILED' || status === 'STOPPED') {
    const reasons = failureReasons.length ? failureReasons.join('; ') : 'no failure reason given';
    const message = `ingestion job ${jobId} ${status}: ${reasons}`.replace(/\s+/g, ' ').trim();
    await updateRunReport(deps.storage, runId, log, (report) => ({
      ...report,
      status: 'failed',
      error: message,
      finishedAt: deps.clock.now().toISOString(),
      ingestion: section,
    }));
    throw new IngestionFailedError(message, jobId, status, failureReasons);
  }

  throw new WpkbError(`ingestion job ${jobId} has an unexpected status ${String(status)}`);
}

/** The 8 counters, 0 where the API leaves one out. */
export function statisticsOf(job: Pick<IngestionJob, 'statistics'>): IngestionStatistics {
  const s = job.statistics ?? {};
  return {
    numberOfDocumentsScanned: s.numberOfDocumentsScanned ?? 0,
    numberOfMetadataDocumentsScanned: s.numberOfMetadataDocumentsScanned ?? 0,
    numberOfNewDocumentsIndexed: s.numberOfNewDocumentsIndexed ?? 0,
    numberOfModifiedDocumentsIndexed: s.numberOfModifiedDocumentsIndexed ?? 0,
    numberOfMetadataDocumentsModified: s.numberOfMetadataDocumentsModified ?? 0,
    numberOfDocumentsDeleted: s.numberOfDocumentsDeleted ?? 0,
    numberOfDocumentsFailed: s.numberOfDocumentsFailed ?? 0,
    numberOfDocumentsSkipped: s.numberOfDocumentsSkipped ?? 0,
  };
}

function ingestionDuration(job: IngestionJob): Record<string, number> {
  if (!job.startedAt || !job.updatedAt) return {};
  return { ingestion: Math.max(0, job.updatedAt.getTime() - job.startedAt.getTime()) };
}
