/**
 * `wpkb init`'s look at a live site: its REST post types with their item counts, the taxonomies
 * attached to each, and a sample of items per type (every field, ACF included) to infer what to
 * configure. Reads only; the client brings retries and the REST route style.
 */

import { type InferredFields, inferFields } from '../normalize/infer-fields.js';
import { isProtectedItem } from '../normalize/item.js';
import { WordPressError } from '../shared/errors.js';
import type { DiscoveredPostType, DiscoveredTaxonomy, WordPressClient } from './client.js';
import { classifies } from './resolve-types.js';

export interface InspectedType {
  postType: DiscoveredPostType;
  /** Published items (X-WP-Total); undefined when the site does not say or was not asked. */
  total?: number;
  /** Why the type was not sampled (a WordPress-internal type, an answer like HTTP 401). */
  skipped?: string;
  /** Taxonomies the site attaches to the type (what `taxonomies: "auto"` will use). */
  taxonomies: DiscoveredTaxonomy[];
  inferred?: InferredFields;
  /** Goes into the configuration: named with --types, or readable with at least one item. */
  chosen: boolean;
}

export interface SiteInspection {
  siteUrl: string;
  name: string;
  timeZone?: string;
  types: InspectedType[];
  /** Set when the site would not list its taxonomies. */
  taxonomiesUnavailable?: string;
}

export interface InspectOptions {
  /** Only these post types (REST base or slug); default: every content type with items. */
  types?: readonly string[];
  /** Items sampled per type. */
  sampleSize?: number;
}

/** Post types WordPress uses for itself (media, menus, blocks, templates, fonts): not content. */
export const isInternalType = (slug: string): boolean =>
  slug === 'attachment' || slug === 'nav_menu_item' || slug.startsWith('wp_');

const refused = (error: unknown): error is WordPressError =>
  error instanceof WordPressError && [401, 403, 404].includes(error.status ?? 0);

export async function inspectSite(
  client: Pick<WordPressClient, 'discover' | 'sampleItems' | 'taxonomies'>,
  siteUrl: string,
  options: InspectOptions = {},
): Promise<SiteInspection> {
  const site = await client.discover();
  let wanted: DiscoveredPostType[] | undefined;
  if (options.types?.length) {
    wanted = options.types.map((name) => {
      const postType =
        site.postTypes.find((t) => t.restBase === name) ?? site.postTypes.find((t) => t.slug === name);
      if (!postType) {
        const has = site.postTypes.map((t) => `${t.restBase} (${t.slug})`).join(', ') || 'none';
        throw new WordPressError(
          `WordPress site ${siteUrl} has no post type "${name}"; the site has: ${has}`,
          site.apiRoot,
        );
      }
      return postType;
    });
  }
  let listed: DiscoveredTaxonomy[] = [];
  let taxonomiesUnavailable: string | undefined;
  try {
    listed = await client.taxonomies();
  } catch (error) {
    if (!refused(error)) throw error;
    taxonomiesUnavailable = `GET ${error.url} answered HTTP ${error.status}`;
  }
  const sampleSize = options.sampleSize ?? 20;
  const types = await Promise.all(
    site.postTypes.map(async (postType): Promise<InspectedType> => {
      const taxonomies = listed.filter((taxonomy) => classifies(taxonomy, postType));
      const named = wanted?.includes(postType) ?? false;
      if (wanted && !named) return { postType, taxonomies, skipped: 'not in --types', chosen: false };
      if (!named && isInternalType(postType.slug)) {
        return { postType, taxonomies, skipped: 'WordPress-internal type', chosen: false };
      }
      try {
        const sample = await client.sampleItems(postType, sampleSize);
        const total = sample.total ?? sample.items.length;
        return {
          postType,
          taxonomies,
          total,
          // Password-protected items serve their ACF fields anyway; they are not looked at (nor printed).
          inferred: inferFields(sample.items.filter((item) => !isProtectedItem(item))),
          chosen: named || total > 0,
        };
      } catch (error) {
        if (!refused(error)) throw error;
        return { postType, taxonomies, skipped: `HTTP ${error.status} to an anonymous read`, chosen: false };
      }
    }),
  );
  const unreadable = types.filter((t) => wanted?.includes(t.postType) && t.skipped);
  if (unreadable.length) {
    throw new WordPressError(
      `WordPress site ${siteUrl} does not serve ${unreadable.map((t) => `"${t.postType.restBase}" (${t.skipped})`).join(', ')}`,
      site.apiRoot,
    );
  }
  return {
    siteUrl,
    name: site.name,
    ...(site.timeZone ? { timeZone: site.timeZone } : {}),
    types,
    ...(taxonomiesUnavailable ? { taxonomiesUnavailable } : {}),
  };
}
