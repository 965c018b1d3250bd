/** A WordPress REST item as fetched (only the fields wpkb asks for with `_fields`). */
export interface WpItem {
  id: number;
  date_gmt?: string;
  modified_gmt?: string;
  slug?: string;
  status?: string;
  type?: string;
  link?: string;
  title?: { rendered?: string };
  content?: { rendered?: string; protected?: boolean };
  excerpt?: { rendered?: string; protected?: boolean };
  /** ACF fields when "Show in REST" is on; `false` when the item has none. */
  acf?: Record<string, unknown> | false | unknown[];
  [field: string]: unknown;
}

/**
 * A taxonomy term as wpkb reads it (`_fields=id,name,slug,parent`). `name` is as WordPress serves it:
 * HTML-escaped (`Hogar &amp; Deco`), decoded when items are normalised.
 */
export interface WpTerm {
  id: number;
  name: string;
  slug?: string;
  /** Parent term id in hierarchical taxonomies (0 at the top). */
  parent?: number;
}

/** Every term of some taxonomies, by taxonomy REST base: what extract stores next to the raw items. */
export type TermsByTaxonomy = Record<string, WpTerm[]>;

/** The terms an item has in one configured taxonomy. */
export interface ItemTaxonomy {
  /** Metadata key (`category`). */
  name: string;
  /** Label of the document line (`Categoría`). */
  label: string;
  /** Term names: decoded, distinct, sorted (see normalize/terms.ts); empty when the item has none. */
  terms: string[];
}

/** A labelled line of the document, e.g. `{label: 'Horario', value: 'Lunes a domingo 10:00–21:00'}`. */
export interface LabelledLine {
  label: string;
  value: string;
}

/** An item cleaned and normalised: plain text, NFC, no markup. The input of document building. */
export interface NormalisedItem {
  /** Stable id of the document: the WordPress id as a string (`faq-<n>` for curated questions). */
  sourceId: string;
  contentType: string;
  /** Singular label of the type in the site's language ("Tienda"). */
  typeLabel: string;
  title: string;
  url: string;
  /** ISO 8601 UTC, from `modified_gmt` ('' when unknown). */
  modifiedAt: string;
  publishedAt: string;
  /** Main text (content, excerpt…), paragraphs separated by blank lines. */
  body: string;
  /** Flattened structured fields (ACF), in source order. */
  fields: LabelledLine[];
  /** Typed extra metadata from the type's `metadata` configuration. */
  metadata: Record<string, string | number | boolean>;
  /** Events: the original date text and, when parseable, YYYYMMDD numbers. */
  dateText?: string;
  startDate?: number;
  endDate?: number;
  /** True when the item is password-protected: its content was withheld. */
  protected: boolean;
  /**
   * Term names per configured taxonomy, in configuration order (every configured taxonomy, `terms`
   * possibly empty). Absent for items that do not come from WordPress (curated FAQ).
   */
  taxonomies?: ItemTaxonomy[];
}
