/** The taxonomies' terms: `/wp/v2/<taxonomy rest_base>` and `/wp/v2/<taxonomy rest_base>/<id>`. */
import { DEMO_PUBLIC_ORIGIN, type DemoTaxonomy, type DemoTerm, isPublic } from '../site.js';
import { allTypes } from './builtins.js';
import { fieldsParam, type Params, readTermQuery } from './parameters.js';
import type { Context, Json, RestResponse } from './response.js';
import { collectionPage, RestError, shape, sortByKey } from './response.js';

/** Public items of the taxonomy's types carrying the term: WordPress's `count`. */
function termCount(ctx: Context, taxonomy: DemoTaxonomy, term: DemoTerm): number {
  let count = 0;
  for (const type of allTypes(ctx.site)) {
    if (!taxonomy.types.includes(type.slug)) continue;
    for (const item of ctx.site.items[type.restBase] ?? []) {
      if (isPublic(item) && item.terms[taxonomy.restBase]?.includes(term.id)) count++;
    }
  }
  return count;
}

/** A term as the API shows it (view context). */
function presentTerm(ctx: Context, taxonomy: DemoTaxonomy, term: DemoTerm, count: number, tree?: Json): Json {
  const full: Json = {
    id: term.id,
    count,
    description: term.description,
    link: ctx.pretty
      ? `${DEMO_PUBLIC_ORIGIN}/${taxonomy.slug}/${term.slug}/`
      : `${DEMO_PUBLIC_ORIGIN}/?${taxonomy.slug}=${term.slug}`,
    name: term.name,
    slug: term.slug,
    taxonomy: taxonomy.slug,
    ...(taxonomy.hierarchical ? { parent: term.parent } : {}),
    meta: [],
  };
  return shape(ctx, full, tree, {
    self: `/wp/v2/${taxonomy.restBase}/${term.id}`,
    collection: `/wp/v2/${taxonomy.restBase}`,
    about: `/wp/v2/taxonomies/${taxonomy.slug}`,
  });
}

/**
 * A taxonomy's terms, as WP_REST_Terms_Controller answers: ordered by name unless asked otherwise,
 * `hide_empty` false by default, and — unlike posts — a page past the end is an empty list, not an error.
 */
export function termCollection(ctx: Context, taxonomy: DemoTaxonomy, params: Params): RestResponse {
  const { page, perPage, order, orderby, hideEmpty, parent, post } = readTermQuery(
    params,
    taxonomy.hierarchical,
  );
  let terms = taxonomy.terms.map((term) => ({ term, count: termCount(ctx, taxonomy, term) }));
  if (hideEmpty) terms = terms.filter((t) => t.count > 0);
  if (parent >= 0) terms = terms.filter((t) => t.term.parent === parent);
  if (post > 0) {
    const item = Object.values(ctx.site.items)
      .flat()
      .find((i) => i.id === post);
    if (!item) throw new RestError(400, 'rest_post_invalid_id', 'Invalid post ID.');
    terms = terms.filter((t) => item.terms[taxonomy.restBase]?.includes(t.term.id));
  }
  const key = (t: { term: DemoTerm; count: number }): string | number =>
    orderby === 'name'
      ? t.term.name
      : orderby === 'slug'
        ? t.term.slug
        : orderby === 'description'
          ? t.term.description
          : orderby === 'count'
            ? t.count
            : t.term.id;
  terms = sortByKey(terms, key, (t) => t.term.id, order);
  const total = terms.length;
  const totalPages = Math.ceil(total / perPage);
  const tree = fieldsParam(params);
  const body = terms
    .slice((page - 1) * perPage, page * perPage)
    .map((t) => presentTerm(ctx, taxonomy, t.term, t.count, tree));
  // Past the end, `prev` still points back: to the last page, or to the first when there is none.
  const prev = page > 1 ? Math.min(page - 1, Math.max(totalPages, 1)) : undefined;
  const request = { route: `/wp/v2/${taxonomy.restBase}`, search: params.search, page };
  return collectionPage(ctx, request, body, { total, totalPages, prev });
}

export function singleTerm(ctx: Context, taxonomy: DemoTaxonomy, idText: string): RestResponse {
  const term = taxonomy.terms.find((t) => String(t.id) === idText);
  if (!term) throw new RestError(404, 'rest_term_invalid', 'Term does not exist.');
  return { status: 200, body: presentTerm(ctx, taxonomy, term, termCount(ctx, taxonomy, term)) };
}
