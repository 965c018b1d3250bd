/** The REST routes the demo site answers, as WordPress matches them: read-only, anonymous. */
import { allTaxonomies, allTypes } from './builtins.js';
import { index, namespaceIndex, singleTaxonomy, singleType, taxonomies, types } from './discovery.js';
import type { Params } from './parameters.js';
import { collection, single } from './posts.js';
import { type Context, noRoute, RestError, type RestResponse } from './response.js';
import { singleTerm, termCollection } from './terms.js';

/** Writes: an anonymous visitor may create nothing; any other method has no route. */
function refuseWrite(ctx: Context, method: string, path: string): never {
  if (method === 'POST' && allTypes(ctx.site).some((t) => path === `/wp/v2/${t.restBase}`)) {
    throw new RestError(
      401,
      'rest_cannot_create',
      'Sorry, you are not allowed to create posts as this user.',
    );
  }
  if (method === 'POST' && allTaxonomies(ctx.site).some((t) => path === `/wp/v2/${t.restBase}`)) {
    throw new RestError(
      401,
      'rest_cannot_create',
      'Sorry, you are not allowed to create terms in this taxonomy.',
    );
  }
  throw noRoute();
}

/** Answers one REST request; WordPress's errors are thrown as RestError. */
export function dispatch(ctx: Context, method: string, route: string, params: Params): RestResponse {
  const path = route.length > 1 ? route.replace(/\/+$/, '') : route;
  if (method !== 'GET' && method !== 'HEAD') refuseWrite(ctx, method, path);
  if (path === '/' || path === '') return { status: 200, body: index(ctx) };
  if (path === '/wp/v2') return namespaceIndex(ctx);
  if (path === '/wp/v2/types') return types(ctx);
  const typeMatch = /^\/wp\/v2\/types\/([\w-]+)$/.exec(path);
  if (typeMatch) return singleType(ctx, typeMatch[1]);
  if (path === '/wp/v2/taxonomies') return taxonomies(ctx, params);
  const taxonomyMatch = /^\/wp\/v2\/taxonomies\/([\w-]+)$/.exec(path);
  if (taxonomyMatch) return singleTaxonomy(ctx, taxonomyMatch[1]);
  const itemMatch = /^\/wp\/v2\/([a-z0-9_-]+(?:\/[a-z0-9_-]+)*?)(?:\/(\d+))?$/.exec(path);
  if (itemMatch) {
    const [, restBase, id] = itemMatch;
    const taxonomy = allTaxonomies(ctx.site).find((t) => t.restBase === restBase);
    if (taxonomy)
      return id === undefined ? termCollection(ctx, taxonomy, params) : singleTerm(ctx, taxonomy, id);
    if (restBase && allTypes(ctx.site).some((t) => t.restBase === restBase)) {
      return id === undefined ? collection(ctx, restBase, params) : single(ctx, restBase, id);
    }
  }
  throw noRoute();
}
