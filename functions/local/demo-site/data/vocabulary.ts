/** Words the generator composes items from (fictitious names only). */

export const WORDS = [
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

export const PEOPLE = [
  'Rosa',
  'Tito',
  'Carmen',
  'Lucho',
  'Pepa',
  'Memo',
  'Juanita',
  'Pancho',
  'Tere',
  'Nacho',
];

export const ZONES = [
  'Sector Oriente',
  'Sector Poniente',
  'Boulevard',
  'Terraza Cordillera',
  'Patio de Comidas',
];
export const EVENT_PLACES = [
  'Plaza Central, Nivel 1',
  'Terraza Cordillera, Nivel 4',
  'Patio de Comidas, Nivel 3',
  'Hall Principal',
  'Estacionamiento Norte',
  'Sala Multiuso, Nivel 2',
];
export const ORGANIZERS = [
  'Mall Paseo Cordillera',
  'Centro Cultural Los Quillayes',
  'Fundación Manos del Sur',
  'Escuela de Música Pentagrama Andino',
  'Club Deportivo Cordillera',
];
export const EMOJI = ['🎉', '✨', '🛍️', '🎶', '🎈', '☕', '🌟', '🍂'];
export const SCHEDULES = [
  'Lunes a domingo de 10:00 a 21:00 hrs.',
  'Lunes a sábado: 10:00 &#8211; 21:00<br />Domingos y festivos: 11:00 &#8211; 20:00',
  'Lunes a viernes 10:30 a 20:30 hrs.\nSábado y domingo 11:00 a 20:00 hrs.',
  'Todos los días de 10:00 a 22:00',
  'Lun&nbsp;a&nbsp;Dom 10:00&#8211;21:00',
  '',
];

/**
 * A paragraph about one brand, pasted into many other stores' pages — as seen on the reference site.
 * Transform must leave it out of those documents (functions/core/normalize/boilerplate.ts); the brand's
 * own page keeps it.
 */
export const BRAND_BLOCK =
  '¿Buscas muebles o decoración? Visita <strong>B+D</strong>, la marca chilena de diseño para el hogar: sofás, lámparas y textiles con despacho a todo Chile. ¡Te esperamos en nuestra tienda del mall!';
