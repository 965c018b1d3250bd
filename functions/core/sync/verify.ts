import type { VerifyReport } from '../pipeline/report.js';
import type { Clock } from '../shared/clock.js';
import type { Log } from '../shared/logger.js';
import type { Storage } from '../storage/port.js';
import type { VerifyOutput } from './contract.js';
import { VerifyError } from './errors.js';
import { updateRunReport } from './run-report.js';

/** What the verify step reads from Pinecone: `Index.describeIndexStats()`'s result, narrowed. */
export interface IndexStats {
  namespaces?: Record<string, { recordCount?: number } | undefined>;
  dimension?: number;
  totalRecordCount?: number;
}

/** Reads the stats of the knowledge base's index (the real one: Pinecone's data plane). */
export type IndexStatsFn = () => Promise<IndexStats>;

/**
 * Pinecone reports the default namespace as `""` in describe_index_stats (its API reference) while
 * its newer APIs and SDKs name it `__default__`; an empty configured namespace matches either.
 */
const DEFAULT_NAMESPACE_KEYS = ['', '__default__'];

export interface IndexCheck {
  problems: string[];
  namespaceKey?: string;
  recordCount: number;
}

/** Pure check: the namespace holds records and the index dimension is the embedding dimension. */
export function checkIndexStats(stats: IndexStats, namespace: string, expectedDimension: number): IndexCheck {
  const problems: string[] = [];
  if (stats.dimension === undefined) {
    problems.push(`pinecone index reports no dimension (a sparse index?): expected ${expectedDimension}`);
  } else if (stats.dimension !== expectedDimension) {
    problems.push(
      `pinecone index dimension ${stats.dimension} does not match the embedding dimension ${expectedDimension}`,
    );
  }
  const candidates = namespace === '' ? DEFAULT_NAMESPACE_KEYS : [namespace];
  const namespaces = stats.namespaces ?? {};
  const namespaceKey = candidates.find((key) => Object.hasOwn(namespaces, key));
  const recordCount = namespaceKey === undefined ? 0 : (namespaces[namespaceKey]?.recordCount ?? 0);
  if (recordCount <= 0) {
    const label = namespace === '' ? 'default namespace ""' : `namespace "${namespace}"`;
    problems.push(`${label} has no records after ingestion`);
  }
  return { problems, namespaceKey, recordCount };
}

export interface VerifyDeps {
  indexStats: IndexStatsFn;
  namespace: string;
  embeddingDimensions: number;
  strict: boolean;
  storage: Storage;
  log: Log;
  clock: Clock;
}

/**
 * Reads the index stats, writes a `verify` section into the run report (status succeeded when the
 * check passes, failed with the reasons when it does not) and returns the outcome. A failed check
 * throws VerifyError (one line, problems joined with "; ") unless `strict` is false, in which case it
 * is logged as a warning and returned with `ok: false`. Pinecone being unreachable is a
 * PineconeStatsError from `indexStats` (retryable), not a VerifyError.
 */
export async function verifyIndex(deps: VerifyDeps, runId: string): Promise<VerifyOutput> {
  const stats = await deps.indexStats();
  const check = checkIndexStats(stats, deps.namespace, deps.embeddingDimensions);
  const ok = check.problems.length === 0;
  const now = deps.clock.now().toISOString();
  const section: VerifyReport = {
    ok,
    namespace: deps.namespace,
    namespaceKey: check.namespaceKey,
    recordCount: check.recordCount,
    dimension: stats.dimension,
    expectedDimension: deps.embeddingDimensions,
    totalRecordCount: stats.totalRecordCount,
    problems: check.problems,
    checkedAt: now,
  };
  const message = check.problems.join('; ');
  const fails = !ok && deps.strict;
  await updateRunReport(deps.storage, runId, deps.log, (report) => {
    const { error: _previous, ...rest } = report;
    return {
      ...rest,
      status: fails ? 'failed' : 'succeeded',
      finishedAt: now,
      verify: section,
      ...(fails ? { error: message } : {}),
    };
  });
  const output: VerifyOutput = {
    ok,
    namespace: deps.namespace,
    recordCount: check.recordCount,
    dimension: stats.dimension,
  };
  if (ok) {
    deps.log.info('Pinecone index verified', { ...output, totalRecordCount: stats.totalRecordCount });
    return output;
  }
  if (fails) throw new VerifyError(message, check.problems);
  deps.log.warn('Pinecone index verification failed (STRICT_VERIFY is off)', { problems: check.problems });
  return { ...output, problems: check.problems };
}
