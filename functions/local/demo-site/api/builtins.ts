/** WordPress's own post types and taxonomies, served beside the demo site's. */
import type { DemoSite, DemoTaxonomy } from '../site.js';

const BUILTIN_TYPES = [
  { slug: 'post', restBase: 'posts', name: 'Entradas' },
  { slug: 'page', restBase: 'pages', name: 'Páginas' },
  { slug: 'attachment', restBase: 'media', name: 'Medios' },
];

/** WordPress's own taxonomies, for posts only: their collections are served too. */
const BUILTIN_TAXONOMIES: DemoTaxonomy[] = [
  {
    slug: 'category',
    restBase: 'categories',
    name: 'Categorías',
    types: ['post'],
    hierarchical: true,
    terms: [{ id: 1, name: 'Sin categoría', slug: 'sin-categoria', parent: 0, description: '' }],
  },
  { slug: 'post_tag', restBase: 'tags', name: 'Etiquetas', types: ['post'], hierarchical: false, terms: [] },
];

export function allTypes(site: DemoSite) {
  return [...BUILTIN_TYPES, ...site.types.filter((t) => !BUILTIN_TYPES.some((b) => b.slug === t.slug))];
}

export function allTaxonomies(site: DemoSite): DemoTaxonomy[] {
  return [
    ...BUILTIN_TAXONOMIES,
    ...site.taxonomies.filter((t) => !BUILTIN_TAXONOMIES.some((b) => b.slug === t.slug)),
  ];
}
