/**
 * Writing the `wpkb` block into cdk.json without touching the rest of the file: the block's text is
 * spliced in where it was (jsonc-parser finds it), formatted the way the repository's formatter (Biome)
 * would format it, so `npm run lint` stays clean after `wpkb init --write`.
 */
import {
  applyEdits,
  findNodeAtLocation,
  modify,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import { ConfigError } from '../errors.js';

/** Biome's line width in this repository (biome.json). */
const LINE_WIDTH = 110;

const isScalar = (value: unknown): boolean => value === null || typeof value !== 'object';

/**
 * JSON as Biome prints it: objects expanded (Biome keeps an object expanded when its source is), arrays
 * of scalars on one line when they fit the line width, otherwise one element per line.
 * `column`: where the value starts; `after`: characters that follow it on its line (a comma).
 */
export function formatJson(value: unknown, indent = '', column = indent.length, after = 0): string {
  if (isScalar(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every(isScalar)) {
      const line = `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
      if (column + line.length + after <= LINE_WIDTH) return line;
    }
    const items = value.map(
      (v, i) => `${inner}${formatJson(v, inner, inner.length, i < value.length - 1 ? 1 : 0)}`,
    );
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([key, v], i) => {
    const head = `${inner}${JSON.stringify(key)}: `;
    return `${head}${formatJson(v, inner, head.length, i < entries.length - 1 ? 1 : 0)}`;
  });
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

function parse(text: string, file: string) {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const [first] = errors;
  if (first || !root) {
    const why = first ? printParseErrorCode(first.error) : 'empty';
    throw new ConfigError(
      `${file}: not valid JSON (${why} at offset ${first?.offset ?? 0}); nothing written`,
    );
  }
  return root;
}

/** The indentation of the line holding `offset`. */
const indentAt = (text: string, offset: number): string =>
  /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', offset - 1) + 1))?.[0] ?? '';

/**
 * `text` (a cdk.json, or undefined for a new file) with these keys of `context.wpkb` set (added where
 * missing, `context.wpkb` too); every other byte as it was. A ConfigError when the file is not JSON.
 */
export function withWpkbValues(
  text: string | undefined,
  values: Record<string, unknown>,
  file = 'cdk.json',
): string {
  if (text === undefined || text.trim() === '') return `${formatJson({ context: { wpkb: values } })}\n`;
  let current = text;
  for (const [key, value] of Object.entries(values)) {
    const path = ['context', 'wpkb', key];
    let node = findNodeAtLocation(parse(current, file), path);
    if (!node) {
      // Insert a placeholder where it belongs (creating the parents if needed), then fill it like an existing key.
      const edits = modify(current, path, 0, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
      current = applyEdits(current, edits);
      node = findNodeAtLocation(parse(current, file), path);
      if (!node) throw new ConfigError(`${file}: could not add context.wpkb.${key}; nothing written`);
    }
    const indent = indentAt(current, node.parent?.offset ?? node.offset);
    const column = node.offset - (current.lastIndexOf('\n', node.offset - 1) + 1);
    const trailing = /^\s*,/.test(current.slice(node.offset + node.length)) ? 1 : 0;
    const body = formatJson(value, indent, column, trailing);
    current = current.slice(0, node.offset) + body + current.slice(node.offset + node.length);
  }
  return current;
}
