/**
 * Fixture data of a fictitious Chilean shopping mall, "Mall Paseo Cordillera", shaped exactly like the
 * items the WordPress REST API returns for the reference site (events, stores, restaurants with their
 * ACF fields), including the mess real sites have: Gutenberg comments, entities, emoji, scripts and
 * styles, quotes and newlines in titles, empty and very long items, `acf: false`, non-public items.
 *
 * Deterministic: everything comes from a seeded PRNG; no clock, no Math.random.
 */

import { MONTHS_ES, WEEKDAYS_ES } from '../../core/actions/time.js';

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

// ---------------------------------------------------------------------------------------------
// Seeded randomness

type Rng = () => number;

/** mulberry32: small, fast, good enough for fixtures. */
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  constructor(private readonly next: Rng) {}
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    const value = list[Math.floor(this.next() * list.length)];
    if (value === undefined) throw new RangeError('pick from an empty list');
    return value;
  }
  some<T>(list: readonly T[], min: number, max: number): T[] {
    const copy = [...list];
    const out: T[] = [];
    const n = Math.min(copy.length, this.int(min, max));
    for (let i = 0; i < n; i++) out.push(...copy.splice(Math.floor(this.next() * copy.length), 1));
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Dates

const DAY = 86_400_000;
const MONTHS: readonly string[] = MONTHS_ES;
const WEEKDAYS: readonly string[] = WEEKDAYS_ES;
const NOW_MS = Date.parse(`${DEMO_NOW_GMT}Z`);

const gmt = (ms: number): string => new Date(ms).toISOString().slice(0, 19);

const santiago = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Santiago',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The site's local time (America/Santiago), in WordPress's format. */
function local(ms: number): string {
  const p: Record<string, string> = {};
  for (const part of santiago.formatToParts(new Date(ms))) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

// ---------------------------------------------------------------------------------------------
// Text helpers

/** WordPress's sanitize_title, roughly: accents off, lowercase, dashes. */
export function slugify(text: string): string {
  return text
    .replace(/&[#\w]+;/g, ' ')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** What wptexturize and esc_html do to a plain title. */
function renderTitle(title: string): string {
  return title
    .replace(/&/g, '&amp;')
    .replace(/ - /g, ' &#8211; ')
    .replace(/'/g, '&#8217;')
    .replace(/"([^"]*)"/g, '&#8220;$1&#8221;');
}

const block = (html: string, name = 'paragraph'): string =>
  `<!-- wp:${name} -->\n${html}\n<!-- /wp:${name} -->`;

function paragraphs(parts: string[], gutenberg: boolean): string {
  const html = parts.map((p) => (/^<(p|ul|ol|h\d)[\s>]/.test(p) ? p : `<p>${p}</p>`));
  return `${(gutenberg ? html.map((h) => block(h, h.startsWith('<ul') ? 'list' : 'paragraph')) : html).join('\n\n')}\n`;
}

function excerptOf(text: string): string {
  const plain = text
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const words = plain.split(' ').slice(0, 30).join(' ');
  return words ? `<p>${words} [&hellip;]</p>\n` : '';
}

// ---------------------------------------------------------------------------------------------
// Vocabulary (fictitious names only)

const WORDS = [
  'Andes',
  'Austral',
  'Bruma',
  'Cactus',
  'Calafate',
  'Canelo',
  'Cumbre',
  'Copihue',
  'Estero',
  'Fiordo',
  'Glaciar',
  'Huemul',
  'Lenga',
  'Lucero',
  'Maitén',
  'Mañío',
  'Nalca',
  'Ñandú',
  'Pehuén',
  'Puelche',
  'Quillay',
  'Raulí',
  'Roble',
  'Salar',
  'Tamarugo',
  'Tepa',
  'Ulmo',
  'Vertiente',
  'Volcán',
  'Zorzal',
  'Chucao',
  'Loica',
  'Tenca',
  'Queltehue',
  'Picaflor',
  'Colibrí',
  'Boldo',
  'Peumo',
  'Litre',
  'Alerce',
  'Arrayán',
  'Coirón',
  'Chañar',
  'Espino',
  'Luma',
  'Notro',
  'Tiaca',
  'Viento Sur',
  'Marea',
  'Aurora',
];

const PEOPLE = ['Rosa', 'Tito', 'Carmen', 'Lucho', 'Pepa', 'Memo', 'Juanita', 'Pancho', 'Tere', 'Nacho'];

interface Category {
  label: string;
  names: ((w: string, r: Random) => string)[];
  offer: string[];
}

const STORE_CATEGORIES: Category[] = [
  {
    label: 'moda',
    names: [(w) => `${w} Boutique`, (w) => `Atelier ${w}`, (w) => `${w} Closet`],
    offer: ['vestidos', 'blusas', 'jeans', 'chaquetas', 'accesorios de temporada', 'ropa de fiesta'],
  },
  {
    label: 'calzado',
    names: [(w) => `Calzados ${w}`, (w) => `${w} Pasos`],
    offer: ['zapatillas urbanas', 'botines de cuero', 'sandalias', 'zapatos de vestir', 'calzado escolar'],
  },
  {
    label: 'deportes',
    names: [(w) => `Deportes ${w}`, (w) => `${w} Outdoor`],
    offer: [
      'ropa técnica',
      'carpas',
      'mochilas de trekking',
      'bicicletas',
      'balones',
      'artículos de montaña',
    ],
  },
  {
    label: 'tecnología',
    names: [(w) => `Tecno ${w}`, (w) => `${w} Digital`],
    offer: ['notebooks', 'audífonos', 'celulares', 'consolas', 'accesorios gamer', 'smartwatches'],
  },
  {
    label: 'hogar',
    names: [(w) => `Casa ${w}`, (w) => `${w} Deco`],
    offer: ['ropa de cama', 'vajilla', 'iluminación', 'textiles', 'muebles pequeños', 'aromas para el hogar'],
  },
  {
    label: 'belleza',
    names: [(w) => `${w} Cosmética`, (w) => `Perfumería ${w}`],
    offer: ['perfumes', 'maquillaje', 'cuidado de la piel', 'productos capilares', 'cosmética natural'],
  },
  {
    label: 'óptica',
    names: [(w) => `Óptica ${w}`],
    offer: ['lentes ópticos', 'lentes de sol', 'lentes de contacto', 'exámenes de la vista'],
  },
  {
    label: 'joyería',
    names: [(w) => `Joyería ${w}`, (w) => `${w} Plata`],
    offer: ['anillos', 'aros de plata', 'relojes', 'collares de lapislázuli', 'grabados personalizados'],
  },
  {
    label: 'juguetería',
    names: [(w) => `Juguetes ${w}`, (w) => `El Mundo de ${w}`],
    offer: ['juegos de mesa', 'peluches', 'rompecabezas', 'juguetes didácticos', 'disfraces'],
  },
  {
    label: 'librería',
    names: [(w) => `Librería ${w}`, (w) => `Papelería ${w}`],
    offer: ['novelas', 'libros infantiles', 'cómics', 'artículos de escritorio', 'agendas'],
  },
  {
    label: 'mascotas',
    names: [(w) => `Mascotas ${w}`, (w, r) => `${w} Pet ${r.pick(['Shop', 'Center'])}`],
    offer: ['alimento premium', 'camas', 'juguetes para mascotas', 'peluquería canina', 'accesorios'],
  },
  {
    label: 'farmacia',
    names: [(w) => `Farmacia ${w}`],
    offer: ['medicamentos', 'dermocosmética', 'vitaminas', 'productos de cuidado personal'],
  },
  {
    label: 'servicios',
    names: [(w) => `Servicios ${w}`, (w) => `Lavandería ${w}`, (w) => `Cerrajería ${w}`],
    offer: ['reparación de calzado', 'copias de llaves', 'lavado en seco', 'arreglos de ropa', 'trámites'],
  },
  {
    label: 'telefonía',
    names: [(w) => `Móvil ${w}`, (w) => `${w} Conecta`],
    offer: ['planes móviles', 'equipos liberados', 'servicio técnico', 'fibra óptica'],
  },
  {
    label: 'infantil',
    names: [(w) => `Mini ${w}`, (w) => `${w} Kids`],
    offer: ['ropa de bebé', 'coches', 'uniformes escolares', 'artículos de lactancia'],
  },
];

const RESTAURANT_CATEGORIES: Category[] = [
  { label: 'sushi', names: [(w) => `Sushi ${w}`, (w) => `${w} Nikkei`], offer: ['rolls', 'gyozas', 'ramen'] },
  {
    label: 'pizzas',
    names: [(w) => `Pizzería ${w}`, (w) => `${w} Forno`],
    offer: ['pizzas a la piedra', 'calzones'],
  },
  {
    label: 'café',
    names: [(w) => `Café ${w}`, (w) => `${w} Tostadores`],
    offer: ['café de especialidad', 'kuchen'],
  },
  {
    label: 'sándwiches',
    names: [(w) => `Sanguchería ${w}`, (_w, r) => `Donde ${r.pick(PEOPLE)}`],
    offer: ['churrascos', 'barros luco', 'chacareros', 'completos'],
  },
  {
    label: 'helados',
    names: [(w) => `Heladería ${w}`],
    offer: ['helados artesanales', 'sorbetes', 'paletas'],
  },
  {
    label: 'comida peruana',
    names: [(w) => `${w} Cevichería`, (w) => `Sabor ${w}`],
    offer: ['ceviche', 'lomo saltado', 'ají de gallina'],
  },
  { label: 'comida mexicana', names: [(w) => `Taquería ${w}`], offer: ['tacos', 'burritos', 'nachos'] },
  {
    label: 'parrilla',
    names: [(w) => `Parrilla ${w}`, (_w, r) => `La Cocina de ${r.pick(PEOPLE)}`],
    offer: ['carnes a la parrilla', 'costillar', 'ensaladas'],
  },
  {
    label: 'comida vegana',
    names: [(w) => `${w} Verde`],
    offer: ['bowls', 'hamburguesas vegetales', 'jugos'],
  },
  {
    label: 'pastelería',
    names: [(w) => `Pastelería ${w}`, (w) => `Dulce ${w}`],
    offer: ['tortas', 'alfajores', 'berlines', 'pie de limón'],
  },
  {
    label: 'comida china',
    names: [(w) => `Dragón ${w}`],
    offer: ['chapsui', 'arrollados primavera', 'wantán'],
  },
  {
    label: 'empanadas',
    names: [(w) => `Empanadas ${w}`],
    offer: ['empanadas de pino', 'empanadas de queso'],
  },
];

// ---------------------------------------------------------------------------------------------
// Taxonomies: the category each store/restaurant was generated from becomes its term, sometimes with a
// plausible second one; events get theirs from the kind of title. Term names are written plainly here
// and stored HTML-escaped, as WordPress does (`&` → `&amp;`).

const TAXONOMY = {
  stores: 'categoria_tienda',
  restaurant: 'tipo_comida',
  event: 'categoria_evento',
} as const;

interface TermPlan {
  /** The term of the category. */
  term: string;
  /** Candidates for a second term. */
  also: string[];
}

const STORE_TERMS: Record<string, TermPlan> = {
  moda: { term: 'Moda', also: ['Calzado', 'Infantil', 'Outlet'] },
  calzado: { term: 'Calzado', also: ['Zapatillas', 'Moda'] },
  deportes: { term: 'Deportes', also: ['Zapatillas', 'Outlet'] },
  tecnología: { term: 'Tecnología', also: ['Telefonía', 'Outlet'] },
  hogar: { term: 'Hogar & Deco', also: ['Outlet'] },
  belleza: { term: 'Belleza', also: ['Farmacia'] },
  óptica: { term: 'Óptica', also: [] },
  joyería: { term: 'Joyería', also: ['Moda'] },
  juguetería: { term: 'Juguetería', also: ['Infantil', 'Librería'] },
  librería: { term: 'Librería', also: ['Juguetería'] },
  mascotas: { term: 'Mascotas', also: [] },
  farmacia: { term: 'Farmacia', also: ['Belleza'] },
  servicios: { term: 'Servicios', also: [] },
  telefonía: { term: 'Telefonía', also: ['Tecnología'] },
  infantil: { term: 'Infantil', also: ['Moda', 'Juguetería'] },
};

const RESTAURANT_TERMS: Record<string, TermPlan> = {
  sushi: { term: 'Sushi', also: ['Comida peruana'] },
  pizzas: { term: 'Pizzas', also: ['Comida rápida'] },
  café: { term: 'Café', also: ['Pastelería'] },
  sándwiches: { term: 'Sándwiches', also: ['Comida rápida'] },
  helados: { term: 'Helados', also: ['Pastelería'] },
  'comida peruana': { term: 'Comida peruana', also: ['Opciones vegetarianas'] },
  'comida mexicana': { term: 'Comida mexicana', also: ['Comida rápida'] },
  parrilla: { term: 'Parrilla', also: [] },
  'comida vegana': { term: 'Comida vegana', also: ['Opciones vegetarianas'] },
  pastelería: { term: 'Pastelería', also: ['Café'] },
  'comida china': { term: 'Comida china', also: ['Comida rápida'] },
  empanadas: { term: 'Empanadas', also: ['Comida rápida'] },
};

/** Every term of each taxonomy, in id order; a child term names its parent. Some stay unused. */
const TAXONOMY_TERMS: Record<string, { name: string; parent?: string }[]> = {
  [TAXONOMY.stores]: [
    ...Object.values(STORE_TERMS).map((plan) => ({ name: plan.term })),
    { name: 'Zapatillas', parent: 'Calzado' },
    { name: 'Outlet' },
    { name: 'Tiendas por departamento' },
  ],
  [TAXONOMY.restaurant]: [
    ...Object.values(RESTAURANT_TERMS).map((plan) => ({ name: plan.term })),
    { name: 'Comida rápida' },
    { name: 'Opciones vegetarianas' },
  ],
  [TAXONOMY.event]: [
    'Familia',
    'Talleres',
    'Música',
    'Ferias',
    'Exposiciones',
    'Deporte y bienestar',
    'Gastronomía',
    'Cine',
    'Solidario',
    'Celebraciones',
    'Torneos',
    'Concursos',
  ].map((name) => ({ name })),
};

/** The category's term, with a second one (when it has candidates) for about one item in five; rarely none. */
function planTerms(t: Random, plan: TermPlan | undefined): string[] {
  if (!plan || t.chance(0.05)) return [];
  return plan.also.length && t.chance(0.2) ? [plan.term, t.pick(plan.also)] : [plan.term];
}

const ZONES = ['Sector Oriente', 'Sector Poniente', 'Boulevard', 'Terraza Cordillera', 'Patio de Comidas'];
const EVENT_PLACES = [
  'Plaza Central, Nivel 1',
  'Terraza Cordillera, Nivel 4',
  'Patio de Comidas, Nivel 3',
  'Hall Principal',
  'Estacionamiento Norte',
  'Sala Multiuso, Nivel 2',
];
const ORGANIZERS = [
  'Mall Paseo Cordillera',
  'Centro Cultural Los Quillayes',
  'Fundación Manos del Sur',
  'Escuela de Música Pentagrama Andino',
  'Club Deportivo Cordillera',
];
const EMOJI = ['🎉', '✨', '🛍️', '🎶', '🎈', '☕', '🌟', '🍂'];
const SCHEDULES = [
  'Lunes a domingo de 10:00 a 21:00 hrs.',
  'Lunes a sábado: 10:00 &#8211; 21:00<br />Domingos y festivos: 11:00 &#8211; 20:00',
  'Lunes a viernes 10:30 a 20:30 hrs.\nSábado y domingo 11:00 a 20:00 hrs.',
  'Todos los días de 10:00 a 22:00',
  'Lun&nbsp;a&nbsp;Dom 10:00&#8211;21:00',
  '',
];

// ---------------------------------------------------------------------------------------------
// Item building

interface Draft {
  restBase: string;
  type: string;
  title: string;
  /** Rendered title; defaults to renderTitle(title). */
  renderedTitle?: string;
  content: string;
  excerpt?: string;
  protected?: boolean;
  status: DemoStatus;
  dateMs: number;
  modifiedMs: number;
  acf: DemoItem['acf'];
  /** Term names by taxonomy REST base. */
  terms?: Record<string, string[]>;
}

interface Builder {
  r: Random;
  /** Term choices draw from their own sequence, so adding them left every other fixture value as it was. */
  t: Random;
  /** Boilerplate and the symbol-named places: their own sequence too, for the same reason. */
  x: Random;
  drafts: Draft[];
}

/** A publish date in [from, to], at a plausible office hour, whole seconds. */
function postDate(r: Random, fromMs: number, toMs: number): number {
  const day = Math.floor((fromMs + r.float() * (toMs - fromMs)) / DAY) * DAY;
  return day + r.int(11, 23) * 3_600_000 + r.int(0, 59) * 60_000 + r.int(0, 59) * 1000;
}

function modifiedAfter(r: Random, dateMs: number): number {
  if (r.chance(0.3)) return dateMs;
  return Math.min(NOW_MS, dateMs + r.int(0, 400) * DAY + r.int(0, 86_399) * 1000);
}

function storeInfo(r: Random, name: string, restaurant: boolean): Record<string, unknown> {
  const domain = `${slugify(name)}.example`;
  const linkRoll = r.float();
  const pageLink =
    linkRoll < 0.35
      ? { title: r.pick(['Sitio web', 'Ver tienda online', 'Reserva aquí']), url: `https://www.${domain}/` }
      : linkRoll < 0.65
        ? `https://www.${domain}/`
        : '';
  const level = r.chance(0.9) ? `Nivel ${r.int(1, 4)}` : r.pick(['Nivel -1', 'Subterráneo', '2']);
  const local = r.chance(0.85)
    ? `${r.pick(['L-', 'Local ', ''])}${r.int(1, 4)}${pad(r.int(1, 60))}`
    : `Isla ${r.int(1, 30)}`;
  const phoneRoll = r.float();
  const phone =
    phoneRoll < 0.6
      ? `+56 2 2${r.int(100, 999)} ${r.int(1000, 9999)}`
      : phoneRoll < 0.8
        ? `(2) 2${r.int(100, 999)} ${r.int(1000, 9999)}`
        : phoneRoll < 0.9
          ? `+56 9 ${r.int(5000, 9999)} ${r.int(1000, 9999)}`
          : '';
  const mail = r.chance(0.7) ? `${r.pick(['contacto', 'hola', 'ventas', 'reservas'])}@${domain}` : '';
  const socials = r
    .some(['instagram.com', 'facebook.com', 'tiktok.com', 'x.com'], 0, 3)
    .map((site) => `https://www.${site}/${slugify(name).replace(/-/g, '')}`);
  const rrssRoll = r.float();
  const rrss: unknown =
    rrssRoll < 0.5
      ? socials.map((url) => ({ url }))
      : rrssRoll < 0.9
        ? socials
        : rrssRoll < 0.95
          ? []
          : false;
  const schedule = restaurant && r.chance(0.4) ? 'Lunes a domingo de 12:00 a 22:30 hrs.' : r.pick(SCHEDULES);
  return {
    informacion_tienda: [
      {
        info: {
          schedule,
          place: restaurant && r.chance(0.6) ? 'Patio de Comidas' : r.pick(ZONES),
          level,
          local,
          phone,
          mail,
          page_link: pageLink,
        },
        rrss,
      },
    ],
  };
}

/**
 * A paragraph about one brand, pasted into many other stores' pages — as seen on the reference site.
 * Transform must leave it out of those documents (functions/core/normalize/boilerplate.ts); the brand's
 * own page keeps it.
 */
export const BRAND_BLOCK =
  '¿Buscas muebles o decoración? Visita <strong>B+D</strong>, la marca chilena de diseño para el hogar: sofás, lámparas y textiles con despacho a todo Chile. ¡Te esperamos en nuestra tienda del mall!';

function storeContent(
  r: Random,
  name: string,
  category: Category,
  restaurant: boolean,
  brandBlock = false,
): string {
  const offer = r.some(category.offer, 2, 4);
  const parts: string[] = [];
  parts.push(
    restaurant
      ? `En <strong>${name.replace(/&/g, '&amp;')}</strong> te esperamos con ${offer.join(', ')} y mucho más. ${r.pick(EMOJI)}`
      : `<strong>${name.replace(/&/g, '&amp;')}</strong> es tu tienda de ${category.label}: ${offer.join(', ')} y las últimas novedades de la temporada.`,
  );
  if (r.chance(0.5)) {
    parts.push(
      r.pick([
        'Atenci&oacute;n personalizada &amp; asesor&iacute;a sin costo.',
        'Despacho a domicilio en la Regi&oacute;n Metropolitana &#8211; consulta condiciones en tienda.',
        'Aceptamos todos los medios de pago.&nbsp;Pregunta por nuestras cuotas sin inter&eacute;s.',
        'Retira tus compras online en el local 😉',
        'Cambios y devoluciones dentro de 30 d&iacute;as con boleta.',
        'Revisa nuestro cat&aacute;logo en l&iacute;nea antes de venir.',
      ]),
    );
  }
  if (r.chance(0.3)) {
    parts.push(
      `<ul class="wp-block-list">${offer.map((o) => `<li>${o[0]?.toUpperCase()}${o.slice(1)}</li>`).join('')}</ul>`,
    );
  }
  if (r.chance(0.25)) parts.push(`Estamos en el ${r.pick(ZONES)}<br>junto a la escalera mecánica.`);
  if (brandBlock) parts.push(BRAND_BLOCK);
  return paragraphs(parts, r.chance(0.6));
}

function addStoreLike(b: Builder, restBase: string, restaurant: boolean, count: number): void {
  const { r } = b;
  const categories = restaurant ? RESTAURANT_CATEGORIES : STORE_CATEGORIES;
  for (let i = 0; i < count; i++) {
    const category = r.pick(categories);
    const name = r.pick(category.names)(r.pick(WORDS), r);
    const dateMs = postDate(r, Date.parse('2019-01-01T00:00:00Z'), NOW_MS - DAY);
    const content = storeContent(r, name, category, restaurant, !restaurant && b.x.chance(0.4));
    b.drafts.push({
      restBase,
      type: restBase,
      title: name,
      content,
      excerpt: r.chance(0.8) ? excerptOf(content) : '',
      status: 'publish',
      dateMs,
      modifiedMs: modifiedAfter(r, dateMs),
      acf: r.chance(0.03) ? false : storeInfo(r, name, restaurant),
      terms: {
        [restaurant ? TAXONOMY.restaurant : TAXONOMY.stores]: planTerms(
          b.t,
          (restaurant ? RESTAURANT_TERMS : STORE_TERMS)[category.label],
        ),
      },
    });
  }
}

function dateText(r: Random, startMs: number): string {
  const d = new Date(startMs);
  const [day, month, year] = [d.getUTCDate(), d.getUTCMonth(), d.getUTCFullYear()];
  const monthName = MONTHS[month] ?? '';
  const roll = r.float();
  if (roll < 0.3) return `${year}-${pad(month + 1)}-${pad(day)}`;
  if (roll < 0.5) return `${pad(day)}/${pad(month + 1)}/${year}`;
  if (roll < 0.72) return `${day} de ${monthName} de ${year}`;
  if (roll < 0.78) return `${WEEKDAYS[d.getUTCDay()]} ${day} de ${monthName} de ${year}`;
  if (roll < 0.92) {
    const end = new Date(startMs + r.int(1, 4) * DAY);
    const [endDay, endMonth, endYear] = [end.getUTCDate(), end.getUTCMonth(), end.getUTCFullYear()];
    if (endYear !== year)
      return `${day} de ${monthName} de ${year} al ${endDay} de ${MONTHS[endMonth]} de ${endYear}`;
    if (endMonth !== month) return `${day} de ${monthName} al ${endDay} de ${MONTHS[endMonth]} de ${year}`;
    return `${day} al ${endDay} de ${monthName} de ${year}`;
  }
  return r.pick([
    'Todos los sábados',
    'Todos los domingos de verano',
    'Próximamente',
    'Fechas por confirmar',
  ]);
}

/** Kinds of event: how the title is made and the `categoria_evento` terms it belongs to. */
const EVENT_TITLES: { title: (r: Random, monthName: string) => string; terms: string[] }[] = [
  {
    title: (r) =>
      `Taller de ${r.pick(['cerámica', 'origami', 'pintura', 'robótica', 'cocina saludable'])} para niños`,
    terms: ['Talleres', 'Familia'],
  },
  {
    title: (r) =>
      `Concierto de ${r.pick(['jazz', 'cueca urbana', 'música andina', 'rock de los 80', 'boleros'])} en la Terraza`,
    terms: ['Música'],
  },
  { title: (_r, m) => `Feria de emprendedores - ${m}`, terms: ['Ferias'] },
  {
    title: (r) =>
      `Exposición fotográfica: ${r.pick(['Patagonia íntima', 'Santiago de noche', 'Volcanes del sur', 'Oficios'])}`,
    terms: ['Exposiciones'],
  },
  { title: () => 'Cuentacuentos en la Plaza Central', terms: ['Familia'] },
  {
    title: (r) => `Clase de ${r.pick(['yoga', 'zumba', 'pilates', 'baile entretenido'])} al aire libre`,
    terms: ['Deporte y bienestar'],
  },
  {
    title: (r) =>
      `Festival gastronómico ${r.pick(['del Pacífico', 'de la empanada', 'vegano', 'de las sopaipillas'])}`,
    terms: ['Gastronomía', 'Ferias'],
  },
  {
    title: (r) =>
      `Cine bajo las estrellas: "${r.pick(['El último glaciar', 'Viaje al Salar', 'La loica y el zorzal'])}"`,
    terms: ['Cine', 'Familia'],
  },
  { title: () => 'Show de magia para toda la familia', terms: ['Familia'] },
  { title: () => 'Campaña de donación de sangre', terms: ['Solidario'] },
  { title: () => 'Operativo de vacunación de mascotas 🐶', terms: ['Solidario'] },
  {
    title: (r) =>
      `Celebramos ${r.pick(['el Día del Niño', 'Fiestas Patrias', 'la Navidad', 'el Día de la Madre'])} ${r.pick(EMOJI)}`,
    terms: ['Celebraciones'],
  },
  {
    title: (r) =>
      `Torneo de ${r.pick(['ajedrez', 'videojuegos', 'pimpón', 'rayuela'])} - inscripciones abiertas`,
    terms: ['Torneos'],
  },
];

function eventAcf(r: Random, text: string, place: string): Record<string, unknown> {
  const hours = Array.from({ length: r.int(1, 3) }, () => ({
    hour: `${r.int(10, 20)}:${r.pick(['00', '30'])}`,
  }));
  const start = r.int(10, 19);
  const active = r.chance(0.7);
  return {
    informacion_destacada: { hours, organizer: r.pick(ORGANIZERS) },
    informacion_tienda: [
      {
        cards: [
          {
            data: {
              date: text,
              hour: r.pick([
                `${start}:00`,
                `${start}:00 a ${start + 2}:00 hrs.`,
                `${start}:00 &#8211; ${start + 1}:30`,
                `De ${start}:00 a ${start + 3}:00 hrs`,
              ]),
              place,
              description: r.pick([
                'Actividad gratuita, cupos limitados.',
                'Inscripciones en el Mesón de Informaciones, Nivel 1.',
                'Para niños y niñas de 4 a 12 años, acompañados de un adulto.',
                'Trae tu propia mat &amp; botella de agua 💧',
                '',
              ]),
            },
            button: active
              ? {
                  is_active: true,
                  anchor: {
                    url: `${DEMO_PUBLIC_ORIGIN}/inscripciones/?evento=${r.int(100, 999)}`,
                    title: r.pick(['Inscríbete', 'Más información', 'Reserva tu cupo']),
                  },
                }
              : { is_active: false, anchor: '' },
          },
        ],
      },
    ],
  };
}

function addEvents(b: Builder, restBase: string, count: number): void {
  const { r } = b;
  const from = Date.parse('2026-01-01T00:00:00Z');
  const to = Date.parse('2027-12-24T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const startMs = Math.floor((from + r.float() * (to - from)) / DAY) * DAY;
    const monthName = MONTHS[new Date(startMs).getUTCMonth()] ?? '';
    const kind = r.pick(EVENT_TITLES);
    const title = kind.title(r, monthName);
    const place = r.pick(EVENT_PLACES);
    const text = dateText(r, startMs);
    const intro = `${r.pick(['¡Te esperamos!', 'Ven con tu familia.', 'Actividad gratuita.'])} ${r.pick(EMOJI)}`;
    const content = paragraphs(
      [
        intro,
        `Este ${text.match(/^\d/) ? 'evento' : 'panorama'} se realizará en ${place}. Organiza: ${r.pick(ORGANIZERS)}.`,
        ...(r.chance(0.4)
          ? ['Cupos limitados &#8211; inscripción previa en el Mesón de Informaciones.']
          : []),
      ],
      r.chance(0.7),
    );
    // Announced two weeks to four months ahead, but never after the fixture's "now".
    const earliest = Date.parse('2025-10-01T00:00:00Z');
    const hi = Math.min(NOW_MS - DAY, startMs - 14 * DAY);
    const lo = Math.max(earliest, startMs - 120 * DAY);
    const dateMs = lo < hi ? postDate(r, lo, hi) : postDate(r, earliest, NOW_MS - DAY);
    b.drafts.push({
      restBase,
      type: restBase,
      title,
      content,
      excerpt: r.chance(0.6) ? excerptOf(content) : '',
      status: 'publish',
      dateMs,
      modifiedMs: modifiedAfter(r, dateMs),
      acf: r.chance(0.03) ? false : eventAcf(r, text, place),
      terms: { [TAXONOMY.event]: b.t.chance(0.05) ? [] : kind.terms },
    });
  }
}

/** ~30–60 KB of contest rules: the very long item. */
function longRules(r: Random): string {
  const clauses = [
    'Podrán participar todas las personas naturales mayores de 18 años con residencia en Chile.',
    'La participación es gratuita y no requiere compra.',
    'El organizador se reserva el derecho de modificar las presentes bases, informando oportunamente los cambios.',
    'Los premios son personales e intransferibles y no podrán canjearse por dinero en efectivo.',
    'Los ganadores serán contactados telefónicamente y por correo electrónico dentro de los 5 días hábiles siguientes.',
    'Quedan excluidos los trabajadores del centro comercial y sus familiares directos.',
    'Las boletas deberán ser emitidas por locales adheridos durante el período de vigencia de la promoción.',
    'La entrega de los premios se realizará en el Mesón de Informaciones, Nivel 1, previa presentación de la cédula de identidad.',
    'Los datos personales serán tratados conforme a la Ley N.º 19.628 sobre protección de la vida privada.',
    'Cualquier situación no prevista en estas bases será resuelta por el comité organizador.',
  ];
  const parts: string[] = [
    '<p><strong>BASES LEGALES</strong> &#8211; Concurso &#8220;Verano en la Cordillera&#8221; 🌞</p>',
  ];
  let size = 0;
  for (let article = 1; size < 40_000; article++) {
    const title = `<h2>Art&iacute;culo ${article}.&ordm; &#8211; ${r.pick(['Participación', 'Premios', 'Vigencia', 'Sorteo', 'Responsabilidad', 'Datos personales'])}</h2>`;
    const body = Array.from({ length: r.int(3, 6) }, () => r.pick(clauses)).join(' ');
    const extra = article % 5 === 0 ? `<ul><li>${r.some(clauses, 2, 3).join('</li><li>')}</li></ul>` : '';
    const chunk = `${block(title, 'heading')}\n\n${block(`<p>${body}</p>`)}${extra ? `\n\n${block(extra, 'list')}` : ''}`;
    parts.push(chunk);
    size += chunk.length;
  }
  return `${parts.join('\n\n')}\n`;
}

function addSpecials(b: Builder, types: { event: string; stores: string; restaurant: string }): void {
  const { r } = b;
  const at = (iso: string): number => Date.parse(`${iso}Z`);

  // A restaurant whose title has a quote, a comma, an ampersand and a newline.
  const cafeTitle = 'Café "El Rincón", Sushi & Más\n(Patio de Comidas)';
  b.drafts.push({
    restBase: types.restaurant,
    type: types.restaurant,
    title: cafeTitle,
    renderedTitle: cafeTitle.replace(/&/g, '&amp;'),
    content: paragraphs(
      [
        'Caf&eacute; de grano, sushi &amp; sándwiches &#8211; ¡todo en un solo lugar! ☕🍣',
        'Menú del día:<br>Lunes: gohan de salmón<br>Martes: churrasco italiano<br>S&aacute;bado: paila marina',
        '<ul><li>Rolls &#8220;Cordillera&#8221;</li><li>Café cortado &amp; kuchen</li></ul>',
      ],
      true,
    ),
    status: 'publish',
    dateMs: at('2024-05-10T15:20:00'),
    modifiedMs: at('2026-02-20T18:05:11'),
    acf: storeInfo(r, 'Café El Rincón', true),
    terms: { [TAXONOMY.restaurant]: ['Sushi', 'Café'] },
  });

  // A store with a tracking script and inline style in its content.
  b.drafts.push({
    restBase: types.stores,
    type: types.stores,
    title: 'Tecno Quillay - Outlet',
    content:
      '<style>.promo-tecno{color:#c00;font-weight:bold}</style>\n' +
      paragraphs(['<p class="promo-tecno">Hasta 40% de descuento en notebooks seleccionados.</p>'], true) +
      '<script>window.dataLayer=window.dataLayer||[];dataLayer.push({"event":"tienda_vista","id":"tecno-quillay"});</script>\n',
    status: 'publish',
    dateMs: at('2023-11-02T13:00:00'),
    modifiedMs: at('2025-12-01T10:30:00'),
    acf: storeInfo(r, 'Tecno Quillay', false),
    terms: { [TAXONOMY.stores]: ['Tecnología', 'Outlet'] },
  });

  // An event whose content carries a <style> block.
  b.drafts.push({
    restBase: types.event,
    type: types.event,
    title: 'Noche de museos en el Mall 🌙',
    content:
      '<style type="text/css">.evento-destacado{background:#fffbe6;padding:1em}</style>\n' +
      paragraphs(
        [
          '<p class="evento-destacado">Recorridos guiados gratuitos &#8211; ¡no te lo pierdas!</p>',
          'Inscripciones:&nbsp;Mes&oacute;n de Informaciones.',
        ],
        true,
      ),
    status: 'publish',
    dateMs: at('2026-02-10T14:00:00'),
    modifiedMs: at('2026-02-11T09:12:40'),
    acf: eventAcf(r, '15 al 17 de mayo de 2026', 'Hall Principal'),
    terms: { [TAXONOMY.event]: ['Exposiciones', 'Familia'] },
  });

  // An item with an empty title and empty content (it happens).
  b.drafts.push({
    restBase: types.stores,
    type: types.stores,
    title: '',
    content: '',
    excerpt: '',
    status: 'publish',
    dateMs: at('2022-08-19T16:45:00'),
    modifiedMs: at('2022-08-19T16:45:00'),
    acf: false,
  });

  // The very long item.
  b.drafts.push({
    restBase: types.event,
    type: types.event,
    title: 'Bases legales del concurso "Verano en la Cordillera" 2026',
    content: longRules(r),
    status: 'publish',
    dateMs: at('2025-12-15T12:00:00'),
    modifiedMs: at('2026-01-05T08:30:00'),
    acf: eventAcf(r, '2 de enero al 28 de febrero de 2026', 'Mesón de Informaciones, Nivel 1'),
    terms: { [TAXONOMY.event]: ['Concursos'] },
  });

  // A password-protected restaurant: listed, content withheld.
  b.drafts.push({
    restBase: types.restaurant,
    type: types.restaurant,
    title: 'Carta privada para convenios',
    content: '',
    excerpt: '',
    protected: true,
    status: 'publish',
    dateMs: at('2025-06-01T11:00:00'),
    modifiedMs: at('2025-06-01T11:00:00'),
    acf: storeInfo(r, 'Convenios Cordillera', true),
    terms: { [TAXONOMY.restaurant]: ['Parrilla'] },
  });

  // An item whose ACF came back as an empty array.
  b.drafts.push({
    restBase: types.stores,
    type: types.stores,
    title: 'Próximamente: nueva tienda',
    content: paragraphs(['Muy pronto abriremos en el Nivel 2. ¡Atentos! ✨'], false),
    status: 'publish',
    dateMs: at('2026-02-25T17:00:00'),
    modifiedMs: at('2026-02-25T17:00:00'),
    acf: [],
  });
}

/**
 * Places whose names are short tokens joined by symbols, as real malls have (`B+D`, `W.O.K`, `H&M`,
 * `7-Eleven`, `Café 3.0`): tokenizers that split on symbols and drop short words lose them. They opened
 * last, so their ids come after every other item's and every other id stayed as it was.
 */
function symbolNamed(x: Random, types: { stores: string; restaurant: string }): Draft[] {
  const places = [
    {
      restBase: types.stores,
      name: 'B+D',
      parts: [
        'Muebles, lámparas y textiles de diseño nórdico para tu living, comedor y dormitorio.',
        BRAND_BLOCK,
      ],
      terms: ['Hogar & Deco'],
    },
    {
      restBase: types.stores,
      name: 'H&M',
      parts: ['Moda para mujer, hombre y niños: básicos, jeans y colecciones de temporada a buen precio.'],
      terms: ['Moda'],
    },
    {
      restBase: types.stores,
      name: '7-Eleven',
      parts: [
        'Tienda de conveniencia abierta todos los días: café para llevar, snacks, bebidas heladas, recargas y pago de cuentas.',
      ],
      terms: ['Servicios'],
    },
    {
      restBase: types.restaurant,
      name: 'W.O.K',
      parts: [
        'Tallarines y arroz salteados al wok en el momento, con pollo, carne, camarones o tofu. ¡Arma tu caja!',
      ],
      terms: ['Comida china'],
    },
    {
      restBase: types.restaurant,
      name: 'Café 3.0',
      parts: ['Café de especialidad, brunch todo el día y repostería casera.'],
      terms: ['Café'],
    },
  ];
  return places.map((place) => {
    const restaurant = place.restBase === types.restaurant;
    const dateMs = postDate(x, Date.parse('2026-02-26T00:00:00Z'), NOW_MS - DAY);
    const content = paragraphs(place.parts, x.chance(0.6));
    return {
      restBase: place.restBase,
      type: place.restBase,
      title: place.name,
      content,
      excerpt: excerptOf(content),
      status: 'publish',
      dateMs,
      modifiedMs: dateMs,
      acf: storeInfo(x, place.name, restaurant),
      terms: { [restaurant ? TAXONOMY.restaurant : TAXONOMY.stores]: place.terms },
    };
  });
}

/** Items an anonymous visitor must never see: drafts, private, pending and scheduled. */
function addNonPublic(b: Builder, restBases: string[], perType: number): void {
  const statuses: DemoStatus[] = ['draft', 'private', 'pending', 'future'];
  for (const restBase of restBases) {
    const publicOnes = b.drafts.filter((d) => d.restBase === restBase);
    for (let i = 0; i < perType; i++) {
      const status = statuses[i % statuses.length] ?? 'draft';
      const template = b.r.pick(publicOnes);
      const dateMs =
        status === 'future'
          ? postDate(b.r, NOW_MS + 2 * DAY, NOW_MS + 90 * DAY)
          : postDate(b.r, NOW_MS - 60 * DAY, NOW_MS - DAY);
      b.drafts.push({
        ...template,
        title: `${status === 'private' ? 'Uso interno: ' : 'Borrador: '}${template.title}`,
        renderedTitle: undefined,
        acf: structuredClone(template.acf),
        status,
        dateMs,
        modifiedMs: dateMs,
      });
    }
  }
}

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

/** WordPress's storage of a term name: `&`, `<`, `>` escaped (the `pre_term_name` filters). */
const storedTermName = (name: string): string =>
  name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

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
