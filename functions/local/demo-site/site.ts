/**
 * The demo WordPress site's model: what the generator (generate.ts) builds and the server (server.ts)
 * serves, in the shapes of WordPress's REST API, and the fixed origins and "now" it is built against.
 */

/** Where fixture links point; the demo server rewrites it to its own address. */
export const DEMO_ORIGIN = 'https://paseo-cordillera.example';
/**
 * Where item links (`link`) and links in content point: the mall's public site. Unlike API URLs
 * (DEMO_ORIGIN, rewritten by the server to its own address), these stay put, so documents built
 * from the demo site are byte-identical whatever port it was served on.
 */
export const DEMO_PUBLIC_ORIGIN = 'https://www.paseo-cordillera.example';

/** "Now" for the fixture: no published item is dated after it. */
export const DEMO_NOW_GMT = '2026-03-01T12:00:00';

export const DEFAULT_DEMO_SEED = 20260301;

export interface DemoType {
  /** Post type slug (the items' `type`). */
  slug: string;
  /** REST base: `/wp/v2/<restBase>`. */
  restBase: string;
  /** Plural label, as WordPress reports it. */
  name: string;
}

export type DemoStatus = 'publish' | 'draft' | 'private' | 'pending' | 'future';

/** A taxonomy term (view context, without the fields the server derives: count, link, taxonomy). */
export interface DemoTerm {
  /** Term ids are one sequence for the whole site, separate from post ids. */
  id: number;
  /** As WordPress stores and serves it: HTML-escaped (`Hogar &amp; Deco`). */
  name: string;
  slug: string;
  /** Parent term id; 0 at the top (always 0 in flat taxonomies). */
  parent: number;
  description: string;
}

export interface DemoTaxonomy {
  /** Taxonomy slug (`categoria_tienda`). */
  slug: string;
  /** REST base: the items' field holding term ids, and `/wp/v2/<restBase>`. */
  restBase: string;
  /** Plural label, as WordPress reports it. */
  name: string;
  /** Post type slugs it classifies. */
  types: string[];
  hierarchical: boolean;
  /** In id order. */
  terms: DemoTerm[];
}

/** A WordPress REST item (view context) as the demo site stores and serves it. */
export type DemoItem = {
  id: number;
  date: string;
  date_gmt: string;
  guid: { rendered: string };
  modified: string;
  modified_gmt: string;
  slug: string;
  status: DemoStatus;
  type: string;
  link: string;
  title: { rendered: string };
  content: { rendered: string; protected: boolean };
  excerpt: { rendered: string; protected: boolean };
  featured_media: number;
  template: string;
  acf: Record<string, unknown> | false | unknown[];
  /**
   * Term ids by taxonomy REST base, for every taxonomy of the item's type (`[]` when it has none). The
   * server serves each as a top-level field (`"categoria_tienda": [12, 14]`), as WordPress does.
   */
  terms: Record<string, number[]>;
};

export interface DemoSite {
  name: string;
  description: string;
  types: DemoType[];
  /** The mall's taxonomies with their terms. Live, like `items`. */
  taxonomies: DemoTaxonomy[];
  /** Items by REST base, in id order. Live: the demo server reads it on every request. */
  items: Record<string, DemoItem[]>;
}

export interface DemoSiteOptions {
  /** Multiplies the item counts (1 ≈ 60 events, 180 stores, 60 restaurants). */
  scale?: number;
  seed?: number;
}

/** True when WordPress lists the item to an anonymous visitor (published; protected ones included). */
export const isPublic = (item: DemoItem): boolean => item.status === 'publish';
