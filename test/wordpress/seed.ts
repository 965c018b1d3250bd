/**
 * The content the suite seeds: the reference mall's stores, restaurants and events in Spanish, with
 * HTML, entities and scripts, ACF-like fields, taxonomy terms, and every status the pipeline must leave out.
 */
import type { PostRow, PostSpec, WordPressSite } from './harness.js';

/** Appears only in the password-protected item (content, excerpt and acf): it must reach no file. */
export const PROTECTED_MARKER = 'Zorzalquimera';
export const PROTECTED_PASSWORD = 'clave-secreta-123';

/** The first store's content carries a script whose text must not reach documents. */
export const SCRIPT_STORE = { title: 'Falabella', scriptText: 'no-indexar' } as const;

/** Stores are the paginated type: with `perPage` 10 they span three pages. */
export const PUBLISHED_STORES = 23;

const STORE_NAMES = [
  SCRIPT_STORE.title,
  'Ripley',
  'Paris',
  'H&amp;M',
  'Zara',
  'Librería Antártica',
  'Óptica Ñuñoa',
  'Farmacia Cruz Verde',
  'Juguetería "El Trompo"',
  'Calzados Bata',
  'Entel',
  'Movistar',
  'Adidas',
  'Nike',
  'Casa Ideas',
  'Samsonite',
  'Joyería Pedrería',
  'Lippi',
  'Doite',
  'Tienda de Té &amp; Café',
  'Rosen',
  'Cannon Home',
  'Mascotas Felices',
];

/**
 * `categoria_tienda` terms per store title (created by name, as the editor does). 16 distinct terms plus
 * UNUSED_STORE_TERMS: two pages of terms at `perPage` 10. One name has an ampersand (WordPress stores
 * and serves it as `&amp;`); one store has no category.
 */
export const STORE_TERMS: Readonly<Record<string, string[]>> = {
  Falabella: ['Tiendas por departamento', 'Moda'],
  Ripley: ['Tiendas por departamento'],
  Paris: ['Tiendas por departamento', 'Hogar'],
  'H&amp;M': ['Moda'],
  Zara: ['Moda'],
  'Librería Antártica': ['Librería'],
  'Óptica Ñuñoa': ['Óptica'],
  'Farmacia Cruz Verde': ['Farmacia', 'Belleza'],
  'Juguetería "El Trompo"': ['Juguetería'],
  'Calzados Bata': ['Calzado'],
  Entel: ['Telefonía'],
  Movistar: ['Telefonía'],
  Adidas: ['Deportes', 'Zapatillas'],
  Nike: ['Zapatillas', 'Deportes'],
  'Casa Ideas': ['Hogar'],
  Samsonite: ['Viajes'],
  'Joyería Pedrería': ['Joyería'],
  Lippi: ['Outdoor', 'Deportes'],
  Doite: ['Outdoor'],
  'Tienda de Té &amp; Café': ['Té & Café'],
  Rosen: ['Hogar'],
  'Cannon Home': ['Hogar'],
  'Mascotas Felices': [],
};
/** Terms no store uses: listed by WordPress all the same (`hide_empty` is false by default). */
export const UNUSED_STORE_TERMS = ['Outlet', 'Tecnología'] as const;

/** `tipo_comida` terms per restaurant title. */
export const RESTAURANT_TERMS: Readonly<Record<string, string[]>> = {
  Tanta: ['Comida peruana'],
  'Café Colonia': ['Pastelería', 'Café'],
  'Pizzería Tiramisú': ['Pizzas'],
  'Sushi Niu': ['Sushi'],
  'La Fuente Alemana': ['Sándwiches', 'Comida chilena'],
  'Empanadas &amp; Co.': ['Comida chilena'],
};

function storeAcf(n: number, name: string): Record<string, unknown> {
  const slug = name.toLowerCase().replace(/[^a-z]+/g, '');
  return {
    informacion_tienda: [
      {
        info: {
          schedule:
            n % 2
              ? 'Lunes a domingo de 10:00 a 21:00 hrs.'
              : 'Lunes a sábado de 10:00 a 20:00 hrs. Domingo 11:00 a 20:00 hrs.',
          place: n % 3 ? 'Ala norte, frente a la plaza central' : 'Ala sur, junto al patio de comidas',
          level: String((n % 3) + 1),
          local: `${(n % 3) + 1}0${String(n + 10).padStart(2, '0')}`,
          phone: `+56 2 2${String(100000 + n * 7919).slice(0, 6)}`,
          mail: `contacto@${slug || 'tienda'}.cl`,
          page_link: `https://www.${slug || 'tienda'}.cl/`,
        },
        rrss: [
          { url: `https://instagram.com/${slug || 'tienda'}` },
          `https://facebook.com/${slug || 'tienda'}`,
        ],
      },
    ],
  };
}

function storeSpecs(): PostSpec[] {
  return STORE_NAMES.slice(0, PUBLISHED_STORES).map((name, n) => ({
    type: 'stores',
    title: name,
    content:
      n === 0
        ? '<p>Tienda por departamentos con moda, hogar y tecnolog&iacute;a.&nbsp;Cambios y devoluciones en el &#8220;Mesón de clientes&#8221;.</p>\n' +
          `<script>window.tracker = "${SCRIPT_STORE.scriptText}";</script>\n<style>.promo{color:red}</style>\n` +
          '<ul><li>Moda mujer &amp; hombre</li><li>Electrohogar</li></ul>'
        : `<p>${name} en el mall: atención de lunes a domingo. Pregunte por nuestras ofertas de temporada &ndash; ¡vuelva pronto!</p>`,
    excerpt: n % 4 === 0 ? `Visite ${name} en el nivel ${(n % 3) + 1}.` : '',
    // One store without ACF fields: the REST field is then `false`.
    acf: n === 5 ? false : storeAcf(n, name),
    terms: { categoria_tienda: STORE_TERMS[name] ?? [] },
  }));
}

function restaurantSpecs(): PostSpec[] {
  const names = [
    'Tanta',
    'Café Colonia',
    'Pizzería Tiramisú',
    'Sushi Niu',
    'La Fuente Alemana',
    'Empanadas &amp; Co.',
  ];
  return names.map((name, n) => ({
    type: 'restaurant',
    title: name,
    content: `<h2>${name}</h2><p>Cocina ${['peruana', 'de café', 'italiana', 'japonesa', 'chilena', 'chilena'][n]} en el patio de comidas. <strong>Reservas</strong> al teléfono indicado.</p>`,
    acf: {
      informacion_tienda: [
        {
          info: {
            schedule: 'Todos los días de 12:00 a 23:00 hrs.',
            place: 'Terraza gastronómica',
            level: '4',
            local: `40${n + 1}`,
            phone: `+56 2 2987 65${String(n).padStart(2, '0')}`,
            mail: `reservas${n}@restaurant.cl`,
            page_link: `https://restaurant${n}.cl/`,
          },
          rrss: [{ url: `https://instagram.com/restaurant${n}` }],
        },
      ],
    },
    terms: { tipo_comida: RESTAURANT_TERMS[name] ?? [] },
  }));
}

function eventAcf(date: string, hour: string, place: string, description: string): Record<string, unknown> {
  return {
    informacion_destacada: { hours: [{ hour }], organizer: 'Mall de Prueba' },
    informacion_tienda: [
      {
        cards: [
          {
            data: { date, hour, place, description },
            button: {
              is_active: true,
              anchor: { url: 'https://mall.example.cl/eventos/', title: 'Inscríbete' },
            },
          },
        ],
      },
    ],
  };
}

/**
 * Published events: title as stored, date text, the YYYYMMDD day it names when unambiguous, and its
 * `categoria_evento` terms.
 */
export const EVENTS: ReadonlyArray<{
  title: string;
  date: string;
  place: string;
  startDate?: number;
  terms: string[];
}> = [
  {
    title: 'Concierto de Jazz al atardecer',
    date: '15 de marzo de 2026',
    place: 'Plaza central',
    startDate: 20260315,
    terms: ['Música'],
  },
  {
    title: 'Taller de cerámica para niños',
    date: '2026-04-02',
    place: 'Sala multiuso, nivel 3',
    startDate: 20260402,
    terms: ['Talleres', 'Familia'],
  },
  {
    title: 'Feria del libro usado',
    date: '20/05/2026',
    place: 'Ala norte',
    startDate: 20260520,
    terms: ['Ferias'],
  },
  {
    title: 'Día del Niño: show de magia',
    date: 'Domingo 9 de agosto de 2026',
    place: 'Plaza central',
    terms: ['Familia'],
  },
  {
    title: 'Exposición &laquo;Chile en fotos&raquo;',
    date: 'Del 1 al 15 de septiembre de 2026',
    place: 'Pasillo principal',
    terms: ['Exposiciones'],
  },
  {
    title: 'Fonda dieciochera',
    date: '18 de septiembre de 2026',
    place: 'Estacionamiento norte',
    startDate: 20260918,
    terms: [],
  },
];

function eventSpecs(): PostSpec[] {
  return EVENTS.map(({ title, date, place, terms }, n) => ({
    type: 'event',
    title,
    content: `<p>${title}. Entrada liberada, cupos limitados.</p><p><em>Organiza:</em> Mall de Prueba.</p>`,
    acf: eventAcf(date, `${17 + (n % 4)}:00 hrs.`, place, `Actividad gratuita: ${title}.`),
    terms: { categoria_evento: terms },
  }));
}

/** Every status the pipeline must leave out, once per type. */
function hiddenSpecs(type: string, label: string): PostSpec[] {
  const acf = { informacion_tienda: [{ info: { schedule: 'Oculto', place: 'Oculto' } }] };
  return [
    { type, title: `${label} borrador`, content: '<p>Borrador sin publicar.</p>', status: 'draft', acf },
    { type, title: `${label} pendiente`, content: '<p>Pendiente de revisión.</p>', status: 'pending', acf },
    { type, title: `${label} privado`, content: '<p>Solo para el equipo.</p>', status: 'private', acf },
    {
      type,
      title: `${label} programado`,
      content: '<p>Se publicará más adelante.</p>',
      status: 'future',
      date: '2035-01-01 10:00:00',
      acf,
    },
    {
      type,
      title: `${label} en la papelera`,
      content: '<p>Publicado y luego eliminado.</p>',
      trash: true,
      acf,
    },
  ];
}

function protectedSpec(): PostSpec {
  return {
    type: 'restaurant',
    title: 'Club privado',
    content: `<p>Menú reservado para socios: ${PROTECTED_MARKER}.</p>`,
    excerpt: `Solo socios (${PROTECTED_MARKER}).`,
    password: PROTECTED_PASSWORD,
    acf: {
      informacion_tienda: [
        {
          info: { schedule: `Horario ${PROTECTED_MARKER}`, place: 'Nivel 5', level: '5', local: '501' },
          rrss: [],
        },
      ],
    },
  };
}

export interface SeededSite {
  rows: PostRow[];
  /** Published, not protected: what the pipeline must turn into documents. */
  published: Record<'event' | 'stores' | 'restaurant', PostRow[]>;
  /** Everything else the suite created (drafts, pending, private, future, trashed, protected). */
  hidden: PostRow[];
  protectedRow: PostRow;
}

export async function seedSite(site: WordPressSite): Promise<SeededSite> {
  const specs = [
    ...storeSpecs(),
    ...restaurantSpecs(),
    ...eventSpecs(),
    ...hiddenSpecs('stores', 'Tienda'),
    ...hiddenSpecs('restaurant', 'Restaurante'),
    ...hiddenSpecs('event', 'Evento'),
    protectedSpec(),
  ];
  const rows = await site.insert(specs);
  await site.createTerms('categoria_tienda', UNUSED_STORE_TERMS);
  const isPublic = (row: PostRow) => row.status === 'publish' && !row.protected;
  const of = (type: string) => rows.filter((row) => row.type === type && isPublic(row));
  const protectedRow = rows.find((row) => row.protected);
  if (!protectedRow) throw new Error('seed: the password-protected item was not created');
  return {
    rows,
    published: { event: of('event'), stores: of('stores'), restaurant: of('restaurant') },
    hidden: rows.filter((row) => !isPublic(row)),
    protectedRow,
  };
}
