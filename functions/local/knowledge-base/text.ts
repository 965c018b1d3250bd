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
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** Words as written (lower case, NFC), stop words removed. */
export function contentWords(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().normalize('NFC').matchAll(WORD)) {
    const word = match[0];
    if (!STOPWORDS.has(fold(word))) out.push(word);
  }
  return out;
}

/** The folded stem forms of one lower-case word (one or two distinct strings). */
export function stemForms(word: string): string[] {
  const folded = fold(word);
  const a = fold(spanishStemmer(word));
  const b = fold(spanishStemmer(folded));
  return a === b ? [a] : [a, b];
}

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
