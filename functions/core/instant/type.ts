import { transform } from '../pipeline/transform.js';
import type { ResolvedContentType } from '../shared/config/schema.js';
import type { TermsByTaxonomy } from '../shared/types.js';
import type { InstantDeps, StoreChange } from './item.js';

/**
 * A type-level hint (a term of the type was renamed or deleted, so many documents may change): the
 * type is read again completely, with its terms, and transformed exactly as the nightly run transforms
 * it — same deletion guard, catalog and export — so only documents whose bytes changed are written.
 * The caller holds the data lock.
 */
export async function applyTypeUpdate(
  type: ResolvedContentType,
  deps: InstantDeps,
  options: { termsRunId: string },
): Promise<StoreChange> {
  const fetched = await deps.client.fetchAll(type);
  const termReads = await Promise.all(
    type.taxonomies.map((taxonomy) =>
      deps.client.fetchTerms(taxonomy.restBase, { runId: options.termsRunId }),
    ),
  );
  const terms: TermsByTaxonomy = Object.fromEntries(termReads.map((r) => [r.taxonomy, r.terms]));
  const result = await transform({
    config: deps.config,
    storage: deps.storage,
    inputs: [{ type, items: fetched.items, terms }],
    log: deps.log,
  });
  const changed = result.written.length + result.deleted.length > 0;
  return {
    action: result.written.length ? 'written' : result.deleted.length ? 'deleted' : 'unchanged',
    written: result.written,
    deleted: result.deleted,
    catalogChanged: changed,
    reason: `type re-read (${fetched.items.length} items)`,
  };
}
