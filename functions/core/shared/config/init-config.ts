/**
 * The `wpkb` block `wpkb init` proposes for a site: the site's URL and time zone, and one content
 * type per chosen post type holding only what differs from the defaults in code — its REST base when
 * it is not the name, the date field, the metadata. Taxonomies stay `"auto"` and labels come from the
 * site at every run, so neither is written.
 */
import type { SiteInspection } from '../../wordpress/inspect-site.js';

type Json = Record<string, unknown>;

/** A content type name (`kb/<name>/`) from a REST base: `wp/v2/book` → `book`, `Mis-Cosas` → `mis-cosas`. */
export function typeName(restBase: string): string {
  const last = restBase.split('/').pop() ?? restBase;
  const name = last
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '');
  if (name === '') return 'items';
  return name === 'faq' ? 'faq-items' : name; // `faq` is the curated knowledge's
}

export interface InitBlock {
  site: { url: string; timeZone?: string };
  contentTypes: Json[];
}

export function initBlock(inspection: SiteInspection): InitBlock {
  const contentTypes = inspection.types
    .filter((type) => type.chosen)
    .map(({ postType, inferred }) => {
      const name = typeName(postType.restBase);
      const metadata = (inferred?.metadata ?? []).map(({ name: key, path, type }) =>
        type === 'string' ? { name: key, path } : { name: key, path, type },
      );
      return {
        name,
        ...(postType.restBase === name ? {} : { restBase: postType.restBase }),
        ...(inferred?.dateField ? { dateField: inferred.dateField } : {}),
        ...(metadata.length ? { metadata } : {}),
      };
    });
  return {
    site: { url: inspection.siteUrl, ...(inspection.timeZone ? { timeZone: inspection.timeZone } : {}) },
    contentTypes,
  };
}

/** The existing `wpkb` context with the site and content types `wpkb init` found (everything else kept). */
export function mergeInitBlock(context: unknown, block: InitBlock): Json {
  const base: Json =
    typeof context === 'object' && context !== null && !Array.isArray(context)
      ? { ...(context as Json) }
      : {};
  const site = typeof base.site === 'object' && base.site !== null ? (base.site as Json) : {};
  return { ...base, site: { ...site, ...block.site }, contentTypes: block.contentTypes };
}
