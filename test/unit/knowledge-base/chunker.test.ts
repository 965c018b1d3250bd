import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkText } from '../../../functions/local/knowledge-base/chunker.js';
import { approxTokenCount, pieces } from '../../../functions/local/knowledge-base/tokens.js';

const fixed = (maxTokens: number, overlapPercentage: number) =>
  ({ strategy: 'FIXED_SIZE', maxTokens, overlapPercentage }) as const;

/** Words of a chunk, for overlap checks. */
const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe('approximate token counts', () => {
  it('counts letters by four, digits by three, every other symbol as one', () => {
    expect(approxTokenCount('')).toBe(0);
    expect(approxTokenCount('sol')).toBe(1); // 3 letters
    expect(approxTokenCount('tienda')).toBe(2); // 6 letters
    expect(approxTokenCount('estacionamiento')).toBe(4); // 15 letters
    expect(approxTokenCount('2027')).toBe(2); // 4 digits
    expect(approxTokenCount('¿Dónde?')).toBe(4); // ¿ + Dónde (5 letters, 2) + ?
    expect(approxTokenCount('+56 2 2721 6212')).toBe(1 + 1 + 1 + 2 + 2);
    expect(approxTokenCount('🎈')).toBe(1);
  });

  it('counts accented letters as one letter whether composed or decomposed', () => {
    expect(approxTokenCount('Óptica')).toBe(approxTokenCount('Óptica'.normalize('NFD')));
  });

  it('gives pieces with offsets into the text', () => {
    const text = 'Hola, mundo';
    expect(pieces(text).map((p) => text.slice(p.start, p.end))).toEqual(['Hola', ',', 'mundo']);
  });
});

describe('chunkText', () => {
  const sentence = (n: number) => `Esta es la oración número ${n} del documento de prueba.`;
  const long = Array.from({ length: 60 }, (_, i) => sentence(i + 1)).join(' ');

  it('keeps a text within maxTokens whole (trimmed), and gives nothing for empty content', () => {
    expect(chunkText('  Tienda: Fiordo Kids\nNivel 2  ', fixed(300, 20))).toEqual([
      'Tienda: Fiordo Kids\nNivel 2',
    ]);
    expect(chunkText(' \n ', fixed(300, 20))).toEqual([]);
  });

  it('NONE keeps any text as one chunk', () => {
    expect(chunkText(long, { strategy: 'NONE' })).toEqual([long]);
  });

  it('splits a long text into chunks of at most maxTokens', () => {
    const chunks = chunkText(long, fixed(50, 20));
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(approxTokenCount(chunk)).toBeLessThanOrEqual(50);
  });

  it('ends chunks at sentence ends when the window has one', () => {
    const chunks = chunkText(long, fixed(50, 20));
    for (const chunk of chunks.slice(0, -1)) expect(chunk).toMatch(/\.$/);
  });

  it('prefers a blank line over a line end over a sentence end', () => {
    const para = `${sentence(1)} ${sentence(2)}\nUna línea.\n\n${sentence(3)} ${sentence(4)} ${sentence(5)}`;
    const [first] = chunkText(para, fixed(45, 10));
    expect(first).toBe(`${sentence(1)} ${sentence(2)}\nUna línea.`);
  });

  it('starts each chunk with about overlapPercentage % of maxTokens taken from the end of the previous one', () => {
    const text = Array.from({ length: 400 }, (_, i) => `p${i}`).join(' '); // no boundaries: pure windows
    const chunks = chunkText(text, fixed(100, 20));
    expect(chunks.length).toBeGreaterThan(3);
    for (let i = 1; i < chunks.length; i++) {
      const previous = words(chunks[i - 1] ?? '');
      const current = words(chunks[i] ?? '');
      // The longest end of the previous chunk that the current one starts with.
      let shared = Math.min(previous.length, current.length);
      while (shared > 0 && previous.slice(-shared).join(' ') !== current.slice(0, shared).join(' ')) shared--;
      const overlapTokens = approxTokenCount(current.slice(0, shared).join(' '));
      expect(overlapTokens).toBeGreaterThan(15);
      expect(overlapTokens).toBeLessThanOrEqual(20);
    }
  });

  it('SEMANTIC is approximated without overlap; HIERARCHICAL chunks at the child size', () => {
    const semantic = chunkText(long, {
      strategy: 'SEMANTIC',
      maxTokens: 50,
      bufferSize: 0,
      breakpointPercentileThreshold: 95,
    });
    expect(semantic.join(' ')).toBe(long);
    const hierarchical = chunkText(long, {
      strategy: 'HIERARCHICAL',
      parentMaxTokens: 1500,
      childMaxTokens: 40,
      overlapTokens: 8,
    });
    for (const chunk of hierarchical) expect(approxTokenCount(chunk)).toBeLessThanOrEqual(40);
  });

  it('covers every piece of any text, in order, and always moves forward (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 2000 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 99 }),
        (text, maxTokens, overlap) => {
          const chunks = chunkText(text, fixed(maxTokens, overlap));
          const all = pieces(text.trim()).map((p) => text.trim().slice(p.start, p.end));
          const seen = chunks.flatMap((c) => pieces(c).map((p) => c.slice(p.start, p.end)));
          // Every piece appears (overlaps repeat some), the first and last pieces are where they belong.
          expect(new Set(seen)).toEqual(new Set(all));
          if (all.length) {
            expect(seen[0]).toBe(all[0]);
            expect(seen.at(-1)).toBe(all.at(-1));
          }
          for (const chunk of chunks) {
            const n = pieces(chunk);
            if (n.length > 1) expect(approxTokenCount(chunk)).toBeLessThanOrEqual(maxTokens);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
