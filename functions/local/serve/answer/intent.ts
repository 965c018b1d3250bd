import { fold } from '../../../core/actions/text.js';

/** What a visitor's question asks for, as far as plain Spanish keywords tell. */
export interface Intent {
  /** Where a place is: `¿dónde está…?`, `¿en qué piso…?`, `¿cómo llego a…?`. */
  where: boolean;
  /** Hours of a place: `horario`, `¿a qué hora abre/cierra…?`. */
  hours: boolean;
  /** Which places are open (at a time): `¿qué está abierto ahora?`. */
  open: boolean;
  /** Events: `evento`, `actividades`, `panoramas`, `talleres`. */
  events: boolean;
  /** `¿qué hay…?`, `¿qué hacer…?`: events when the question names days, else anything. */
  whatsOn: boolean;
  /** Phone, e-mail, website. */
  contact: boolean;
}

const has = (q: string, pattern: RegExp) => pattern.test(q);

/** Keywords → intent. Accents and case do not matter ("Dónde", "DONDE"). */
export function intentOf(question: string): Intent {
  const q = ` ${fold(question)} `;
  return {
    where: has(
      q,
      / (donde|ubicad[oa]s?|ubicacion|ubica|queda|quedan|piso|nivel|llego|llegar|encuentro|encuentra) /,
    ),
    hours:
      has(q, / (horarios?|abre|abren|cierra|cierran|atiende|atienden|abierto|abierta|abiertos|abiertas) /) ||
      has(q, / a que hora /),
    open: has(q, / (abiert[oa]s?|abren|atienden) /),
    events: has(
      q,
      / (eventos?|actividad|actividades|panoramas?|shows?|talleres?|concierto|conciertos|funcion|funciones|celebracion) /,
    ),
    whatsOn: has(q, / (que hay|que hacer|que se puede hacer) /),
    contact: has(q, / (telefono|fono|llamar|correo|mail|email|contacto|web|pagina|sitio) /),
  };
}

/** Words that frame a question rather than name a place, dropped when a name is looked up. */
const FRAME_WORDS = new Set(
  (
    'a al algo alguna alguno como con cual cuales de del donde el en encuentra encuentro esta estan hay hoy la las ' +
    'le lo los llego llegar me mi nivel numero o para piso por puedo que queda quedan se su sus tiene tienda tiendas ' +
    'restaurante restaurantes restoran local locales un una ubica ubicado ubicada ubicacion y ya horario horarios abre ' +
    'abren cierra cierran hora horas abierto abierta atiende ahora telefono fono correo mail email web pagina sitio ' +
    'contacto hola buenas buenos dias tardes noches favor quiero saber busco'
  ).split(' '),
);

/** The words of a question that could be a place's name (`¿Dónde está la tienda Fiordo Kid?` → `fiordo kid`). */
export function nameWordsIn(question: string): string {
  return fold(question)
    .split(' ')
    .filter((w) => w && !FRAME_WORDS.has(w))
    .join(' ');
}
