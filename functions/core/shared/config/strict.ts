import { distance } from 'fastest-levenshtein';
import { z } from 'zod';

/**
 * The known key closest to `key` (case ignored), or undefined when none is close enough to be a
 * plausible misspelling: at most a third of the longer name's letters differ (and always 2, never more
 * than 4: `lable` → `label` is a swap, two edits).
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.min(4, Math.max(2, Math.floor(Math.max(key.length, best.length) / 3)));
  return bestDistance <= allowed ? best : undefined;
}

/**
 * What is said about the first of `keys` (the error names the key itself in its path):
 * `unknown key, did you mean "indexName"?`, or the known keys when none is close.
 */
export function unknownKeyMessage(keys: readonly string[], known: readonly string[]): string {
  const [key = '', ...more] = keys;
  const hint = closestKey(key, known);
  const also = more.length ? ` (also unknown here: ${more.map((k) => `"${k}"`).join(', ')})` : '';
  const help = hint ? `did you mean "${hint}"?` : `known keys: ${known.join(', ')}`;
  return `unknown key, ${help}${also}`;
}

/**
 * `z.strictObject` whose unknown-key error names the key and the closest known one: a misspelt key in
 * cdk.json fails validation instead of being silently ignored.
 */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeyMessage(issue.keys, known) : undefined),
  });
}
