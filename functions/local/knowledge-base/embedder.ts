import { fold } from '../../core/retrieval/fold.js';
import { contentWords, memoByWord, stemForms } from './text.js';

/**
 * The embedding port: the local index depends on this, not on a model.
 *
 * `id` names the vector space (model, dimensions, version): vectors from different ids are not
 * comparable, so the index is rebuilt when the configured embedder's id differs from the one it was
 * built with. `purpose` lets asymmetric models embed queries and documents differently (neither
 * adapter here does).
 */
export interface Embedder {
  readonly id: string;
  readonly dimensions: number;
  /** One vector per text, in order. */
  embed(texts: readonly string[], purpose: 'document' | 'query'): Promise<number[][]>;
}

export const HASHING_DEFAULT_DIMENSIONS = 512;

/**
 * The offline default: a LEXICAL feature-hashing embedding — not a language model, no semantics.
 *
 * Each content word (Spanish stop words dropped; names joined by symbols also as one word, `B+D` → `bd`:
 * see text.ts) contributes its folded stem forms (text.ts) and the
 * character trigrams of its folded form with boundary marks (`#te`, `tel`, … `no#`), so words sharing
 * a stem, written without accents, or with a typo still land near each other. A word's stem forms
 * weigh 1 in all and its n trigrams 1/√n each (the trigram block has unit length, as the stem has);
 * a feature seen more than once weighs 1 + ln(sum). Features are hashed (FNV-1a, 32 bit) to a signed
 * position in `dimensions`, and the vector is L2-normalised. Cosine similarity is then a
 * smoothed word/sub-word overlap: synonyms and paraphrases with other words are NOT matched — that
 * is what Titan (or any semantic model) adds.
 *
 * Values are rounded to 6 decimals so vectors are byte-stable across platforms.
 */
export function createHashingEmbedder(dimensions = HASHING_DEFAULT_DIMENSIONS): Embedder {
  if (!Number.isInteger(dimensions) || dimensions < 16 || dimensions > 8192)
    throw new RangeError(`hashing embedder: dimensions must be an integer in 16..8192 (got ${dimensions})`);
  return {
    id: `hashing-v3-${dimensions}`,
    dimensions,
    async embed(texts) {
      return texts.map((text) => hashingVector(text, dimensions));
    },
  };
}

/** FNV-1a over UTF-16 code units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const featureHash = memoByWord(fnv1a);

/** One word's features and their weights before counting (stems 1 in all, trigrams 1/√n each). */
const wordFeatures = memoByWord((word: string): readonly (readonly [string, number])[] => {
  const features: [string, number][] = [];
  const forms = stemForms(word);
  for (const form of forms) features.push([`s:${form}`, 1 / forms.length]);
  const padded = `#${fold(word)}#`;
  const grams = padded.length - 2;
  for (let i = 0; i < grams; i++) features.push([`g:${padded.slice(i, i + 3)}`, 1 / Math.sqrt(grams)]);
  return features;
});

/** Weighted lexical features of a text (exported for tests). */
export function hashingFeatures(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of contentWords(text))
    for (const [feature, weight] of wordFeatures(word))
      counts.set(feature, (counts.get(feature) ?? 0) + weight);
  const weighted = new Map<string, number>();
  for (const [feature, count] of counts) weighted.set(feature, count <= 1 ? count : 1 + Math.log(count));
  return weighted;
}

function hashingVector(text: string, dimensions: number): number[] {
  const vector = new Float64Array(dimensions);
  for (const [feature, weight] of hashingFeatures(text)) {
    const hash = featureHash(feature);
    const index = hash % dimensions;
    vector[index] = (vector[index] ?? 0) + (hash & 0x80000000 ? -weight : weight);
  }
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  return Array.from(vector, (v) => (norm ? Math.round((v / norm) * 1e6) / 1e6 : 0));
}
