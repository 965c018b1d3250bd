/**
 * Text matching for lookups: accent- and case-insensitive, punctuation as spaces, so "optica chucao",
 * "Óptica  Chucao" and "ÓPTICA-CHUCAO" compare equal.
 */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export const tokens = (text: string): string[] => fold(text).split(' ').filter(Boolean);

/**
 * How well a name matches a query, 0 when it does not: the whole name (100), its beginning (80), a
 * substring (60), every query word starting a word of the name (40). Higher first when sorting.
 */
export function nameScore(name: string, query: string): number {
  const n = fold(name);
  const q = fold(query);
  if (!q) return 0;
  if (n === q) return 100;
  if (n.startsWith(q)) return 80;
  if (n.includes(q)) return 60;
  const words = n.split(' ');
  return tokens(query).every((t) => words.some((w) => w.startsWith(t))) ? 40 : 0;
}

/** True when every word of the query occurs (as the start of a word) somewhere in the texts. */
export function containsAllWords(texts: readonly string[], query: string): boolean {
  const words = texts.flatMap((t) => tokens(t));
  return tokens(query).every((q) => words.some((w) => w.startsWith(q)));
}

/** Cuts a text at a word boundary near `max` characters, adding an ellipsis when it was cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * A level as written (`Nivel 2`, `2`, `Piso -1`, `Subterráneo`) reduced to what identifies it: the
 * (signed) number when there is one, else the folded text.
 */
export function levelKey(level: string): string {
  const n = /(?:^|[^\d])(-?\d+)/.exec(level.replace(/[\u2010-\u2015\u2212]/g, '-'));
  return n?.[1] !== undefined ? String(Number(n[1])) : fold(level);
}

/** Similarity of two names (Dice coefficient of letter pairs, 0–1): for "did you mean" suggestions. */
export function similarity(a: string, b: string): number {
  const pairs = (s: string) => {
    const f = fold(s).replace(/ /g, '');
    const out = new Map<string, number>();
    for (let i = 0; i < f.length - 1; i++) {
      const p = f.slice(i, i + 2);
      out.set(p, (out.get(p) ?? 0) + 1);
    }
    return out;
  };
  const x = pairs(a);
  const y = pairs(b);
  let total = 0;
  let common = 0;
  for (const n of x.values()) total += n;
  for (const n of y.values()) total += n;
  for (const [p, n] of x) common += Math.min(n, y.get(p) ?? 0);
  return total === 0 ? 0 : (2 * common) / total;
}
