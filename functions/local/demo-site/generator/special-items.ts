/**
 * The hand-written items: each one is a kind of mess real sites have (quotes and newlines in titles,
 * scripts and styles in content, an empty item, a very long one, a password-protected one, ACF as an
 * empty array, names made of symbols).
 */

import { TAXONOMY } from '../data/taxonomies.js';
import { BRAND_BLOCK } from '../data/vocabulary.js';
import { eventAcf, storeInfo } from './acf.js';
import { DAY, NOW_MS, postDate } from './dates.js';
import type { Builder, Draft } from './draft.js';
import type { Random } from './random.js';
import { block, excerptOf, paragraphs } from './text.js';

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

export function addSpecials(b: Builder, types: { event: string; stores: string; restaurant: string }): void {
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
export function symbolNamed(x: Random, types: { stores: string; restaurant: string }): Draft[] {
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
