import { describe, expect, it } from 'vitest';
import { buildDocument, type KbDocument } from '../../../functions/core/documents/document.js';
import { checkDeletionGuard, planDocuments } from '../../../functions/core/pipeline/plan.js';
import { DeletionGuardError } from '../../../functions/core/shared/errors.js';
import type { NormalisedItem } from '../../../functions/core/shared/types.js';
import { md5Hex } from '../../../functions/core/storage/codec.js';

const doc = (id: number, body = `Texto ${id}`): KbDocument =>
  buildDocument({
    sourceId: String(id),
    contentType: 'stores',
    typeLabel: 'Tienda',
    title: `Tienda ${id}`,
    url: `https://mall.example.cl/stores/${id}/`,
    modifiedAt: '2026-03-01T12:00:00Z',
    publishedAt: '',
    body,
    fields: [],
    metadata: {},
    protected: false,
  } satisfies NormalisedItem);

/** The store as a key → MD5 map, as ListObjectsV2 (or the local adapter) reports it. */
const stored = (docs: KbDocument[]) =>
  new Map(docs.flatMap((d) => [[d.key, md5Hex(d.csv)] as const, [d.sidecarKey, md5Hex(d.sidecar)] as const]));

const guard = { maxShare: 0.2, graceCount: 2 };

describe('planDocuments', () => {
  it('classifies new, changed, unchanged and deleted documents and writes only what differs', () => {
    const before = [doc(1), doc(2), doc(3), doc(4)];
    const after = [doc(1), doc(2, 'Texto nuevo'), doc(3), doc(5)];
    const plan = planDocuments('stores', 'kb/stores/', after, stored(before));
    expect(plan.counts).toEqual({ new: 1, changed: 1, unchanged: 2, deleted: 1 });
    expect(plan.writes.map((w) => w.key).sort()).toEqual([
      'kb/stores/2.csv',
      'kb/stores/5.csv',
      'kb/stores/5.csv.metadata.json',
    ]);
    expect(plan.deletes).toEqual(['kb/stores/4.csv', 'kb/stores/4.csv.metadata.json']);
    expect(plan.existingDocuments).toBe(4);
  });

  it('counts a document whose sidecar alone changed as changed, and rewrites only the sidecar', () => {
    const current = doc(1);
    const existing = stored([current]);
    existing.set(current.sidecarKey, 'stale');
    const plan = planDocuments('stores', 'kb/stores/', [current], existing);
    expect(plan.counts.changed).toBe(1);
    expect(plan.writes.map((w) => w.key)).toEqual([current.sidecarKey]);
  });

  it('restores a missing sidecar and deletes an orphan one', () => {
    const current = doc(1);
    const existing = new Map([
      [current.key, md5Hex(current.csv)],
      ['kb/stores/9.csv.metadata.json', 'x'],
    ]);
    const plan = planDocuments('stores', 'kb/stores/', [current], existing);
    expect(plan.writes.map((w) => w.key)).toEqual([current.sidecarKey]);
    expect(plan.deletes).toEqual(['kb/stores/9.csv.metadata.json']);
    expect(plan.counts.deleted).toBe(0);
  });

  it('never touches other prefixes', () => {
    const existing = new Map([
      ['kb/faq/1.csv', 'x'],
      ['kb/storesx/1.csv', 'y'],
    ]);
    const plan = planDocuments('stores', 'kb/stores/', [], existing);
    expect(plan.deletes).toEqual([]);
    expect(plan.existingDocuments).toBe(0);
  });
});

describe('checkDeletionGuard', () => {
  const planFor = (before: number, after: number) =>
    planDocuments(
      'stores',
      'kb/stores/',
      Array.from({ length: after }, (_, i) => doc(i + 1)),
      stored(Array.from({ length: before }, (_, i) => doc(i + 1))),
    );

  it('allows deleting up to the share', () => {
    expect(() => checkDeletionGuard(planFor(20, 16), guard)).not.toThrow(); // 4 of 20 = 20%
  });

  it('refuses deleting more than the share, naming the type and the figures', () => {
    expect(() => checkDeletionGuard(planFor(20, 15), guard)).toThrow(DeletionGuardError);
    expect(() => checkDeletionGuard(planFor(20, 15), guard)).toThrow(
      'deletion guard: stores would delete 5 of 20 documents (25% > 20%); nothing was deleted (use --force if this is intended)',
    );
  });

  it('lets a small type lose up to graceCount documents whatever the share', () => {
    expect(() => checkDeletionGuard(planFor(4, 2), guard)).not.toThrow(); // 50%, but only 2
    expect(() => checkDeletionGuard(planFor(5, 2), guard)).toThrow(DeletionGuardError); // 3 > grace, 60%
  });

  it('refuses a type that comes back empty even when the share rule would allow it', () => {
    expect(() => checkDeletionGuard(planFor(2, 0), { maxShare: 1, graceCount: 10 })).toThrow(
      /came back empty but had 2/,
    );
  });

  it('has nothing to guard on a first run', () => {
    expect(() => checkDeletionGuard(planFor(0, 0), guard)).not.toThrow();
    expect(() => checkDeletionGuard(planFor(0, 3), guard)).not.toThrow();
  });
});
