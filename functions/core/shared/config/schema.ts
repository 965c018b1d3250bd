import { z } from 'zod';
import { strictObject } from '../../shared/config/strict.js';
import { cloudSchema } from './cloud-schema.js';

/** A dotted path into a WordPress item, array indexes as numbers: `acf.informacion_tienda.0.info.level`. */
const itemPath = z
  .string()
  .regex(/^[A-Za-z_][\w-]*(\.[\w-]+)*$/, 'must be a dotted path like acf.info.level');
const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lowercase letters, digits, - or _');

export const metadataFieldSchema = strictObject({
  /** Metadata key in the sidecar (snake_case). */
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case'),
  /** Where the value is in the WordPress item. */
  path: itemPath,
  /** Typed file-level metadata: numbers allow range filters in Bedrock. */
  type: z.enum(['string', 'number', 'boolean']).default('string'),
});

/**
 * A WordPress taxonomy that classifies a content type (`categoria_tienda` for stores). Items carry its
 * term ids under the taxonomy's REST base; the term names become a labelled line in the document
 * (`Categoría: Calzado, Moda`), a string metadata key (`category: "Calzado, Moda"`) and a list in the
 * catalog (`taxonomies.category`).
 */
export const taxonomySchema = strictObject({
  /** REST base of the taxonomy: the item field holding term ids and the `/wp/v2/<restBase>` collection. */
  restBase: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a REST base like "categoria_tienda"'),
  /** Metadata key (snake_case), e.g. `category`. */
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case'),
  /** Label of the line written in documents (the site's language), e.g. `Categoría`. */
  label: z.string().min(1),
  /**
   * A taxonomy the site lacks (or that does not classify the type) is a warning and the documents go
   * without it; `true` makes it a failure of the run instead.
   */
  required: z.boolean().default(false),
});

/**
 * `"auto"`: every taxonomy the site shows in its REST API for the type's post type, keyed by the
 * taxonomy's slug (`category`, `post_tag`), labelled by its name. A list: exactly those taxonomies.
 */
export const AUTO = 'auto';

/**
 * Boilerplate detection (functions/core/normalize/boilerplate.ts): body paragraphs repeated verbatim
 * across many items of a type are left out of its documents. Global under `boilerplate`; a type's own
 * `boilerplate` overrides any of these keys for that type.
 */
const boilerplateFields = {
  /** Off: documents keep every paragraph. */
  enabled: z.boolean(),
  /** A paragraph held by at least this share of the type's items (and by 2 or more) is boilerplate. */
  minShare: z.number().gt(0).max(1),
  /** Types with fewer items are never searched for boilerplate. */
  minItems: z.number().int().min(2),
  /** Paragraphs with fewer words are never boilerplate (a shared short line is more likely a fact). */
  minWords: z.number().int().min(1),
};
export const boilerplateSchema = strictObject({
  enabled: boilerplateFields.enabled.default(true),
  minShare: boilerplateFields.minShare.default(0.3),
  minItems: boilerplateFields.minItems.default(10),
  minWords: boilerplateFields.minWords.default(8),
});

export const contentTypeSchema = strictObject({
  /** Folder and `content_type` metadata value: `kb/<name>/…`. */
  name: slug,
  /** REST base of the post type: `/wp/v2/<restBase>` (default: the name; a post type slug also works). */
  restBase: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_/-]*$/, 'must be a REST base like "event" or "stores"')
    .optional(),
  /** Singular label written in documents (default: the name the site gives the post type). */
  label: z.string().min(1).optional(),
  /** Plural label for summaries and exports (default: the name the site gives the post type). */
  labelPlural: z.string().min(1).optional(),
  /** REST fields whose content makes the document text, in this order (the title always leads). */
  textFields: z.array(itemPath).min(1).default(['content', 'excerpt', 'acf']),
  /** Extra typed metadata taken from the item; a path no item has is a warning. */
  metadata: z.array(metadataFieldSchema).default([]),
  /** Path to the human date text of an event (`15 de marzo de 2026`, `15/03/2026`, `2026-03-15`). */
  dateField: itemPath.optional(),
  /** Labels for ACF keys specific to this type; merged over the global `fieldLabels`. */
  fieldLabels: z.record(z.string(), z.string()).default({}),
  /** Taxonomies whose term names this type's documents and catalog carry: `"auto"` or a list. */
  taxonomies: z.union([z.literal(AUTO), z.array(taxonomySchema)]).default(AUTO),
  /** This type's boilerplate settings, over the global `boilerplate` (e.g. `{"enabled": false}`). */
  boilerplate: strictObject(boilerplateFields).partial().optional(),
});

/** Metadata keys every document has (documents/document.ts): a configured key may not take them. */
export const RESERVED_METADATA_KEYS: readonly string[] = [
  'source_id',
  'content_type',
  'title',
  'url',
  'modified_at',
  'start_date',
  'end_date',
];

export const wordpressSchema = strictObject({
  /** Items per page: the REST API allows 1–100. */
  perPage: z.number().int().min(1).max(100).default(100),
  /** Pages fetched at once after page 1. */
  concurrency: z.number().int().min(1).max(16).default(4),
  /** Per-request timeout. */
  timeoutMs: z.number().int().min(1000).max(120_000).default(20_000),
  /** Retries after the first attempt on 429, 5xx, timeouts and connection errors. */
  maxRetries: z.number().int().min(0).max(10).default(5),
  /** First backoff; doubles each retry, with full jitter, capped by retryMaxMs. */
  retryBaseMs: z.number().int().min(1).max(60_000).default(500),
  retryMaxMs: z.number().int().min(1).max(300_000).default(30_000),
  userAgent: z.string().min(1).default('wpkb/0.1 (+WordPress to Amazon Bedrock knowledge sync)'),
  /**
   * Between full reads, a run lists each type (`_fields=id,modified_gmt`) and reads only new and changed
   * items. Every this many days (and whenever the listing cannot be trusted) it reads everything again,
   * because a change that does not move `modified_gmt` (post meta written without wp_update_post) shows
   * only then. 0: every run is a full read.
   */
  fullReadEveryDays: z.number().int().min(0).max(365).default(7),
  /**
   * Between full reads, ask first what changed since the previous run (`modified_after` and `after`, plus
   * the count: three requests per type, whatever its size) and list every page only when the count says
   * that is not the whole story (a removal, an item made public without a new date). false: always list
   * every page.
   */
  listChanges: z.boolean().default(true),
  /**
   * A full read decided before any listing (no previous run, `--full`, the weekly read, a changed
   * configuration) reads the pages with every field — half the requests of listing the ids and reading
   * them by id — and puts a read that does not add up right against a listing. false: list, then read by
   * id.
   */
  fullReadByPages: z.boolean().default(true),
  /** Items one extract invocation reads with all their fields (a read batch; the cloud maps over them). */
  readBatchSize: z.number().int().min(1).max(100_000).default(10_000),
  /** Application-password user; the password comes from the environment (WPKB_WP_APP_PASSWORD) or a secret. */
  username: z.string().min(1).optional(),
});

export const deletionGuardSchema = strictObject({
  /** A run may not delete more than this share of a type's documents… */
  maxShare: z.number().min(0).max(1).default(0.2),
  /** …unless it deletes at most this many (so a type of 4 items can lose one). */
  graceCount: z.number().int().min(0).default(2),
});

/** The local knowledge base `npm start` builds and `wpkb ask` / `wpkb eval` query (docs/local-kb.md). */
export const localKbSchema = strictObject({
  /**
   * `hashing`: the offline lexical embedding (no model, no network). `titan`: Amazon Titan Text
   * Embeddings V2 through Bedrock (AWS credentials and model access needed), with the dimensions of
   * `cloud.embedding`. Changing it rebuilds the local index.
   */
  embedder: z.enum(['hashing', 'titan']).default('hashing'),
  /** Vector size of the hashing embedder. */
  hashingDimensions: z.number().int().min(16).max(8192).default(512),
  /** Region of the Bedrock Runtime endpoint for `titan` (default: the AWS SDK's, e.g. AWS_REGION). */
  titanRegion: z.string().min(1).optional(),
  /** Hybrid retrieval: weights of the full-text and vector scores (each scaled to its best hit). */
  textWeight: z.number().gt(0).max(1).default(0.5),
  vectorWeight: z.number().gt(0).max(1).default(0.5),
  /**
   * Typos allowed per query word in full text (Levenshtein distance on its stem). 0 by default: on the
   * demo question set fuzzy terms cost more than they gained; the lexical vectors already match typos.
   */
  typoTolerance: z.number().int().min(0).max(3).default(0),
  /** Vector matches below this cosine similarity do not count. */
  minSimilarity: z.number().min(-1).max(1).default(0.1),
});

/** A post-sync canary: a question whose answer must come back from the deployed knowledge base. */
export const canarySchema = strictObject({
  question: z.string().min(1),
  /** The item that must be retrieved: its `source_id` (e.g. `"122"`, `"faq-…"`) or its exact title. */
  expected: z.string().min(1),
  /** Only this content type (an `equals` filter on `content_type`). */
  type: z.string().min(1).optional(),
  /** The expected item must be among the first `k` results. */
  k: z.number().int().min(1).max(100).default(5),
});

export const canariesSchema = strictObject({
  questions: z.array(canarySchema).default([]),
  /** Fail the pipeline run on a miss (default: alert and metric only). */
  strict: z.boolean().default(false),
});

export const configSchema = strictObject({
  /** Environment name: prefixes cloud resource names (`wpkb-<env>-…`). */
  env: slug.default('dev'),
  site: strictObject({
    /** Base URL of the WordPress site (no trailing /wp-json). */
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    /** IANA time zone of the site, for dates people read. */
    timeZone: z.string().min(1).default('America/Santiago'),
    /** BCP 47 language of the content. */
    language: z.string().min(2).default('es'),
  }),
  wordpress: wordpressSchema.default(wordpressSchema.parse({})),
  contentTypes: z.array(contentTypeSchema).min(1, 'needs at least one content type'),
  /** Labels for ACF keys, shared by every type. */
  fieldLabels: z.record(z.string(), z.string()).default({}),
  deletionGuard: deletionGuardSchema.default(deletionGuardSchema.parse({})),
  boilerplate: boilerplateSchema.default(boilerplateSchema.parse({})),
  /** CDK stacks only (see cloud-schema.ts). */
  cloud: cloudSchema.default(cloudSchema.parse({})),
  localKb: localKbSchema.default(localKbSchema.parse({})),
  canaries: canariesSchema.default(canariesSchema.parse({})),
}).superRefine((config, ctx) => {
  if (config.cloud.wordpressPasswordSecret && !config.wordpress.username) {
    ctx.addIssue({
      code: 'custom',
      path: ['wordpress', 'username'],
      message: 'is needed with cloud.wordpressPasswordSecret (the application password belongs to a user)',
    });
  }
  const seen = new Set<string>();
  config.contentTypes.forEach((type, index) => {
    if (seen.has(type.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['contentTypes', index, 'name'],
        message: `duplicate type "${type.name}"`,
      });
    }
    seen.add(type.name);
    if (type.name === 'faq') {
      ctx.addIssue({
        code: 'custom',
        path: ['contentTypes', index, 'name'],
        message: '"faq" is reserved for curated knowledge',
      });
    }
    // A taxonomy's key shares the sidecar with the built-in and configured metadata keys.
    const keys = new Set(type.metadata.map((field) => field.name));
    const bases = new Set<string>();
    if (type.taxonomies === AUTO) return;
    type.taxonomies.forEach((taxonomy, t) => {
      const path = ['contentTypes', index, 'taxonomies', t];
      if (RESERVED_METADATA_KEYS.includes(taxonomy.name) || keys.has(taxonomy.name)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'name'],
          message: `"${taxonomy.name}" is already a metadata key of type "${type.name}"`,
        });
      }
      if (bases.has(taxonomy.restBase)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'restBase'],
          message: `taxonomy "${taxonomy.restBase}" is configured twice for type "${type.name}"`,
        });
      }
      keys.add(taxonomy.name);
      bases.add(taxonomy.restBase);
    });
  });
});

export type WpkbConfig = z.infer<typeof configSchema>;
export type ContentTypeConfig = z.infer<typeof contentTypeSchema>;
export type WordPressConfig = z.infer<typeof wordpressSchema>;
export type MetadataField = z.infer<typeof metadataFieldSchema>;
export type TaxonomyConfig = z.infer<typeof taxonomySchema>;
/**
 * A content type as a run uses it, once the site has been read (functions/core/wordpress/resolve-types.ts):
 * its REST base and labels known, its taxonomies the ones the site has for it.
 */
export type ResolvedContentType = Omit<
  ContentTypeConfig,
  'restBase' | 'label' | 'labelPlural' | 'taxonomies'
> & {
  restBase: string;
  label: string;
  labelPlural: string;
  taxonomies: TaxonomyConfig[];
};
export type DeletionGuardConfig = z.infer<typeof deletionGuardSchema>;
/** What a config file or cdk.json context may hold: everything optional, merged over the defaults. */
export type ConfigInput = z.input<typeof configSchema>;
export type CanaryConfig = z.infer<typeof canarySchema>;
