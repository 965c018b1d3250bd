import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatJson, withWpkbValues } from '../../../functions/core/shared/config/cdk-json.js';
import { ConfigError } from '../../../functions/core/shared/errors.js';

const root = path.resolve(import.meta.dirname, '../../..');
const cdkJson = readFileSync(path.join(root, 'cdk.json'), 'utf8');

/** The repository's formatter's verdict: the text as `biome format` would write it. */
const biomeFormatted = (text: string): string =>
  execFileSync(path.join(root, 'node_modules/.bin/biome'), ['format', '--stdin-file-path=cdk.json'], {
    cwd: root,
    input: text,
    encoding: 'utf8',
  });

const block = {
  site: { url: 'http://127.0.0.1:8089', timeZone: 'America/Santiago' },
  contentTypes: [
    { name: 'posts' },
    {
      name: 'event',
      dateField: 'acf.informacion_tienda.0.cards.0.data.date',
      metadata: [{ name: 'place', path: 'acf.informacion_tienda.0.cards.0.data.place' }],
      textFields: ['content', 'excerpt', 'acf'],
      fieldLabels: {},
    },
  ],
};

describe('withWpkbValues', () => {
  it('sets the keys in cdk.json and leaves every other byte as it was', () => {
    const written = withWpkbValues(cdkJson, block);
    const parsed = JSON.parse(written);
    expect(parsed.context.wpkb.site).toEqual(block.site);
    expect(parsed.context.wpkb.contentTypes).toEqual(block.contentTypes);
    expect(parsed.context.wpkb.environments).toEqual(JSON.parse(cdkJson).context.wpkb.environments);
    // Everything up to the end of the environments block is untouched; the new keys follow it.
    const end = cdkJson.lastIndexOf('}\n    }\n  }\n}');
    expect(written.startsWith(cdkJson.slice(0, end))).toBe(true);
  });

  it('replaces keys that are already there, in place', () => {
    const once = withWpkbValues(cdkJson, block);
    const twice = withWpkbValues(once, { ...block, site: { url: 'https://otro.example' } });
    expect(JSON.parse(twice).context.wpkb.site).toEqual({ url: 'https://otro.example' });
    expect(twice.split('\n').length).toBe(once.split('\n').length - 1);
    expect(withWpkbValues(once, block)).toBe(once);
  });

  it('writes what the repository’s formatter would write (npm run lint stays clean)', () => {
    const written = withWpkbValues(cdkJson, block);
    expect(biomeFormatted(written)).toBe(written);
    const fresh = withWpkbValues(undefined, block);
    expect(biomeFormatted(fresh)).toBe(fresh);
    const noContext = withWpkbValues('{\n  "app": "npx tsx bin/app.ts"\n}\n', block);
    expect(JSON.parse(noContext)).toEqual({ app: 'npx tsx bin/app.ts', context: { wpkb: block } });
  });

  it('refuses a file that is not JSON, naming it', () => {
    expect(() => withWpkbValues('{ "context": ', block, 'mine.json')).toThrow(ConfigError);
    expect(() => withWpkbValues('{ "context": ', block, 'mine.json')).toThrow(/^mine\.json: not valid JSON/);
  });
});

describe('formatJson', () => {
  it('keeps arrays of scalars on one line while they fit 110 columns, else one element per line', () => {
    const short = formatJson({ a: ['x', 'y'] });
    expect(short).toBe('{\n  "a": ["x", "y"]\n}');
    const long = formatJson({ a: Array.from({ length: 12 }, (_, i) => `element-${i}`) });
    expect(long.split('\n')).toHaveLength(16);
    for (const text of [short, long]) expect(biomeFormatted(`${text}\n`)).toBe(`${text}\n`);
  });
});
