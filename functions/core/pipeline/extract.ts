import type { Log } from '../shared/logger.js';
import type { TermsByTaxonomy } from '../shared/types.js';
import { encodeJsonLinesGz, putJson } from '../storage/codec.js';
import type { Storage } from '../storage/port.js';
import type { WordPressClient } from '../wordpress/client.js';
import { type ResolvedFacts, resolvedFacts, type TypeResolution } from '../wordpress/resolve-types.js';
import { keys } from './keys.js';
import { redactProtected } from './redact.js';

/** What extract hands to transform (and what the Map state collects). */
export interface ExtractResult {
  type: string;
  rawKey: string;
  fetched: number;
  pages: number;
  requests: number;
  retries: number;
  durationMs: number;
  /** What discovery decided for the type (REST base, labels, taxonomies): transform never calls WordPress. */
  resolved: ResolvedFacts;
  /** What the type's documents go without and why, one line each (the run report's `warnings`). */
  warnings: string[];
}

export interface ExtractDeps {
  client: Pick<WordPressClient, 'fetchAll' | 'fetchTerms'>;
  storage: Storage;
  log: Log;
}

/**
 * Reads every published item of one type (as resolved against the site by the client's
 * `resolveTypes`) and stores them, as fetched (protected items redacted), at
 * `raw/<type>/<runId>.jsonl.gz`. When the type has taxonomies, every term of each is stored, as
 * fetched, at `raw/<type>/<runId>.terms.json` (`{"<restBase>": [{id, name, slug, parent}, …]}`): items
 * keep their term ids and transform, which never calls WordPress, resolves the names from this file.
 * The resolution's warnings are logged and passed on. Throws when the type or a taxonomy cannot be read
 * completely.
 */
export async function extractType(
  resolution: TypeResolution,
  runId: string,
  deps: ExtractDeps,
): Promise<ExtractResult> {
  const { type, warnings } = resolution;
  for (const warning of warnings) deps.log.warn(`warning: ${warning}`, { type: type.name });
  const result = await deps.client.fetchAll(type);
  // Terms after the items: a term created and assigned while the items were being read is then known.
  const termReads = await Promise.all(
    type.taxonomies.map((taxonomy) => deps.client.fetchTerms(taxonomy.restBase, { runId })),
  );
  const rawKey = keys.raw(type.name, runId);
  await deps.storage.put(rawKey, await encodeJsonLinesGz(result.items.map(redactProtected)));
  if (termReads.length) {
    const terms: TermsByTaxonomy = Object.fromEntries(termReads.map((read) => [read.taxonomy, read.terms]));
    await putJson(deps.storage, keys.terms(type.name, runId), terms);
  }
  deps.log.info('extracted', {
    type: type.name,
    items: result.items.length,
    pages: result.pages,
    rawKey,
    ...(termReads.length
      ? { terms: Object.fromEntries(termReads.map((read) => [read.taxonomy, read.total])) }
      : {}),
  });
  return {
    type: type.name,
    rawKey,
    fetched: result.items.length,
    pages: result.pages,
    requests: result.requests + termReads.reduce((sum, read) => sum + read.requests, 0),
    retries: result.retries + termReads.reduce((sum, read) => sum + read.retries, 0),
    durationMs: result.durationMs + Math.max(0, ...termReads.map((read) => read.durationMs)),
    resolved: resolvedFacts(type),
    warnings,
  };
}
