import { stemmer as spanishStemmer } from '@orama/stemmers/spanish';
import { stopwords as spanishStopwords } from '@orama/stopwords/spanish';
import { fold } from '../../core/retrieval/fold.js';

/**
 * Spanish-aware text handling shared by the full-text index and the offline embedder.
 *
 * People type "telefono", "Teléfono", "TELÉFONO" and "informacion" for "información": words are
 * lower-cased and folded (accents and other combining marks removed, so ñ → n as well — phones often
 * type it that way). Stemming uses Orama's Spanish Snowball stemmer, whose suffix rules expect accents
 * ("información" → "inform", but "informacion" is left alone), so each word gives the stem of the word
 * as written and the stem of its folded form, both folded: a query with or without accents meets a
 * document with or without them.
 */

const STOPWORDS = new Set(spanishStopwords.map(fold));

/**
 * Words repeat (a site of 5,000 stores has a few tens of thousands of distinct words): what is computed
 * per word — its folded form, whether it is a stop word, its stems — is remembered, up to this many words
 * (then forgotten all at once: the cache only saves time, it never changes an answer).
 */
const WORD_CACHE_LIMIT = 100_000;

/** A bounded memo of a pure function of one word. */
export function memoByWord<T>(compute: (word: string) => T): (word: string) => T {
  const cache = new Map<string, T>();
  return (word) => {
    const hit = cache.get(word);
    if (hit !== undefined) return hit;
    if (cache.size >= WORD_CACHE_LIMIT) cache.clear();
    const value = compute(word);
    cache.set(word, value);
    return value;
  };
}

const isStopWord = memoByWord((word: string) => STOPWORDS.has(fold(word)));
/**
 * A word, or a name whose parts are joined by symbols without spaces: `b+d`, `w.o.k`, `h&m`, `7-eleven`,
 * `3.0`, `d'alessandro`. A symbol at either end (`¡hola!`, `fin.`) joins nothing.
 */
const NAME = /[\p{L}\p{M}\p{N}]+(?:[+.&'’·_-][\p{L}\p{M}\p{N}]+)*/gu;
const PART = /[\p{L}\p{M}\p{N}]+/gu;

/**
 * Names the text rules below were built with: part of the local index's manifest, so an index built with
 * other rules is rebuilt rather than searched with tokens it does not hold.
 */
export const TOKENIZER_ID = 'es-folded-stems+joined-names/2';

/**
 * The joined form of a name's parts, when it is worth a token of its own: the name has a part of one or
 * two characters (alone a stop word, or too short to find anything), holds a letter, and joins into at
 * most 12 characters. Longer joins are URL slugs and host names (`celebramos-el-dia-del-nino`), and
 * digit-only ones are dates and numbers (`2026-03-15`, `19.628`): as tokens they only add noise — on the
 * demo question set, joining every name cost 8 points of recall@1; their parts find them.
 */
function joinedName(parts: readonly string[]): string | undefined {
  if (parts.length < 2 || !parts.some((part) => part.length <= 2)) return undefined;
  const joined = parts.join('');
  return joined.length <= 12 && /\p{L}/u.test(joined) ? joined : undefined;
}

/**
 * Words as written (lower case, NFC), stop words removed; and for a short name joined by symbols, also its
 * parts run together (see `joinedName`): `B+D` → `bd`, `W.O.K` → `wok`, `H&M` → `hm`, `7-Eleven` → `7`,
 * `eleven`, `7eleven`. The joined form is never a stop word, so names made of single letters (each a stop
 * word) stay findable, and typing `wok` or `7eleven` finds them too. `Café 3.0` is found by its parts
 * (`café`, `3`, `0`). Spaced initials (`H & M`, `W. O. K.`) are separate letters: they are not joined.
 */
export function contentWords(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().normalize('NFC').matchAll(NAME)) {
    const parts = match[0].match(PART) ?? [];
    for (const word of parts) if (!isStopWord(word)) out.push(word);
    const joined = joinedName(parts);
    if (joined) out.push(joined);
  }
  return out;
}

/** The folded stem forms of one lower-case word (one or two distinct strings; shared, do not modify). */
export const stemForms: (word: string) => readonly string[] = memoByWord((word) => {
  const folded = fold(word);
  const a = fold(spanishStemmer(word));
  const b = fold(spanishStemmer(folded));
  return a === b ? [a] : [a, b];
});

/** Search terms of a text: stem forms of its content words, de-duplicated, in order. */
export function searchTerms(text: string): string[] {
  const seen = new Set<string>();
  for (const word of contentWords(text)) for (const form of stemForms(word)) if (form) seen.add(form);
  return [...seen];
}

/**
 * An Orama tokenizer component with the rules above (the `Tokenizer` shape Orama accepts in
 * `components.tokenizer`). Filters on enum/number fields do not go through it.
 */
export function createSpanishTokenizer() {
  const tokenizer = {
    language: 'spanish',
    normalizationCache: new Map<string, string>(),
    tokenize(raw: string, _language?: string, _prop?: string, _withCache?: boolean): string[] {
      if (typeof raw !== 'string') return [raw];
      return searchTerms(raw);
    },
  };
  return tokenizer;
}
