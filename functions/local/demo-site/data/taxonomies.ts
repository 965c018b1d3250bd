/**
 * The mall's taxonomies. The category each store/restaurant was generated from becomes its term,
 * sometimes with a plausible second one; events get theirs from the kind of title. Term names are
 * written plainly here and stored HTML-escaped, as WordPress does (`&` → `&amp;`).
 */

export const TAXONOMY = {
  stores: 'categoria_tienda',
  restaurant: 'tipo_comida',
  event: 'categoria_evento',
} as const;

export interface TermPlan {
  /** The term of the category. */
  term: string;
  /** Candidates for a second term. */
  also: string[];
}

export const STORE_TERMS: Record<string, TermPlan> = {
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

export const RESTAURANT_TERMS: Record<string, TermPlan> = {
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
export const TAXONOMY_TERMS: Record<string, { name: string; parent?: string }[]> = {
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
