import type { ChunkingConfig } from '../../core/shared/config/cloud-schema.js';
import { type Piece, pieces } from './tokens.js';

/**
 * Splits a record's content into chunks the way the knowledge base's data source is configured
 * (`cloud.knowledgeBase.chunking`), with approximate token counts (tokens.ts):
 *
 * - FIXED_SIZE: windows of at most `maxTokens`; consecutive chunks share about `overlapPercentage` % of
 *   `maxTokens` (whole pieces, so a word is never cut). A chunk ends at the strongest boundary in the
 *   second half of its window — a blank line, else a line end, else a sentence end — and mid-sentence
 *   only when the window has none.
 * - NONE: the whole content is one chunk.
 * - HIERARCHICAL: the child chunks (`childMaxTokens`, `overlapTokens`); Bedrock returns the parent chunk
 *   when a child matches, which the local index does not model.
 * - SEMANTIC: approximated as fixed-size chunks of `maxTokens` without overlap (no embedding model
 *   decides breakpoints locally).
 *
 * Chunks are slices of the text (trimmed), so they read as the original does. Empty content gives none.
 */
export function chunkText(text: string, chunking: ChunkingConfig): string[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  switch (chunking.strategy) {
    case 'NONE':
      return [trimmed];
    case 'FIXED_SIZE':
      return fixedSize(
        trimmed,
        chunking.maxTokens,
        Math.floor((chunking.maxTokens * chunking.overlapPercentage) / 100),
      );
    case 'HIERARCHICAL':
      return fixedSize(
        trimmed,
        chunking.childMaxTokens,
        Math.min(chunking.overlapTokens, chunking.childMaxTokens - 1),
      );
    case 'SEMANTIC':
      return fixedSize(trimmed, chunking.maxTokens, 0);
  }
}

/** Boundary strength after a piece: 3 paragraph, 2 line, 1 sentence, 0 none. */
function boundaryAfter(text: string, piece: Piece, next: Piece | undefined): number {
  const gap = text.slice(piece.end, next ? next.start : text.length);
  if (/\n\s*\n/.test(gap)) return 3;
  if (gap.includes('\n')) return 2;
  const last = text.slice(piece.start, piece.end);
  if (/^[.!?…]$/.test(last) && /\s/.test(gap)) return 1;
  return 0;
}

function fixedSize(text: string, maxTokens: number, overlapTokens: number): string[] {
  const all = pieces(text);
  if (!all.length) return [text];
  const total = all.reduce((n, p) => n + p.tokens, 0);
  if (total <= maxTokens) return [text];

  const chunks: string[] = [];
  let start = 0;
  while (start < all.length) {
    // The longest window from `start` within maxTokens (at least one piece, even an oversized one).
    let end = start;
    let used = all[start]?.tokens ?? 0;
    while (end + 1 < all.length && used + (all[end + 1]?.tokens ?? 0) <= maxTokens) {
      end++;
      used += all[end]?.tokens ?? 0;
    }
    const last = end + 1 >= all.length;
    if (!last) {
      // Prefer the strongest boundary in the window's second half.
      let best = -1;
      let bestStrength = 0;
      let tokens = 0;
      for (let i = start; i <= end; i++) {
        tokens += all[i]?.tokens ?? 0;
        if (tokens < maxTokens / 2) continue;
        const strength = boundaryAfter(text, all[i] as Piece, all[i + 1]);
        if (strength > 0 && strength >= bestStrength) {
          best = i;
          bestStrength = strength;
        }
      }
      if (best >= start) end = best;
    }
    const first = all[start] as Piece;
    const final = all[end] as Piece;
    chunks.push(text.slice(first.start, final.end).trim());
    if (last || end + 1 >= all.length) break;
    // The next chunk starts with the last ~overlapTokens of this one, and always moves forward.
    let next = end + 1;
    let overlap = 0;
    while (next - 1 > start && overlap + (all[next - 1]?.tokens ?? 0) <= overlapTokens) {
      next--;
      overlap += all[next]?.tokens ?? 0;
    }
    start = next;
  }
  return chunks;
}
