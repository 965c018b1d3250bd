/** Discovery: the API index (`/`, `/wp/v2`), the post types and the taxonomies as WordPress lists them. */
import type { DemoTaxonomy } from '../site.js';
import { allTaxonomies, allTypes } from './builtins.js';
import type { Params } from './parameters.js';
import { type Context, type Json, listingLinks, RestError, type RestResponse, restUrl } from './response.js';

function typeObject(ctx: Context, type: { slug: string; restBase: string; name: string }): Json {
  return {
    description: '',
    hierarchical: type.slug === 'page',
    has_archive: type.slug !== 'page' && type.slug !== 'attachment',
    name: type.name,
    slug: type.slug,
    icon: null,
    taxonomies: allTaxonomies(ctx.site)
      .filter((taxonomy) => taxonomy.types.includes(type.slug))
      .map((taxonomy) => taxonomy.slug),
    rest_base: type.restBase,
    rest_namespace: 'wp/v2',
    _links: listingLinks(ctx, '/wp/v2/types', type.restBase),
  };
}

function routeEntry(ctx: Context, route: string, withLink: boolean): Json {
  return {
    namespace: route === '/' ? '' : 'wp/v2',
    methods: ['GET'],
    endpoints: [{ methods: ['GET'], args: {} }],
    ...(withLink ? { _links: { self: [{ href: restUrl(ctx, route) }] } } : {}),
  };
}

function routes(ctx: Context): Json {
  const out: Json = {
    '/': routeEntry(ctx, '/', true),
    '/wp/v2': routeEntry(ctx, '/wp/v2', true),
    '/wp/v2/types': routeEntry(ctx, '/wp/v2/types', true),
    '/wp/v2/types/(?P<type>[\\w-]+)': routeEntry(ctx, '', false),
  };
  for (const type of allTypes(ctx.site)) {
    out[`/wp/v2/${type.restBase}`] = routeEntry(ctx, `/wp/v2/${type.restBase}`, true);
    out[`/wp/v2/${type.restBase}/(?P<id>[\\d]+)`] = routeEntry(ctx, '', false);
  }
  out['/wp/v2/taxonomies'] = routeEntry(ctx, '/wp/v2/taxonomies', true);
  out['/wp/v2/taxonomies/(?P<taxonomy>[\\w-]+)'] = routeEntry(ctx, '', false);
  for (const taxonomy of allTaxonomies(ctx.site)) {
    out[`/wp/v2/${taxonomy.restBase}`] = routeEntry(ctx, `/wp/v2/${taxonomy.restBase}`, true);
    out[`/wp/v2/${taxonomy.restBase}/(?P<id>[\\d]+)`] = routeEntry(ctx, '', false);
  }
  return out;
}

/** `/`: the site and every route it serves. */
export function index(ctx: Context): Json {
  return {
    name: ctx.site.name,
    description: ctx.site.description,
    url: ctx.url,
    home: ctx.url,
    gmt_offset: '-3',
    timezone_string: 'America/Santiago',
    page_for_posts: 0,
    page_on_front: 0,
    show_on_front: 'posts',
    namespaces: ['oembed/1.0', 'acf/v3', 'wp/v2', 'wp-site-health/v1', 'wp-block-editor/v1'],
    authentication: {
      'application-passwords': {
        endpoints: { authorization: `${ctx.url}/wp-admin/authorize-application.php` },
      },
    },
    routes: routes(ctx),
    site_logo: 0,
    site_icon: 0,
    site_icon_url: '',
    _links: { help: [{ href: 'https://developer.wordpress.org/rest-api/' }] },
  };
}

function taxonomyObject(ctx: Context, taxonomy: DemoTaxonomy): Json {
  return {
    name: taxonomy.name,
    slug: taxonomy.slug,
    description: '',
    types: taxonomy.types,
    hierarchical: taxonomy.hierarchical,
    rest_base: taxonomy.restBase,
    rest_namespace: 'wp/v2',
    _links: listingLinks(ctx, '/wp/v2/taxonomies', taxonomy.restBase),
  };
}

/** `/wp/v2/taxonomies`: an object keyed by taxonomy slug; `?type=` keeps those of one post type. */
export function taxonomies(ctx: Context, params: Params): RestResponse {
  const type = params.scalar('type');
  const listed = allTaxonomies(ctx.site).filter((t) => !type || t.types.includes(type));
  return { status: 200, body: Object.fromEntries(listed.map((t) => [t.slug, taxonomyObject(ctx, t)])) };
}

/** `/wp/v2`: the namespace's routes. */
export function namespaceIndex(ctx: Context): RestResponse {
  return {
    status: 200,
    body: { namespace: 'wp/v2', routes: routes(ctx), _links: { up: [{ href: restUrl(ctx, '/') }] } },
  };
}

/** `/wp/v2/types`: an object keyed by post type slug. */
export function types(ctx: Context): RestResponse {
  return {
    status: 200,
    body: Object.fromEntries(allTypes(ctx.site).map((t) => [t.slug, typeObject(ctx, t)])),
  };
}

export function singleType(ctx: Context, slug: string | undefined): RestResponse {
  const type = allTypes(ctx.site).find((t) => t.slug === slug);
  if (!type) throw new RestError(404, 'rest_type_invalid', 'Invalid post type.');
  return { status: 200, body: typeObject(ctx, type) };
}

export function singleTaxonomy(ctx: Context, slug: string | undefined): RestResponse {
  const taxonomy = allTaxonomies(ctx.site).find((t) => t.slug === slug);
  if (!taxonomy) throw new RestError(404, 'rest_taxonomy_invalid', 'Invalid taxonomy.');
  return { status: 200, body: taxonomyObject(ctx, taxonomy) };
}
