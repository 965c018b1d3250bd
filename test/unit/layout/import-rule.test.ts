import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The layout's one rule: what ships to AWS never reaches local-only code. Lambda entries live in
 * functions/handlers/, what they may use in functions/core/; functions/local/ and bin/ never ship.
 *
 * "What ships" is esbuild's own module graph (its metafile) for each handler, bundled the way
 * stacks/wpkb-function.ts bundles it, so a dynamic import() or a re-export chain counts exactly as the
 * deployed bundle sees it. Type-only imports vanish from bundles; the second check reads the source
 * so that core and handlers do not import local-only modules for their types either.
 */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HANDLERS_DIR = 'functions/handlers';
const LOCAL_ONLY = ['functions/local/', 'bin/'];

const handlerFiles = readdirSync(path.join(REPO_ROOT, HANDLERS_DIR))
  .filter((name) => name.endsWith('.ts'))
  .map((name) => `${HANDLERS_DIR}/${name}`)
  .sort();

/** Every `handlers/<name>.ts` the stacks name as a Lambda entry. */
function entriesNamedByStacks(): string[] {
  const found = new Set<string>();
  for (const name of readdirSync(path.join(REPO_ROOT, 'stacks'), { recursive: true, encoding: 'utf8' })) {
    if (!name.endsWith('.ts')) continue;
    const text = readFileSync(path.join(REPO_ROOT, 'stacks', name), 'utf8');
    for (const match of text.matchAll(/['`](?:\.\.\/functions\/)?handlers\/([a-z-]+\.ts)['`]/g)) {
      found.add(`${HANDLERS_DIR}/${match[1]}`);
    }
  }
  return [...found].sort();
}

/** Repository files in the bundle of one entry (node_modules left out: they are not ours). */
async function bundledModules(entry: string): Promise<string[]> {
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    packages: 'external',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).sort();
}

const graphs = new Map<string, string[]>();

beforeAll(async () => {
  for (const entry of handlerFiles) graphs.set(entry, await bundledModules(entry));
}, 120_000);

describe('layout: cloud code never imports local-only code', () => {
  it('finds every Lambda entry the stacks bundle, and only those, in functions/handlers/', () => {
    expect(handlerFiles.length).toBeGreaterThanOrEqual(7);
    expect(handlerFiles).toEqual(entriesNamedByStacks());
  });

  it.each(handlerFiles)('%s bundles only itself and functions/core/', (entry) => {
    const modules = graphs.get(entry) ?? [];
    // A graph that lost its way (wrong entry, nothing resolved) must not pass for a clean one.
    expect(modules).toContain(entry);
    expect(modules.length).toBeGreaterThanOrEqual(4);
    const outside = modules.filter((m) => m !== entry && !m.startsWith('functions/core/'));
    expect(outside).toEqual([]);
    for (const prefix of LOCAL_ONLY) expect(modules.filter((m) => m.startsWith(prefix))).toEqual([]);
  });

  it('the handlers together reach a non-trivial share of the core', () => {
    const all = new Set([...graphs.values()].flat());
    expect(all.size).toBeGreaterThan(50);
  });

  it('no module of functions/core/ or functions/handlers/ imports local-only code, not even for types', () => {
    const offenders: string[] = [];
    let imports = 0;
    for (const dir of ['functions/core', HANDLERS_DIR]) {
      for (const file of readdirSync(path.join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.ts')) continue;
        const relative = `${dir}/${file}`;
        const text = readFileSync(path.join(REPO_ROOT, relative), 'utf8');
        for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
          imports++;
          const target = path.posix.normalize(path.posix.join(path.posix.dirname(relative), match[1] ?? ''));
          if (LOCAL_ONLY.some((prefix) => target.startsWith(prefix)))
            offenders.push(`${relative} → ${target}`);
        }
      }
    }
    expect(imports).toBeGreaterThan(200);
    expect(offenders).toEqual([]);
  });
});
