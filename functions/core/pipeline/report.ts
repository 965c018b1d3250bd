import type { BoilerplateCounts } from '../normalize/boilerplate.js';
import { putJson } from '../storage/codec.js';
import type { Storage } from '../storage/port.js';
import { keys } from './keys.js';
import type { TypeCounts } from './plan.js';

export interface ExtractStats {
  pages: number;
  requests: number;
  retries: number;
  durationMs: number;
  /** Response body bytes received from WordPress. */
  bytes?: number;
  /** `full`: every item read; `incremental`: the listing, then only new and changed items. */
  mode?: 'full' | 'incremental';
  /** Why this mode (`scheduled: the last full read was 7 days ago …`, `no previous complete run`…). */
  reason?: string;
  /** Items read with every field. */
  read?: number;
  /** Items taken over from the previous complete run. */
  reused?: number;
  /** Items of the previous complete run no longer published. */
  gone?: number;
}

/** The run report's extract section for one type, from its extract result. */
export function extractStats(result: {
  pages: number;
  requests: number;
  retries: number;
  durationMs: number;
  bytes?: number | undefined;
  mode?: 'full' | 'incremental' | undefined;
  reason?: string | undefined;
  read?: number | undefined;
  reused?: number | undefined;
  gone?: number | undefined;
}): ExtractStats {
  const { pages, requests, retries, durationMs, bytes, mode, reason, read, reused, gone } = result;
  return {
    pages,
    requests,
    retries,
    durationMs,
    ...(bytes !== undefined ? { bytes } : {}),
    ...(mode !== undefined ? { mode } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(read !== undefined ? { read } : {}),
    ...(reused !== undefined ? { reused } : {}),
    ...(gone !== undefined ? { gone } : {}),
  };
}

/** `runs/<runId>.json` and `runs/latest.json`: what a run did, for people and alarms. */
export interface RunReport {
  runId: string;
  status: 'succeeded' | 'failed';
  site: string;
  startedAt: string;
  finishedAt: string;
  forced: boolean;
  types: Record<string, TypeCounts>;
  totals: TypeCounts;
  /** Per WordPress type: boilerplate paragraphs transform left out of documents (docs/pipeline.md). */
  boilerplate?: Record<string, BoilerplateCounts>;
  /** Documents written or deleted under kb/: 0 means the knowledge base needs no sync. */
  changes: number;
  extract: Record<string, ExtractStats>;
  durationsMs: Record<string, number>;
  /**
   * Optional things the site lacks and the documents go without (a configured taxonomy, a metadata
   * path, a date field), one line each naming the type: the run succeeded all the same.
   */
  warnings: string[];
  /** Set when status is failed: the one-line reason. */
  error?: string;
  /** Set when the run syncs everything although kb/ may not have changed (the data source was replaced). */
  fullSync?: string;
  /** Written by the sync step when the ingestion job ends. */
  ingestion?: IngestionReport;
  /** Written by the sync step when the agent's preparation ends. */
  agent?: AgentReport;
  /** Written by the sync step after checking the Pinecone index. */
  verify?: VerifyReport;
  /** Written by the local runner after bringing the local knowledge base in line with kb/. */
  localIndex?: LocalIndexReport;
  /** Instant updates (webhook hints) applied since the previous run, counted by transform. */
  instantUpdates?: InstantUpdatesReport;
}

/** What the run report says about the instant updates it counted (functions/core/instant/ledger.ts). */
export interface InstantUpdatesReport {
  /** Updates applied since the previous run (every accepted hint the worker applied). */
  count: number;
  written: number;
  deleted: number;
  unchanged: number;
  /** Documents this run left as an instant update wrote them (re-read after this run's extract). */
  preserved: number;
  /** Time of the oldest and newest update counted. */
  first?: string;
  last?: string;
}

/** The local "sync" (functions/local/knowledge-base/ingest.ts): what changed in the local index. */
export interface LocalIndexReport {
  filesIndexed: number;
  filesRemoved: number;
  chunksAdded: number;
  chunksRemoved: number;
  durationMs: number;
  /** Files the local index cannot read. */
  filesSkipped?: number;
  /** Chunks in the index after the run. */
  chunks?: number;
  /** Set when the index was built anew, and why. */
  rebuilt?: string;
}

/** Bedrock's IngestionJob statistics (counters absent from the API response are 0). */
export interface IngestionStatistics {
  numberOfDocumentsScanned: number;
  numberOfMetadataDocumentsScanned: number;
  numberOfNewDocumentsIndexed: number;
  numberOfModifiedDocumentsIndexed: number;
  numberOfMetadataDocumentsModified: number;
  numberOfDocumentsDeleted: number;
  numberOfDocumentsFailed: number;
  numberOfDocumentsSkipped: number;
}

export interface IngestionReport {
  jobId: string;
  /** IngestionJob status: COMPLETE, FAILED or STOPPED. */
  status: string;
  statistics: IngestionStatistics;
  failureReasons: string[];
  startedAt?: string;
  updatedAt?: string;
}

export interface AgentReport {
  agentId: string;
  agentStatus: string;
  agentVersion?: string;
  preparedAt?: string;
  failureReasons: string[];
}

export interface VerifyReport {
  ok: boolean;
  /** The namespace as configured ('' = default) and the key Pinecone reported it under, if found. */
  namespace: string;
  namespaceKey?: string;
  recordCount: number;
  /** The index dimension Pinecone reports (absent for a sparse index). */
  dimension?: number;
  expectedDimension: number;
  totalRecordCount?: number;
  problems: string[];
  checkedAt: string;
}

export function sumCounts(types: Record<string, TypeCounts>): TypeCounts {
  const total: TypeCounts = { fetched: 0, new: 0, changed: 0, unchanged: 0, deleted: 0, skipped: 0 };
  for (const counts of Object.values(types)) {
    for (const key of Object.keys(total) as (keyof TypeCounts)[]) total[key] += counts[key];
  }
  return total;
}

/** What one extract step reports about its type (an ExtractResult carries these). */
export interface ExtractedType extends ExtractStats {
  type: string;
  /** What the type's documents go without (a taxonomy or field the site lacks), one line each. */
  warnings?: readonly string[];
}

/** What a run did up to its end, in whatever form the runner kept it. */
export interface RunOutcome {
  runId: string;
  site: string;
  startedAt: string;
  finishedAt: string;
  forced: boolean;
  /** The types extracted (none when extraction did not finish). */
  extracts: readonly ExtractedType[];
  /** The transform's counts; absent when the run did not get that far. */
  transform?: {
    types: Record<string, TypeCounts>;
    changes: number;
    boilerplate?: Record<string, BoilerplateCounts>;
    warnings?: readonly string[];
  };
  /** Why this run syncs everything although kb/ may not have changed (a replaced data source). */
  fullSync?: string;
  /** Instant updates counted by this run's transform. */
  instantUpdates?: InstantUpdatesReport;
  durationsMs: Record<string, number>;
  /** The one-line reason of a failed run. */
  error?: string;
}

/**
 * The run report of an outcome: succeeded when the transform finished and nothing failed. The transform
 * Lambda and the local pipeline both report through here, so the two reports cannot drift apart.
 */
export function buildRunReport(outcome: RunOutcome): RunReport {
  const types = outcome.transform?.types ?? {};
  return {
    runId: outcome.runId,
    status: outcome.transform && outcome.error === undefined ? 'succeeded' : 'failed',
    site: outcome.site,
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
    forced: outcome.forced,
    types,
    totals: sumCounts(types),
    ...(outcome.transform?.boilerplate ? { boilerplate: outcome.transform.boilerplate } : {}),
    changes: outcome.transform?.changes ?? 0,
    extract: Object.fromEntries(outcome.extracts.map((e) => [e.type, extractStats(e)])),
    durationsMs: outcome.durationsMs,
    warnings: [...outcome.extracts.flatMap((e) => e.warnings ?? []), ...(outcome.transform?.warnings ?? [])],
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
    ...(outcome.fullSync ? { fullSync: outcome.fullSync } : {}),
    ...(outcome.instantUpdates ? { instantUpdates: outcome.instantUpdates } : {}),
  };
}

/** Writes the report under its id and as latest (each write atomic). */
export async function writeRunReport(storage: Storage, report: RunReport): Promise<void> {
  await putJson(storage, keys.run(report.runId), report);
  await putJson(storage, keys.latestRun, report);
}
