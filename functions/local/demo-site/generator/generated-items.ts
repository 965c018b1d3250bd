/** The generated bulk of the demo site: stores, restaurants, events and their non-public copies. */

import { MONTHS_ES, WEEKDAYS_ES } from '../../../core/actions/time.js';
import { type Category, EVENT_TITLES, RESTAURANT_CATEGORIES, STORE_CATEGORIES } from '../data/categories.js';
import { RESTAURANT_TERMS, STORE_TERMS, TAXONOMY, type TermPlan } from '../data/taxonomies.js';
import { BRAND_BLOCK, EMOJI, EVENT_PLACES, ORGANIZERS, WORDS, ZONES } from '../data/vocabulary.js';
import type { DemoStatus } from '../site.js';
import { eventAcf, storeInfo } from './acf.js';
import { DAY, modifiedAfter, NOW_MS, pad, postDate } from './dates.js';
import type { Builder, Draft } from './draft.js';
import type { Random } from './random.js';
import { excerptOf, paragraphs } from './text.js';

const MONTHS: readonly string[] = MONTHS_ES;
const WEEKDAYS: readonly string[] = WEEKDAYS_ES;

/** The category's term, with a second one (when it has candidates) for about one item in five; rarely none. */
function planTerms(t: Random, plan: TermPlan | undefined): string[] {
  if (!plan || t.chance(0.05)) return [];
  return plan.also.length && t.chance(0.2) ? [plan.term, t.pick(plan.also)] : [plan.term];
}

/**
 * A generated published item: an excerpt for a share of them, a later modification for most, and no ACF
 * (`acf: false`) for about one in thirty. Draws from `r` in that order, then builds the ACF.
 */
function published(
  r: Random,
  item: { restBase: string; title: string; content: string; dateMs: number },
  excerptShare: number,
  acf: () => Draft['acf'],
  terms: Record<string, string[]>,
): Draft {
  return {
    restBase: item.restBase,
    type: item.restBase,
    title: item.title,
    content: item.content,
    excerpt: r.chance(excerptShare) ? excerptOf(item.content) : '',
    status: 'publish',
    dateMs: item.dateMs,
    modifiedMs: modifiedAfter(r, item.dateMs),
    acf: r.chance(0.03) ? false : acf(),
    terms,
  };
}

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

export function addStoreLike(b: Builder, restBase: string, restaurant: boolean, count: number): void {
  const { r } = b;
  const categories = restaurant ? RESTAURANT_CATEGORIES : STORE_CATEGORIES;
  for (let i = 0; i < count; i++) {
    const category = r.pick(categories);
    const name = r.pick(category.names)(r.pick(WORDS), r);
    const dateMs = postDate(r, Date.parse('2019-01-01T00:00:00Z'), NOW_MS - DAY);
    const content = storeContent(r, name, category, restaurant, !restaurant && b.x.chance(0.4));
    const terms = planTerms(b.t, (restaurant ? RESTAURANT_TERMS : STORE_TERMS)[category.label]);
    b.drafts.push(
      published(r, { restBase, title: name, content, dateMs }, 0.8, () => storeInfo(r, name, restaurant), {
        [restaurant ? TAXONOMY.restaurant : TAXONOMY.stores]: terms,
      }),
    );
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

export function addEvents(b: Builder, restBase: string, count: number): void {
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
    const terms = b.t.chance(0.05) ? [] : kind.terms;
    b.drafts.push(
      published(r, { restBase, title, content, dateMs }, 0.6, () => eventAcf(r, text, place), {
        [TAXONOMY.event]: terms,
      }),
    );
  }
}

/** Items an anonymous visitor must never see: drafts, private, pending and scheduled. */
export function addNonPublic(b: Builder, restBases: string[], perType: number): void {
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
