import { createHash } from 'node:crypto';
import type { ResolvedContentType } from '../shared/config/schema.js';
import { StorageError } from '../shared/errors.js';
import { getJson, putJson } from '../storage/codec.js';
import type { Storage } from '../storage/port.js';
import { restFieldsFor } from '../wordpress/fields.js';
import { keys } from './keys.js';
import type { TypeMemory } from './transform.js';

/**
 * Bumped when what extract stores for an item, or what transform makes of it (normalising, documents,
 * catalog, export), changes: the next run of every type is then a full read (the fingerprint below
 * changes) and a full transform (transform's input digest changes), so no document keeps the old bytes.
 */
export const PIPELINE_VERSION = 1;

/**
 * `state/<type>.json`: the type's last complete run (transform succeeded on it). The next run lists the
 * type and compares with this run's raw file — every item of the type as it was then — to read only
 * what is new or changed.
 */
export interface ExtractState {
  format: 1;
  type: string;
  runId: string;
  /** `raw/<type>/<runId>.jsonl.gz`: every item of the type, sorted by id. */
  rawKey: string;
  /** Lines in that file. */
  items: number;
  /** readFingerprint() of the configuration that read it. */
  fingerprint: string;
  /** When the items of that file were last all read from WordPress (ISO). */
  fullReadAt: string;
  /** When the run's transform finished (ISO). */
  completedAt: string;
  /** What transform made of the type in that run (the next run skips a type whose inputs are the same). */
  transform?: TypeMemory;
}

/**
 * What the raw items depend on besides WordPress: the pipeline version, the type's configuration (its
 * fields, taxonomies, labels…) and whether reads are authenticated. A different fingerprint means the
 * previous raw file cannot stand in for unchanged items.
 */
export function readFingerprint(type: ResolvedContentType, authenticated: boolean): string {
  const basis = JSON.stringify({
    version: PIPELINE_VERSION,
    fields: restFieldsFor(type),
    type,
    authenticated,
  });
  return createHash('sha256').update(basis).digest('hex').slice(0, 32);
}

const isState = (value: unknown, type: string): value is ExtractState => {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.format === 1 &&
    v.type === type &&
    typeof v.runId === 'string' &&
    typeof v.rawKey === 'string' &&
    typeof v.items === 'number' &&
    typeof v.fingerprint === 'string' &&
    typeof v.fullReadAt === 'string' &&
    !Number.isNaN(Date.parse(v.fullReadAt))
  );
};

/**
 * The type's state, or undefined when there is none. Existence is asked with a listing of the one key
 * (an S3 GetObject of a missing key answers 403, not 404, without a bucket-wide ListBucket grant). A
 * state that is not one (another format, garbled) is reported as `unreadable`: the run reads everything.
 */
export async function readExtractState(
  storage: Storage,
  type: string,
): Promise<{ state?: ExtractState; unreadable?: string }> {
  const key = keys.state(type);
  if (!(await storage.list(key)).some((o) => o.key === key)) return {};
  try {
    const value = await getJson<unknown>(storage, key);
    return isState(value, type) ? { state: value } : { unreadable: `${key} is not a state of type ${type}` };
  } catch (error) {
    if (error instanceof StorageError) return { unreadable: error.message };
    throw error;
  }
}

/** Whether an object exists, asked with a listing of its key (see readExtractState). */
export async function exists(storage: Storage, key: string): Promise<boolean> {
  return (await storage.list(key)).some((o) => o.key === key);
}

/** What an extract result must say for its run to become the type's state. */
export interface StateSource {
  type: string;
  rawKey: string;
  fetched: number;
  fingerprint: string;
  fullReadAt: string;
}

/** After a complete run (transform succeeded): each type's state points at this run's raw file. */
export async function writeExtractStates(
  storage: Storage,
  runId: string,
  extracts: readonly StateSource[],
  completedAt: Date,
  memories: Readonly<Record<string, TypeMemory>> = {},
): Promise<void> {
  for (const extract of extracts) {
    const state: ExtractState = {
      format: 1,
      type: extract.type,
      runId,
      rawKey: extract.rawKey,
      items: extract.fetched,
      fingerprint: extract.fingerprint,
      fullReadAt: extract.fullReadAt,
      completedAt: completedAt.toISOString(),
      ...(memories[extract.type] ? { transform: memories[extract.type] } : {}),
    };
    await putJson(storage, keys.state(extract.type), state);
  }
}

/** The extract results that can become states (those that say what read them and when). */
export function stateSources(
  extracts: readonly {
    type: string;
    rawKey: string;
    fetched: number;
    fingerprint?: string | undefined;
    fullReadAt?: string | undefined;
  }[],
): StateSource[] {
  return extracts.flatMap((e) =>
    e.fingerprint !== undefined && e.fullReadAt !== undefined
      ? [
          {
            type: e.type,
            rawKey: e.rawKey,
            fetched: e.fetched,
            fingerprint: e.fingerprint,
            fullReadAt: e.fullReadAt,
          },
        ]
      : [],
  );
}
