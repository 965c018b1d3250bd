import Table from 'cli-table3';
import type { SiteInspection } from '../../core/wordpress/inspect-site.js';

const tableStyle = { head: [], border: [] };

/** What `wpkb init` found on the site and what it chose, as tables for a terminal. */
export function inspectionTables(inspection: SiteInspection): string[] {
  const types = new Table({
    head: ['post type', 'REST base', 'items', 'taxonomies ("auto")', 'chosen'],
    style: tableStyle,
  });
  for (const type of inspection.types) {
    const taxonomies = type.taxonomies.map((t) => `${t.slug} (${t.name})`).join(', ') || '—';
    const why = type.skipped ?? (type.total === 0 ? 'no items' : '');
    types.push([
      type.postType.slug,
      type.postType.restBase,
      type.total ?? '',
      taxonomies,
      type.chosen ? 'yes' : `no: ${why}`,
    ]);
  }
  const out = [types.toString()];
  if (inspection.taxonomiesUnavailable) {
    out.push(`taxonomies: the site lists none (${inspection.taxonomiesUnavailable})`);
  }
  for (const type of inspection.types) {
    const inferred = type.inferred;
    if (!type.chosen || !inferred) continue;
    const fields = new Table({
      head: [`${type.postType.restBase}: field`, 'in', 'example', 'chosen as'],
      style: tableStyle,
      colWidths: [42, 7, 28, 32],
      wordWrap: true,
    });
    fields.push(['content, excerpt', `${inferred.withContent}/${inferred.sampled}`, '', 'text']);
    for (const field of inferred.fields) {
      fields.push([
        field.path,
        `${field.items}/${inferred.withAcf}`,
        field.examples[0] ?? '',
        field.choice ?? '',
      ]);
    }
    out.push(
      `${type.postType.restBase}: ${inferred.sampled} items sampled, ${inferred.withAcf} with ACF fields`,
      fields.toString(),
    );
  }
  return out;
}
