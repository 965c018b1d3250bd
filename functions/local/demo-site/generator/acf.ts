/** The ACF fields of stores, restaurants and events, shaped as the reference site's. */

import { ORGANIZERS, SCHEDULES, ZONES } from '../data/vocabulary.js';
import { DEMO_PUBLIC_ORIGIN } from '../site.js';
import { pad } from './dates.js';
import type { Random } from './random.js';
import { slugify } from './text.js';

export function storeInfo(r: Random, name: string, restaurant: boolean): Record<string, unknown> {
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

export function eventAcf(r: Random, text: string, place: string): Record<string, unknown> {
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
