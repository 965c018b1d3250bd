/**
 * Approximate token counts, for chunking the way Bedrock's FIXED_SIZE strategy does.
 *
 * Bedrock counts tokens with the embedding model's tokenizer (Titan's is not public), so any local
 * count is an approximation. This one splits text into pieces — runs of letters, runs of digits, and
 * single other symbols — and counts a letter run as ⌈length / 4⌉ tokens, a digit run as ⌈length / 3⌉,
 * and every other symbol (punctuation, emoji) as 1. On the demo site's 328 documents it comes to
 * 1.07× the cl100k BPE count (per document, 10th–90th percentile 1.00–1.12×) and 1.2× o200k: it errs
 * on the side of more tokens, so local chunks are, if anything, slightly shorter than Bedrock's.
 */

/** One piece of text: where it is and how many tokens it counts for. */
export interface Piece {
  start: number;
  end: number;
  tokens: number;
}

const PIECE = /\p{L}[\p{L}\p{M}]*|\p{N}+|[^\s\p{L}\p{N}\p{M}]\p{M}*/gu;

function tokensOf(piece: string): number {
  const first = piece.codePointAt(0) ?? 0;
  const char = String.fromCodePoint(first);
  if (/\p{L}/u.test(char)) return Math.ceil([...piece].length / 4);
  if (/\p{N}/u.test(char)) return Math.ceil(piece.length / 3);
  return 1;
}

/** The text's pieces, in order, with their offsets (whitespace belongs to no piece). */
export function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  for (const match of text.matchAll(PIECE)) {
    const start = match.index;
    out.push({ start, end: start + match[0].length, tokens: tokensOf(match[0]) });
  }
  return out;
}

/** Approximate token count of the text (see the module comment for the rule). */
export function approxTokenCount(text: string): number {
  let total = 0;
  for (const piece of pieces(text)) total += piece.tokens;
  return total;
}
