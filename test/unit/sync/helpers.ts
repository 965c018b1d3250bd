import { readFileSync } from 'node:fs';
import type { IngestionJob } from '@aws-sdk/client-bedrock-agent';
import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { keys } from '../../../functions/core/pipeline/keys.js';
import type { RunReport } from '../../../functions/core/pipeline/report.js';
import { fixedClock } from '../../../functions/core/shared/clock.js';
import type { Log } from '../../../functions/core/shared/logger.js';
import { getJson, putJson } from '../../../functions/core/storage/codec.js';
import { createMemoryStorage, type MemoryStorage } from '../../../functions/core/storage/memory.js';
import type { MetricSink } from '../../../functions/core/sync/metrics.js';

const FIXTURES = new URL('../../fixtures/sync/', import.meta.url);

/** A JSON fixture from test/fixtures/sync (a fresh copy each call). */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as T;
}

export const RUN_ID = '20261121T030000Z-3f9a';
export const NOW = '2026-11-21T03:20:00.000Z';
export const clock = fixedClock(NOW);

export const settings = {
  knowledgeBaseId: 'KB12345678',
  dataSourceId: 'DS12345678',
  agentId: 'AG12345678',
  pineconeNamespace: 'mall-prod',
  embeddingDimensions: 1024,
  strictVerify: true,
};

/** The Retrieve API's client (canaries); mock it with aws-sdk-client-mock where it is called. */
export const runtime = new BedrockAgentRuntimeClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
});

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  extra?: Record<string, unknown>;
}

export function recordingLog(): Log & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (message: string, extra?: Record<string, unknown>) => {
    entries.push({ level, message, extra });
  };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function recordingMetrics(): MetricSink & { points: { name: string; value: number }[] } {
  const points: { name: string; value: number }[] = [];
  return { points, count: (name, value) => points.push({ name, value }) };
}

/** Memory storage holding the run report transform wrote (under its id and as latest). */
export async function seededStorage(): Promise<MemoryStorage> {
  const storage = createMemoryStorage();
  const report = fixture<RunReport>('run-report.json');
  await putJson(storage, keys.run(report.runId), report);
  await putJson(storage, keys.latestRun, report);
  return storage;
}

export async function readReports(storage: MemoryStorage, runId = RUN_ID) {
  return {
    run: await getJson<RunReport>(storage, keys.run(runId)),
    latest: await getJson<RunReport>(storage, keys.latestRun),
  };
}

/** An IngestionJob as GetIngestionJob / StartIngestionJob return it (Dates where the SDK gives Dates). */
export function ingestionJob(overrides: Partial<IngestionJob> = {}): IngestionJob {
  return {
    knowledgeBaseId: settings.knowledgeBaseId,
    dataSourceId: settings.dataSourceId,
    ingestionJobId: 'JOB4E2K9QZ',
    description: `wpkb run ${RUN_ID}`,
    status: 'IN_PROGRESS',
    statistics: {
      numberOfDocumentsScanned: 120,
      numberOfMetadataDocumentsScanned: 120,
      numberOfNewDocumentsIndexed: 3,
      numberOfModifiedDocumentsIndexed: 2,
      numberOfMetadataDocumentsModified: 0,
      numberOfDocumentsDeleted: 1,
      numberOfDocumentsFailed: 0,
      numberOfDocumentsSkipped: 0,
    },
    startedAt: new Date('2026-11-21T03:01:30.000Z'),
    updatedAt: new Date('2026-11-21T03:06:45.000Z'),
    ...overrides,
  };
}
