/**
 * Configured content types → the types a run uses, from what the site says about itself: the post
 * type's REST base and name, the taxonomies attached to it. Pure: the WordPress client reads the site,
 * this decides. Optional enrichment the site lacks becomes a warning; only a `required` taxonomy fails.
 */
import { cleanInline } from '../normalize/html.js';
import {
  AUTO,
  type ContentTypeConfig,
  RESERVED_METADATA_KEYS,
  type ResolvedContentType,
  type TaxonomyConfig,
} from '../shared/config/schema.js';
import type { DiscoveredPostType, DiscoveredTaxonomy } from './discovery.js';

export interface TypeResolution {
  type: ResolvedContentType;
  /** One line each, naming the type: what the documents go without, and why. */
  warnings: string[];
}

/** What the site lists of its taxonomies, or why it lists none (it answered 401/403/404). */
export type SiteTaxonomies = { listed: readonly DiscoveredTaxonomy[] } | { unavailable: string };

/** The configured REST base (default: the type's name). */
export const restBaseOf = (type: ContentTypeConfig): string => type.restBase ?? type.name;

/** The site's post type for a configured type: by REST base, else by post type slug (`post` → `posts`). */
export function findPostType(
  type: ContentTypeConfig,
  postTypes: readonly DiscoveredPostType[],
): DiscoveredPostType | undefined {
  const wanted = restBaseOf(type);
  return postTypes.find((t) => t.restBase === wanted) ?? postTypes.find((t) => t.slug === wanted);
}

/** `categories (category), tags (post_tag)`: what a site has, for messages. */
export const listTaxonomies = (found: readonly DiscoveredTaxonomy[]): string =>
  found.map((t) => `${t.restBase} (${t.slug})`).join(', ') || 'none';

/** Does the site attach this taxonomy to this post type (either side may say so)? */
export const classifies = (taxonomy: DiscoveredTaxonomy, postType: DiscoveredPostType): boolean =>
  taxonomy.types.includes(postType.slug) || postType.taxonomies.includes(taxonomy.slug);

/** A metadata key from a taxonomy slug: `post_tag` stays, `tipo-comida` → `tipo_comida`, `2x` → `t_2x`. */
export function taxonomyKey(slug: string): string {
  const key = slug.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  return /^[a-z]/.test(key) ? key : `t_${key}`;
}

const siteLabel = (name: string, fallback: string): string => cleanInline(name) || fallback;

export interface ResolveResult extends TypeResolution {
  /** Problems with `required` taxonomies: the run must fail (the client throws them as one error). */
  errors: string[];
}

/** Every taxonomy the site attaches to the post type, keyed and labelled from the site, sorted by slug. */
function autoTaxonomies(
  type: ContentTypeConfig,
  postType: DiscoveredPostType,
  listed: readonly DiscoveredTaxonomy[],
  warnings: string[],
): TaxonomyConfig[] {
  const taken = new Set([...RESERVED_METADATA_KEYS, ...type.metadata.map((field) => field.name)]);
  const attached = listed
    .filter((taxonomy) => classifies(taxonomy, postType))
    .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  const out: TaxonomyConfig[] = [];
  for (const taxonomy of attached) {
    const key = taxonomyKey(taxonomy.slug);
    const name = taken.has(key) ? `${key}_terms` : key;
    if (taken.has(name)) {
      warnings.push(
        `${type.name}: taxonomy "${taxonomy.restBase}" left out: its key "${key}" is already a metadata key (configure its taxonomies to name it)`,
      );
      continue;
    }
    taken.add(name);
    out.push({
      restBase: taxonomy.restBase,
      name,
      label: siteLabel(taxonomy.name, taxonomy.slug),
      required: false,
    });
  }
  return out;
}

/**
 * Resolves one configured type against its post type and the site's taxonomies:
 * - REST base: the post type's; labels: the configured ones, else the name the site gives the type;
 * - `taxonomies: "auto"`: every taxonomy the site attaches to the post type (none, when the site does
 *   not list its taxonomies: a warning);
 * - a configured taxonomy the site lacks, or that does not classify the type: a warning and the
 *   documents go without it, or an error when it is `required`.
 */
export function resolveContentType(
  type: ContentTypeConfig,
  postType: DiscoveredPostType,
  taxonomies: SiteTaxonomies,
): ResolveResult {
  const warnings: string[] = [];
  const errors: string[] = [];
  const siteName = siteLabel(postType.name, type.name);
  const label = type.label ?? siteName;
  const base = {
    ...type,
    restBase: postType.restBase,
    label,
    labelPlural: type.labelPlural ?? siteName,
  };
  const configured = type.taxonomies === AUTO ? undefined : type.taxonomies;
  if (configured?.length === 0) return { type: { ...base, taxonomies: [] }, warnings, errors };

  if ('unavailable' in taxonomies) {
    const required = configured?.filter((t) => t.required) ?? [];
    if (required.length) {
      errors.push(
        `lists no taxonomies (${taxonomies.unavailable}), yet type ${type.name} requires ${required.map((t) => `"${t.restBase}"`).join(', ')}`,
      );
    }
    warnings.push(
      `${type.name}: the site lists no taxonomies (${taxonomies.unavailable}); documents go without taxonomies`,
    );
    return { type: { ...base, taxonomies: [] }, warnings, errors };
  }

  const { listed } = taxonomies;
  if (!configured) {
    return {
      type: { ...base, taxonomies: autoTaxonomies(type, postType, listed, warnings) },
      warnings,
      errors,
    };
  }
  const kept: TaxonomyConfig[] = [];
  for (const taxonomy of configured) {
    const found = listed.find((t) => t.restBase === taxonomy.restBase);
    if (found && classifies(found, postType)) {
      kept.push(taxonomy);
      continue;
    }
    const restBase = `"${taxonomy.restBase}"`;
    const classified = found ? found.types.join(', ') || 'no post type' : '';
    if (taxonomy.required) {
      errors.push(
        found
          ? `taxonomy ${restBase} does not classify post type "${postType.slug}" (type ${type.name}; it classifies: ${classified})`
          : `has no taxonomy with REST base ${restBase} (type ${type.name}); the site has: ${listTaxonomies(listed)}`,
      );
    } else {
      warnings.push(
        found
          ? `${type.name}: taxonomy ${restBase} does not classify post type "${postType.slug}" (it classifies: ${classified}); documents go without it`
          : `${type.name}: the site has no taxonomy ${restBase} (it has: ${listTaxonomies(listed)}); documents go without it`,
      );
    }
  }
  return { type: { ...base, taxonomies: kept }, warnings, errors };
}

/** What extract decided for a type and hands to transform (which never calls WordPress). */
export type ResolvedFacts = Pick<ResolvedContentType, 'restBase' | 'label' | 'labelPlural' | 'taxonomies'>;

export const resolvedFacts = (type: ResolvedContentType): ResolvedFacts => ({
  restBase: type.restBase,
  label: type.label,
  labelPlural: type.labelPlural,
  taxonomies: type.taxonomies,
});

/** The configured type completed with what extract found on the site. */
export const applyFacts = (type: ContentTypeConfig, facts: ResolvedFacts): ResolvedContentType => ({
  ...type,
  ...facts,
});
