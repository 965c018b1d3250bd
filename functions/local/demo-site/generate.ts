/**
 * Fixture data of a fictitious Chilean shopping mall, "Mall Paseo Cordillera", shaped exactly like the
 * items the WordPress REST API returns for the reference site (events, stores, restaurants with their
 * ACF fields), including the mess real sites have: Gutenberg comments, entities, emoji, scripts and
 * styles, quotes and newlines in titles, empty and very long items, `acf: false`, non-public items.
 *
 * Deterministic: everything comes from a seeded PRNG; no clock, no Math.random.
 */

import { TAXONOMY, TAXONOMY_TERMS } from './data/taxonomies.js';
import { gmt, local } from './generator/dates.js';
import type { Builder, Draft } from './generator/draft.js';
import { addEvents, addNonPublic, addStoreLike } from './generator/generated-items.js';
import { mulberry32, Random } from './generator/random.js';
import { addSpecials, symbolNamed } from './generator/special-items.js';
import { excerptOf, renderTitle, slugify, storedTermName } from './generator/text.js';
import {
  DEFAULT_DEMO_SEED,
  DEMO_ORIGIN,
  DEMO_PUBLIC_ORIGIN,
  type DemoItem,
  type DemoSite,
  type DemoSiteOptions,
  type DemoTaxonomy,
  type DemoTerm,
  type DemoType,
} from './site.js';

/** Generates the demo site. Same options ⇒ deeply equal result. */
export function generateDemoSite(options: DemoSiteOptions = {}): DemoSite {
  const scale = options.scale ?? 1;
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  if (!Number.isFinite(scale) || scale <= 0)
    throw new RangeError(`demo site scale must be > 0 (got ${scale})`);
  if (!Number.isInteger(seed)) throw new RangeError(`demo site seed must be an integer (got ${seed})`);

  const types: DemoType[] = [
    { slug: 'event', restBase: 'event', name: 'Eventos' },
    { slug: 'stores', restBase: 'stores', name: 'Tiendas' },
    { slug: 'restaurant', restBase: 'restaurant', name: 'Restaurantes' },
  ];
  const rewrite: Record<string, string> = { event: 'eventos', stores: 'tiendas', restaurant: 'restaurantes' };
  const b: Builder = {
    r: new Random(mulberry32(seed)),
    t: new Random(mulberry32(seed ^ 0x7a0c1a)),
    x: new Random(mulberry32(seed ^ 0x5b0d1e)),
    drafts: [],
  };
  const count = (base: number): number => Math.max(1, Math.round(base * scale));

  addEvents(b, 'event', count(60));
  addStoreLike(b, 'stores', false, count(180));
  addStoreLike(b, 'restaurant', true, count(60));
  addSpecials(b, { event: 'event', stores: 'stores', restaurant: 'restaurant' });
  addNonPublic(b, ['event', 'stores', 'restaurant'], Math.max(4, Math.round(4 * scale)));

  const taxonomies = buildTaxonomies();
  const termIds = (draft: Draft): Record<string, number[]> =>
    Object.fromEntries(
      taxonomies
        .filter((taxonomy) => taxonomy.types.includes(draft.type))
        .map((taxonomy) => [
          taxonomy.restBase,
          (draft.terms?.[taxonomy.restBase] ?? []).map((name) => termId(taxonomy, name)),
        ]),
    );

  // Ids grow with creation time, with gaps (revisions and attachments take ids too).
  const order = b.drafts.map((draft, index) => ({ draft, index }));
  order.sort((x, y) => x.draft.dateMs - y.draft.dateMs || x.index - y.index);
  const items: Record<string, DemoItem[]> = Object.fromEntries(types.map((t) => [t.restBase, []]));
  const slugs = new Map<string, Set<string>>();
  let id = 118;
  // The symbol-named places opened after everything else (their dates are not the latest: scheduled
  // posts are dated ahead of their creation).
  const late = symbolNamed(b.x, { stores: 'stores', restaurant: 'restaurant' });
  for (const draft of [...order.map((o) => o.draft), ...late]) {
    id += b.r.int(1, 4);
    const taken = slugs.get(draft.type) ?? new Set<string>();
    slugs.set(draft.type, taken);
    const base = slugify(draft.title) || String(id);
    let slug = base;
    for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
    taken.add(slug);
    const listed = draft.status === 'publish';
    const item: DemoItem = {
      id,
      date: local(draft.dateMs),
      date_gmt: gmt(draft.dateMs),
      guid: { rendered: `${DEMO_ORIGIN}/?post_type=${draft.type}&#038;p=${id}` },
      modified: local(draft.modifiedMs),
      modified_gmt: gmt(draft.modifiedMs),
      slug,
      status: draft.status,
      type: draft.type,
      link: listed
        ? `${DEMO_PUBLIC_ORIGIN}/${rewrite[draft.type] ?? draft.type}/${slug}/`
        : `${DEMO_PUBLIC_ORIGIN}/?post_type=${draft.type}&p=${id}`,
      title: { rendered: draft.renderedTitle ?? renderTitle(draft.title) },
      content: { rendered: draft.content, protected: draft.protected ?? false },
      excerpt: { rendered: draft.excerpt ?? excerptOf(draft.content), protected: draft.protected ?? false },
      featured_media: 0,
      template: '',
      acf: draft.acf,
      terms: termIds(draft),
    };
    items[draft.restBase]?.push(item);
  }

  return {
    name: 'Mall Paseo Cordillera',
    description: 'Tiendas, restaurantes y panoramas a los pies de la cordillera',
    types,
    taxonomies,
    items,
  };
}

/** The three taxonomies with their terms; term ids follow WordPress's first term, "Sin categoría" (1). */
function buildTaxonomies(): DemoTaxonomy[] {
  const specs = [
    { slug: TAXONOMY.stores, name: 'Categorías de tienda', types: ['stores'], hierarchical: true },
    { slug: TAXONOMY.restaurant, name: 'Tipos de comida', types: ['restaurant'], hierarchical: false },
    { slug: TAXONOMY.event, name: 'Categorías de evento', types: ['event'], hierarchical: true },
  ];
  let id = 4;
  return specs.map((spec) => {
    const terms: DemoTerm[] = [];
    for (const { name, parent } of TAXONOMY_TERMS[spec.slug] ?? []) {
      id += 1;
      const parentId = parent === undefined ? 0 : terms.find((t) => t.name === storedTermName(parent))?.id;
      if (parentId === undefined)
        throw new Error(`demo site: parent term "${parent}" of "${name}" is not defined`);
      terms.push({ id, name: storedTermName(name), slug: slugify(name), parent: parentId, description: '' });
    }
    return { ...spec, restBase: spec.slug, terms };
  });
}

function termId(taxonomy: DemoTaxonomy, name: string): number {
  const term = taxonomy.terms.find((t) => t.name === storedTermName(name));
  if (!term) throw new Error(`demo site: no term "${name}" in ${taxonomy.slug}`);
  return term.id;
}
