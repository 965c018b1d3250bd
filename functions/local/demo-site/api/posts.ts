/** The post type collections and items: `/wp/v2/<rest_base>` and `/wp/v2/<rest_base>/<id>`. */
import { DEMO_PUBLIC_ORIGIN, type DemoItem, isPublic } from '../site.js';
import { allTaxonomies } from './builtins.js';
import { fieldsParam, type Params, readPostQuery } from './parameters.js';
import type { Context, Json, RestResponse } from './response.js';
import { collectionPage, RestError, shape, sortByKey } from './response.js';

function sortItems(items: DemoItem[], orderby: string, order: string): DemoItem[] {
  const key = (item: DemoItem): string | number => {
    switch (orderby) {
      case 'id':
        return item.id;
      case 'modified':
        return item.modified_gmt;
      case 'slug':
        return item.slug;
      case 'title':
        return item.title.rendered;
      default:
        return item.date_gmt;
    }
  };
  return sortByKey(items, key, (item) => item.id, order);
}

/** An item as the API shows it at this address. */
function present(ctx: Context, item: DemoItem, restBase: string, tree: Json | undefined): Json {
  const link = ctx.pretty ? item.link : `${DEMO_PUBLIC_ORIGIN}/?${item.type}=${item.slug}`;
  // Term ids go out as one field per taxonomy of the type, under its REST base, before `acf`.
  const { terms, acf, ...fields } = item;
  const taxonomyFields = Object.fromEntries(
    allTaxonomies(ctx.site)
      .filter((taxonomy) => taxonomy.types.includes(item.type))
      .map((taxonomy) => [taxonomy.restBase, terms[taxonomy.restBase] ?? []]),
  );
  return shape(ctx, { ...fields, link, ...taxonomyFields, acf }, tree, {
    self: `/wp/v2/${restBase}/${item.id}`,
    collection: `/wp/v2/${restBase}`,
    about: `/wp/v2/types/${item.type}`,
  });
}

export function collection(ctx: Context, restBase: string, params: Params): RestResponse {
  const { page, perPage, order, orderby, modifiedAfter, after } = readPostQuery(params);
  // `include=1,2,3`: only those ids (WordPress ignores ids that are not published, or not numbers).
  const include = params.has('include') ? new Set(params.list('include').map(Number)) : undefined;
  // The demo site's time zone is UTC: its local dates are the `_gmt` ones.
  const later = (date: string, than: number | undefined) =>
    than === undefined || Date.parse(`${date}Z`) > than;
  const listed = (ctx.site.items[restBase] ?? []).filter(
    (item) =>
      isPublic(item) &&
      (include === undefined || include.has(item.id)) &&
      later(item.modified_gmt, modifiedAfter) &&
      later(item.date_gmt, after),
  );
  const total = listed.length;
  const totalPages = Math.ceil(total / perPage);
  if (page > totalPages && total > 0) {
    throw new RestError(
      400,
      'rest_post_invalid_page_number',
      'The page number requested is larger than the number of pages available.',
    );
  }
  const tree = fieldsParam(params);
  const slice = sortItems(listed, orderby, order).slice((page - 1) * perPage, page * perPage);
  const body = slice.map((item) => present(ctx, item, restBase, tree));
  const prev = page > 1 && totalPages > 0 ? Math.min(page - 1, totalPages) : undefined;
  const request = { route: `/wp/v2/${restBase}`, search: params.search, page };
  return collectionPage(ctx, request, body, { total, totalPages, prev });
}

export function single(ctx: Context, restBase: string, idText: string): RestResponse {
  const item = (ctx.site.items[restBase] ?? []).find((i) => String(i.id) === idText);
  if (!item) throw new RestError(404, 'rest_post_invalid_id', 'Invalid post ID.');
  if (!isPublic(item)) throw new RestError(401, 'rest_forbidden', 'Sorry, you are not allowed to do that.');
  return { status: 200, body: present(ctx, item, restBase, undefined) };
}
