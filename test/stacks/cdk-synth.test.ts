import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './synth.js';

const outdir = mkdtempSync(path.join(tmpdir(), 'wpkb-cdk-synth-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** The process environment without any AWS credentials, profile, region or CDK target. */
function environmentWithoutAws(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_') && !key.startsWith('CDK_DEFAULT_')) env[key] = value;
  }
  return {
    ...env,
    // No shared config or credentials file either, and no instance metadata lookup.
    AWS_CONFIG_FILE: path.join(outdir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(outdir, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

function run(
  command: string,
  args: string[],
  cwd = REPO_ROOT,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: environmentWithoutAws() });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('cdk synth', () => {
  it('works offline without AWS credentials, for the environment chosen with -c env=', async () => {
    const { code, output } = await run('npx', [
      'cdk',
      'synth',
      '--quiet',
      '--no-notices',
      '-c',
      'env=prod',
      '-o',
      path.join(outdir, 'cdk.out'),
    ]);
    expect(code, output).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(outdir, 'cdk.out', 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string }>;
    };
    const stacks = Object.entries(manifest.artifacts)
      .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
      .map(([name]) => name);
    expect(stacks).toEqual(['wpkb-prod']);
    expect(existsSync(path.join(outdir, 'cdk.out', 'wpkb-prod.template.json'))).toBe(true);

    // The bundles esbuild wrote: the configuration compiled in (not in the environment), and no source
    // maps (cloud.sourceMaps is false in the reference prod).
    const assets = readdirSync(path.join(outdir, 'cdk.out')).filter((d) => d.startsWith('asset.'));
    const bundles = assets
      .map((d) => path.join(outdir, 'cdk.out', d))
      .filter((d) => existsSync(path.join(d, 'index.js')));
    expect(bundles.length).toBeGreaterThanOrEqual(7);
    expect(bundles.flatMap((d) => readdirSync(d)).filter((f) => f.endsWith('.map'))).toEqual([]);
    const withConfig = bundles.filter((d) =>
      readFileSync(path.join(d, 'index.js'), 'utf8').includes('"labelPlural":"Restaurantes"'),
    );
    // extract, transform and the action group read the configuration.
    expect(withConfig).toHaveLength(3);
    const template = readFileSync(path.join(outdir, 'cdk.out', 'wpkb-prod.template.json'), 'utf8');
    expect(template).not.toContain('"labelPlural\\":\\"Restaurantes');
    expect(template).not.toContain('WPKB_CONFIG');
  }, 180_000);

  it('fails with one line naming a misspelt cdk.json key, even one in an environment not deployed', async () => {
    // cdk.json as it is, with one key misspelt under environments.prod, in a directory of its own.
    const dir = mkdtempSync(path.join(outdir, 'misspelt-'));
    const cdk = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8'));
    cdk.context.wpkb.environments.prod.cloud.pinecone.indexNme = 'wpkb-prod';
    cdk.app = `${path.join(REPO_ROOT, 'node_modules/.bin/tsx')} ${path.join(REPO_ROOT, 'bin/app.ts')}`;
    writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify(cdk));
    const cdkBin = path.join(REPO_ROOT, 'node_modules/.bin/cdk');
    const { code, output } = await run(cdkBin, ['synth', '--quiet', '--no-notices', '-o', 'out'], dir);
    expect(code).not.toBe(0);
    const lines = output.split('\n').filter((line) => line.startsWith('wpkb: '));
    expect(lines).toEqual([
      'wpkb: config key environments.prod.cloud.pinecone.indexNme: unknown key, did you mean "indexName"?',
    ]);
    expect(existsSync(path.join(dir, 'out', 'manifest.json'))).toBe(false);
  }, 120_000);
});
