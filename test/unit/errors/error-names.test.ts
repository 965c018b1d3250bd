import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Error names are contracts: the Lambda runtime reports a thrown error's `name` as its type, Step
 * Functions Retry / Catch match it, people search logs for it. Minified bundles rename classes, so each
 * error class must pin its name. This bundles every error class under functions/ minified, without
 * esbuild's keepNames, and checks each instance still carries its class's name.
 */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `export class XError extends …` in every source file under functions/. */
function errorClasses(): Array<{ file: string; name: string }> {
  const found: Array<{ file: string; name: string }> = [];
  for (const file of readdirSync(path.join(REPO_ROOT, 'functions'), { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    const text = readFileSync(path.join(REPO_ROOT, 'functions', file), 'utf8');
    for (const match of text.matchAll(/export class (\w+) extends (\w+)/g)) {
      const [, name = '', base = ''] = match;
      if (/Error$/.test(name) || /Error$/.test(base)) found.push({ file: `functions/${file}`, name });
    }
  }
  return found;
}

const classes = errorClasses();
let bundled: Record<string, new (message: string) => Error> = {};

beforeAll(async () => {
  const source = classes
    .map(({ file, name }) => `export { ${name} } from './${file.replace(/\.ts$/, '.js')}';`)
    .join('\n');
  const result = await build({
    stdin: { contents: source, resolveDir: REPO_ROOT, loader: 'ts' },
    bundle: true,
    write: false,
    minify: true,
    keepNames: false,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    packages: 'external',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  const module = { exports: {} as Record<string, new (message: string) => Error> };
  // The bundle as CommonJS, its npm dependencies from node_modules.
  new Function('module', 'exports', 'require', code)(module, module.exports, createRequire(import.meta.url));
  bundled = module.exports;
}, 60_000);

describe('error names survive minification', () => {
  it('finds the error classes (the base, the shared ones, the sync step’s, the handlers’)', () => {
    const names = classes.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'WpkbError',
        'ConfigError',
        'StorageError',
        'IngestionFailedError',
        'InvalidEventError',
      ]),
    );
    expect(names.length).toBeGreaterThanOrEqual(15);
  });

  it.each(classes.map((c) => [c.name, c.file]))('%s (%s) keeps its name in a minified bundle', (name) => {
    const ErrorClass = bundled[name];
    expect(ErrorClass).toBeTypeOf('function');
    if (!ErrorClass) return;
    const error = new ErrorClass('message');
    expect(error.name).toBe(name);
  });
});
