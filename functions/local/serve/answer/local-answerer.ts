import { clip, fold } from '../../../core/actions/text.js';
import { clockTime, type LocalNow, localNow } from '../../../core/actions/time.js';
import type { ChatCitation } from '../../../core/chat/citations.js';
import { displayText, excerptOf } from '../../../core/chat/citations.js';
import type { Clock } from '../../../core/shared/clock.js';
import type { WpkbConfig } from '../../../core/shared/config/schema.js';
import type { Passage } from '../../knowledge-base/retrieve.js';
import { type Intent, intentOf, nameWordsIn } from './intent.js';
import { clockTimeIn, type DaySpan, daySpanIn, longDate } from './spanish-dates.js';

/** An answer in the Chat API's shape (without the session id). */
export interface LocalAnswer {
  answer: string;
  citations: ChatCitation[];
}

/** A mall-directory operation's result, as `wpkb action` prints it. */
export interface ActionResult {
  status: number;
  body: Record<string, unknown>;
}

export interface LocalAnswererDeps {
  config: WpkbConfig;
  clock: Clock;
  /** The top passages of the local knowledge base for a question (freshness-filtered). */
  retrieve(question: string, k: number): Promise<Passage[]>;
  /** A mall-directory operation (`GET /places?name=…`), run by the action group handler. */
  action(target: string): Promise<ActionResult>;
}

/** Said under every local answer: nobody should mistake it for the assistant. */
export const LOCAL_MODE_NOTE = 'Modo local: respuesta armada con el texto del sitio, sin modelo de lenguaje.';
export const NOTHING_FOUND =
  'No encontré información sobre eso en el contenido del sitio. Prueba con otras palabras, o pregunta por una tienda, un restaurante, un horario o un evento.';

export const HELP =
  'Puedo responder con la información del sitio: dónde está una tienda o restaurante, sus horarios, qué está abierto ahora, los eventos de un día o lo que dicen las preguntas frecuentes.';

const PASSAGES_K = 8;
const LIST_MAX = 6;

type Card = Record<string, unknown>;
const str = displayText;
/** A text as a sentence: one final period, not two. */
const sentence = (text: string) => (/[.!?…]$/.test(text) ? text : `${text}.`);
const list = (value: unknown): Card[] => (Array.isArray(value) ? (value as Card[]) : []);

/** One citation per page, first mention first. */
function citations(items: ChatCitation[]): ChatCitation[] {
  const seen = new Set<string>();
  return items.filter((c) => {
    const key = c.url ?? c.title;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const cite = (card: Card, excerpt?: string): ChatCitation | undefined => {
  const title = str(card.title);
  if (!title) return undefined;
  return { title, url: str(card.url) ?? null, excerpt: excerptOf(excerpt ?? str(card.summary)) };
};
const citeAll = (cards: Card[], excerpt?: (c: Card) => string | undefined) =>
  cards.flatMap((c) => cite(c, excerpt?.(c)) ?? []);

/**
 * The place a question names: a store or restaurant among the retrieved passages whose whole title
 * stands in the question (the longest such title), so "¿Dónde está la tienda Fiordo Kids?" is about
 * Fiordo Kids and not Fiordo Deco.
 */
function placeNamedIn(question: string, passages: Passage[], placeTypes: Set<string>): Passage | undefined {
  const q = ` ${fold(question)} `;
  return passages
    .filter((p) => placeTypes.has(p.content_type) && p.title && q.includes(` ${fold(p.title)} `))
    .sort((a, b) => fold(b.title).length - fold(a.title).length)[0];
}

/** `Nivel 2, local 403 (Patio de Comidas)`, from what the directory says; undefined when it says nothing. */
function whereOf(card: Card): string | undefined {
  const level = str(card.level);
  const local = str(card.local);
  const location = str(card.location);
  const parts = [level, local ? (/^local\b/i.test(local) ? local : `local ${local}`) : undefined].filter(
    Boolean,
  );
  const head = parts.join(', ');
  if (!head) return location;
  return location ? `${head} (${location})` : head;
}

function placeAnswer(card: Card, intent: Intent, now: LocalNow): string {
  const title = str(card.title) as string;
  const lines: string[] = [];
  const where = whereOf(card);
  const whereLine = where ? `**${title}** está en: ${where}.` : `El sitio no indica dónde está **${title}**.`;
  const hours = str(card.hours);
  const hoursLines: string[] = [];
  if (hours) {
    hoursLines.push(`Horario publicado: ${sentence(hours.replace(/\s*\n\s*/g, '; '))}`);
    const today = str(card.hours_today);
    if (today) hoursLines.push(`Hoy (${longDate(now.date).split(' ')[0]}): ${today}.`);
    if (card.open_now === true) hoursLines.push(`A las ${now.time} está abierto.`);
    else if (card.open_now === false) hoursLines.push(`A las ${now.time} está cerrado.`);
  } else if (intent.hours) hoursLines.push(`El sitio no publica el horario de **${title}**.`);
  const contact = [
    str(card.phone) ? `teléfono ${str(card.phone)}` : undefined,
    str(card.email) ? `correo ${str(card.email)}` : undefined,
    str(card.web) ? `sitio web ${str(card.web)}` : undefined,
  ].filter(Boolean);
  const contactLines = contact.length
    ? [`Contacto de **${title}**: ${contact.join(', ')}.`]
    : intent.contact
      ? [`El sitio no publica datos de contacto de **${title}**.`]
      : [];
  // What was asked comes first; the rest of the card follows.
  if (intent.contact && !intent.where && !intent.hours) lines.push(...contactLines, whereLine, ...hoursLines);
  else if (intent.hours && !intent.where)
    lines.push(...(hours ? [`**${title}**`] : []), ...hoursLines, whereLine, ...contactLines);
  else lines.push(whereLine, ...hoursLines, ...contactLines);
  return lines.join('\n');
}

function eventsAnswer(body: Card, span: DaySpan | undefined): LocalAnswer {
  const events = list(body.events);
  const total = Number(body.total ?? events.length);
  const label = span?.label ?? `entre hoy y el ${longDate(String(body.to))}`;
  const lines: string[] = [];
  if (events.length === 0) lines.push(`No encontré eventos con fecha ${label} en el calendario del sitio.`);
  else {
    lines.push(`${total === 1 ? 'Evento' : 'Eventos'} ${label}:`);
    for (const e of events.slice(0, LIST_MAX)) {
      const times = Array.isArray(e.times) && e.times.length ? `, ${(e.times as string[]).join(', ')}` : '';
      const place = str(e.place) ? `, en ${str(e.place)}` : '';
      lines.push(`- **${str(e.title)}**: ${str(e.dates) ?? ''}${times}${place}`);
    }
    if (total > Math.min(events.length, LIST_MAX))
      lines.push(`…y ${total - Math.min(events.length, LIST_MAX)} más.`);
  }
  const undated = Number(body.undated_events ?? 0);
  if (undated > 0)
    lines.push(
      `${undated} ${undated === 1 ? 'evento no tiene' : 'eventos no tienen'} una fecha legible en el sitio y no aparecen aquí.`,
    );
  return { answer: lines.join('\n'), citations: citeAll(events.slice(0, LIST_MAX)) };
}

function openAnswer(body: Card): LocalAnswer {
  const at = (body.at ?? {}) as Card;
  const open = list(body.open);
  const counts = (body.counts ?? {}) as Card;
  const total = Number(counts.open ?? open.length);
  const when =
    `el ${str(at.weekday) ?? ''} ${str(at.date) ? longDate(String(at.date)).split(' ').slice(1).join(' ') : ''} a las ${str(at.time) ?? ''}`
      .replace(/\s+/g, ' ')
      .trim();
  const lines: string[] = [];
  if (total === 0) lines.push(`Según los horarios publicados, ningún lugar está abierto ${when}.`);
  else {
    lines.push(
      `Según los horarios publicados, ${total === 1 ? 'está abierto 1 lugar' : `están abiertos ${total} lugares`} ${when}:`,
    );
    for (const p of open.slice(0, LIST_MAX)) {
      const where = whereOf(p);
      lines.push(`- **${str(p.title)}**${where ? ` (${where})` : ''}: hasta las ${str(p.closes_at)}`);
    }
    if (total > Math.min(open.length, LIST_MAX))
      lines.push(`…y ${total - Math.min(open.length, LIST_MAX)} más.`);
  }
  const unknown = Number(counts.unknown ?? 0);
  if (unknown > 0)
    lines.push(`De ${unknown} ${unknown === 1 ? 'lugar' : 'lugares'} no se pudo leer el horario.`);
  return {
    answer: lines.join('\n'),
    citations: citeAll(open.slice(0, LIST_MAX), (p) =>
      str(p.hours_that_day) ? `Horario ese día: ${str(p.hours_that_day)}` : undefined,
    ),
  };
}

/** Content words of a question (folded, 3+ letters) to pick a passage's most relevant lines. */
const contentWords = (question: string) =>
  nameWordsIn(question)
    .split(' ')
    .filter((w) => w.length >= 3);

/** The lines of a passage that share most words with the question (kept in their order), at most 3. */
function bestLines(text: string, words: string[]): string[] {
  const lines = text
    .split(/\n+/)
    .map((l) => l.trim())
    .filter((l) => l && !/^Más información: https?:\/\//.test(l));
  const scored = lines.map((line, i) => {
    const folded = ` ${fold(line)} `;
    const hits = words.filter((w) => mentions(folded, w)).length;
    return { line, i, hits };
  });
  const chosen = scored
    .filter((s) => s.hits > 0)
    .sort((a, b) => b.hits - a.hits || a.i - b.i)
    .slice(0, 3);
  const picked = chosen.length ? chosen.sort((a, b) => a.i - b.i) : scored.slice(0, 2);
  return picked.map((s) => clip(s.line, 300));
}

/** Does a text contain a word starting like `word` (its stem, roughly: all but the last two letters)? */
const mentions = (folded: string, word: string) =>
  folded.includes(` ${word.slice(0, Math.max(4, word.length - 2))}`);

function passagesAnswer(question: string, retrieved: Passage[]): LocalAnswer {
  const words = contentWords(question);
  if (!words.length) return { answer: HELP, citations: [] };
  // A passage counts only if it shares a word with the question: similar vectors alone are no evidence.
  const passages = retrieved.filter((p) => {
    const folded = ` ${fold(`${p.title} ${p.text}`)} `;
    return words.some((w) => mentions(folded, w));
  });
  const top = passages[0];
  if (!top) return { answer: NOTHING_FOUND, citations: [] };
  const used = passages
    .filter((p, i) => i === 0 || (i < 3 && p.score >= top.score * 0.6 && p.url !== top.url))
    .slice(0, 2);
  const lines = ['Esto dice el sitio:'];
  for (const p of used) {
    lines.push('', `**${p.title}**`, ...bestLines(p.text, words));
  }
  return {
    answer: lines.join('\n'),
    citations: used.map((p) => ({ title: p.title, url: p.url || null, excerpt: excerptOf(p.text) })),
  };
}

/**
 * The local (offline) answerer behind `wpkb serve`'s `POST /chat`: extractive, no language model.
 * Keywords pick what is asked — where a place is or its hours (the mall directory's card of the place
 * the question names), what is open at a time, events on days the question names — and anything else
 * is answered with the best passages of the local knowledge base, quoted. Every fact comes from the
 * directory or the site's text; the sentences around them are fixed Spanish templates.
 */
export function makeLocalAnswerer(deps: LocalAnswererDeps): (question: string) => Promise<LocalAnswer> {
  const placeTypes = new Set(
    deps.config.contentTypes.filter((t) => t.dateField === undefined).map((t) => t.name),
  );
  const hasEvents = deps.config.contentTypes.some((t) => t.dateField !== undefined);

  const placeCard = async (name: string, type?: string, sourceId?: string) => {
    const params = new URLSearchParams({ name, limit: '5', ...(type ? { type } : {}) });
    const { status, body } = await deps.action(`/places?${params}`);
    if (status !== 200) return { card: undefined, suggestions: [] as string[] };
    const places = list(body.places);
    const card = places.find((p) => sourceId !== undefined && str(p.source_id) === sourceId) ?? places[0];
    const suggestions = Array.isArray(body.did_you_mean) ? (body.did_you_mean as string[]) : [];
    return { card, suggestions };
  };

  const events = async (span: DaySpan | undefined) => {
    const params = new URLSearchParams({
      limit: String(LIST_MAX),
      ...(span ? { from: span.from, to: span.to } : {}),
    });
    const { status, body } = await deps.action(`/events?${params}`);
    return status === 200 ? body : undefined;
  };

  const answer = async (question: string): Promise<LocalAnswer> => {
    const now = localNow(deps.clock.now(), deps.config.site.timeZone);
    const intent = intentOf(question);
    const span = daySpanIn(question, now.date);
    const passages = await deps.retrieve(question, PASSAGES_K);
    const named = placeNamedIn(question, passages, placeTypes);

    // Events on the days asked (or the coming week): "¿qué eventos hay el sábado?".
    if (hasEvents && !named && (intent.events || (intent.whatsOn && span))) {
      const body = await events(span);
      if (body) return eventsAnswer(body, span);
    }
    // A place the question names: its card from the directory.
    if (named) {
      const { card } = await placeCard(named.title, named.content_type, named.source_id);
      if (card)
        return {
          answer: placeAnswer(card, intent, now),
          citations: [{ title: named.title, url: named.url || null, excerpt: excerptOf(named.text) }],
        };
    }
    // What is open now or at a time: "¿qué está abierto a las 21:30?".
    const minutes = clockTimeIn(question);
    if (intent.open || (intent.hours && minutes !== undefined)) {
      const at =
        minutes !== undefined || span
          ? `${span?.from ?? now.date}T${clockTime(minutes ?? now.minutes)}`
          : undefined;
      const params = new URLSearchParams({ limit: String(LIST_MAX), ...(at ? { at } : {}) });
      const { status, body } = await deps.action(`/places/open?${params}`);
      if (status === 200) return openAnswer(body);
    }
    // A place named in other words than its title ("fiordo kid"): the directory's name search.
    let suggestions: string[] = [];
    const words = nameWordsIn(question);
    if ((intent.where || intent.hours || intent.contact) && words) {
      const found = await placeCard(words);
      if (found.card)
        return { answer: placeAnswer(found.card, intent, now), citations: citeAll([found.card]) };
      suggestions = found.suggestions;
    }
    // Days named without saying "events": what is on, when there is something.
    if (hasEvents && span && !intent.where) {
      const body = await events(span);
      if (body && Number(body.total ?? 0) > 0) return eventsAnswer(body, span);
    }
    const quoted = passagesAnswer(question, passages);
    if (quoted.citations.length === 0 && suggestions.length)
      return {
        answer: `No encontré un lugar llamado «${words}». ¿Quisiste decir: ${suggestions.map((s) => `**${s}**`).join(', ')}?`,
        citations: [],
      };
    return quoted;
  };

  return async (question) => {
    const result = await answer(question);
    return { answer: `${result.answer}\n\n${LOCAL_MODE_NOTE}`, citations: citations(result.citations) };
  };
}
