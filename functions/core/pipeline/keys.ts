/** The data contract's keys (DESIGN.md), in one place. */
export const keys = {
  raw: (type: string, runId: string) => `raw/${type}/${runId}.jsonl.gz`,
  /** The terms of the type's taxonomies, read in the same extract (see termsKeyFor). */
  terms: (type: string, runId: string) => `raw/${type}/${runId}.terms.json`,
  /** What extract reads this run and how (extract-plan.ts): listing, mode, ids to read. */
  plan: (type: string, runId: string) => `raw/${type}/${runId}.plan.json`,
  /** The items of one read batch, as fetched (redacted), sorted by id. */
  part: (type: string, runId: string, batch: number) =>
    `raw/${type}/${runId}.part-${String(batch).padStart(4, '0')}.jsonl.gz`,
  /** The type's last complete run: its raw file, when it last read everything (extract-state.ts). */
  state: (type: string) => `state/${type}.json`,
  kbPrefix: (type: string) => `kb/${type}/`,
  catalog: (type: string) => `catalog/${type}.json`,
  export: (type: string) => `exports/${type}.csv`,
  run: (runId: string) => `runs/${runId}.json`,
  latestRun: 'runs/latest.json',
} as const;

/**
 * The terms file next to a raw extract: `raw/<type>/<runId>.jsonl.gz` → `raw/<type>/<runId>.terms.json`.
 * Derived from the raw key, so transform finds it from what the state machine already passes it.
 */
export const termsKeyFor = (rawKey: string): string => `${rawKey.replace(/\.jsonl\.gz$/, '')}.terms.json`;

/** Sortable, unique enough for one site: `20261121T031500Z-3f9a`. */
export function newRunId(now: Date, random: () => number = Math.random): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const suffix = Math.floor(random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  return `${stamp}-${suffix}`;
}
