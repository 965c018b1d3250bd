/** Reading a response body as JSON, tolerating what real WordPress hosts put in front of it. */

export type JsonBody =
  | { ok: true; value: unknown /** Characters of non-JSON text skipped before the JSON. */; skipped: number }
  | {
      ok: false /** Why it is not JSON, for an error message: "HTML", "empty body", "text". */;
      what: string;
    };

const MAX_CANDIDATES = 32;

function tryParse(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/**
 * Parses a body as JSON. A body that does not parse but ends in a complete JSON document after some
 * leading text (a PHP notice or warning printed before the REST response, a common sight on sites with
 * `display_errors` on) is salvaged: the JSON part is used and `skipped` says how much was dropped.
 * Anything else (an HTML WAF or login page, an empty body) is not JSON.
 */
export function parseJsonBody(raw: string): JsonBody {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.trim() === '') return { ok: false, what: 'an empty body' };
  const direct = tryParse(text);
  if (direct) return { ok: true, value: direct.value, skipped: 0 };
  let candidates = 0;
  for (let index = 0; index < text.length && candidates < MAX_CANDIDATES; index++) {
    const char = text[index];
    if (char !== '[' && char !== '{') continue;
    candidates++;
    const salvaged = tryParse(text.slice(index));
    if (salvaged && typeof salvaged.value === 'object' && salvaged.value !== null) {
      return { ok: true, value: salvaged.value, skipped: index };
    }
  }
  return { ok: false, what: /^\s*</.test(text) ? 'HTML' : 'text' };
}

/** The first characters of a body, on one line, for error messages. */
export function snippet(text: string, length = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length)}…` : line;
}

/** A short description of a JSON value's kind: "an array", "an object", "a string"… */
export function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  const kind = typeof value;
  return kind === 'object' ? 'an object' : `a ${kind}`;
}
