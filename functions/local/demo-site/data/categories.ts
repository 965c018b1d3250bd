/** What the generator makes: store and restaurant categories (names and offer) and kinds of event. */

import type { Random } from '../generator/random.js';
import { EMOJI, PEOPLE } from './vocabulary.js';

export interface Category {
  label: string;
  names: ((w: string, r: Random) => string)[];
  offer: string[];
}

export const STORE_CATEGORIES: Category[] = [
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

export const RESTAURANT_CATEGORIES: Category[] = [
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

/** Kinds of event: how the title is made and the `categoria_evento` terms it belongs to. */
export const EVENT_TITLES: { title: (r: Random, monthName: string) => string; terms: string[] }[] = [
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
