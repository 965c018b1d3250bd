import type { KbDocument } from '../documents/document.js';
import type { DeletionGuardConfig } from '../shared/config/schema.js';
import { DeletionGuardError } from '../shared/errors.js';
import { md5Hex } from '../storage/codec.js';

/** Per content type, what a run found and did. The run report's core. */
export interface TypeCounts {
  fetched: number;
  new: number;
  changed: number;
  unchanged: number;
  deleted: number;
  /** Published items left out on purpose (password-protected). */
  skipped: number;
}

/** What to do to one prefix (`kb/<type>/`) of the store so it matches the documents. */
export interface TypePlan {
  contentType: string;
  /** Documents whose CSV or sidecar bytes differ from (or are absent in) the store. */
  writes: { key: string; body: string }[];
  /** Keys to delete: both files of documents whose item is gone. */
  deletes: string[];
  counts: Omit<TypeCounts, 'fetched' | 'skipped'>;
  /** Documents present before the run (CSV files under the prefix). */
  existingDocuments: number;
}

/**
 * Compares freshly built documents with what the store holds (key → MD5) under `prefix`.
 * A document is new when its CSV is absent, changed when either file's bytes differ.
 */
export function planDocuments(
  contentType: string,
  prefix: string,
  documents: readonly KbDocument[],
  existing: ReadonlyMap<string, string>,
): TypePlan {
  const plan: TypePlan = {
    contentType,
    writes: [],
    deletes: [],
    counts: { new: 0, changed: 0, unchanged: 0, deleted: 0 },
    existingDocuments: 0,
  };
  const wanted = new Set<string>();
  for (const doc of documents) {
    wanted.add(doc.key);
    wanted.add(doc.sidecarKey);
    const csvMd5 = existing.get(doc.key);
    const sidecarMd5 = existing.get(doc.sidecarKey);
    const csvSame = csvMd5 === md5Hex(doc.csv);
    const sidecarSame = sidecarMd5 === md5Hex(doc.sidecar);
    if (csvMd5 === undefined) plan.counts.new++;
    else if (csvSame && sidecarSame) plan.counts.unchanged++;
    else plan.counts.changed++;
    if (!csvSame) plan.writes.push({ key: doc.key, body: doc.csv });
    if (!sidecarSame) plan.writes.push({ key: doc.sidecarKey, body: doc.sidecar });
  }
  for (const key of existing.keys()) {
    if (!key.startsWith(prefix)) continue;
    if (key.endsWith('.csv')) plan.existingDocuments++;
    if (wanted.has(key)) continue;
    plan.deletes.push(key);
    if (key.endsWith('.csv')) plan.counts.deleted++;
  }
  plan.deletes.sort();
  return plan;
}

/**
 * The deletion guard: a site that suddenly lost many items is more likely broken (a plugin
 * update, a WAF page, a wrong URL) than emptied on purpose, so refuse before deleting anything.
 */
export function checkDeletionGuard(plan: GuardInput | TypePlan, guard: DeletionGuardConfig): void {
  const { deleted, before, after } = guardFigures(plan);
  if (deleted === 0 || before === 0) return;
  if (after === 0) {
    throw new DeletionGuardError(
      `deletion guard: ${plan.contentType} came back empty but had ${before} documents; nothing was deleted (use --force if this is intended)`,
    );
  }
  const share = deleted / before;
  if (deleted > guard.graceCount && share > guard.maxShare) {
    throw new DeletionGuardError(
      `deletion guard: ${plan.contentType} would delete ${deleted} of ${before} documents (${Math.round(share * 100)}% > ${Math.round(guard.maxShare * 100)}%); nothing was deleted (use --force if this is intended)`,
    );
  }
}

/** What the guard judges of a type: its documents before the run, those that would go, those after it. */
export interface GuardInput {
  contentType: string;
  existingDocuments: number;
  deleted: number;
  after: number;
}

function guardFigures(plan: GuardInput | TypePlan): { deleted: number; before: number; after: number } {
  if ('counts' in plan) {
    const { counts } = plan;
    return {
      deleted: counts.deleted,
      before: plan.existingDocuments,
      after: counts.new + counts.changed + counts.unchanged,
    };
  }
  return { deleted: plan.deleted, before: plan.existingDocuments, after: plan.after };
}
