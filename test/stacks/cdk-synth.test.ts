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
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...environmentWithoutAws(), ...extraEnv } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** `npx cdk synth --quiet` with these context arguments, into `out`, with no AWS credentials. */
const cdkSynth = (context: string[], out: string) =>
  run('npx', ['cdk', 'synth', '--quiet', '--no-notices', ...context, '-o', out]);

describe('cdk synth', () => {
  it('works offline without AWS credentials, for the environment chosen with -c env=', async () => {
    const { code, output } = await cdkSynth(['-c', 'env=prod'], path.join(outdir, 'cdk.out'));
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

  it('synthesizes the knowledge-base engine with -c wpkb.cloud.assistant.engine=knowledge-base: no agent, a working chat bundle', async () => {
    const out = path.join(outdir, 'cdk.out.kb');
    const { code, output } = await cdkSynth(
      ['-c', 'env=prod', '-c', 'wpkb.cloud.assistant.engine=knowledge-base'],
      out,
    );
    expect(code, output).toBe(0);
    const template = JSON.parse(readFileSync(path.join(out, 'wpkb-prod.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const types = Object.values(template.Resources).map((r) => r.Type);
    expect(types).not.toContain('AWS::Bedrock::Agent');
    expect(types).not.toContain('AWS::Bedrock::AgentAlias');
    expect(types).toContain('AWS::DynamoDB::Table');

    // The chat Lambda's bundle as esbuild wrote it, run with its environment: the engine builds from what
    // is compiled in (definition, configuration) and answers a preflight — no AWS call is made.
    const chat = Object.values(template.Resources).find(
      (r) =>
        r.Type === 'AWS::Lambda::Function' &&
        (r.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
          ?.ASSISTANT_ENGINE === 'knowledge-base',
    );
    const key = (chat?.Properties.Code as { S3Key?: string } | undefined)?.S3Key ?? '';
    const bundle = path.join(out, `asset.${key.replace(/\.zip$/, '')}`, 'index.js');
    expect(existsSync(bundle), bundle).toBe(true);
    const variables =
      (chat?.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    // Deploy-time values, as CloudFormation fills them in.
    const deployed: Record<string, string> = {
      KNOWLEDGE_BASE_ID: 'KB12345678',
      HISTORY_TABLE: 'wpkb-prod-AssistantConversationsTable-1A2B3C',
      DATA_BUCKET: 'wpkb-prod-data-1a2b3c',
      GUARDRAIL_ID: 'gr1234abcd',
      GUARDRAIL_VERSION: '1',
    };
    const env = Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [
        name,
        typeof value === 'string' ? value : (deployed[name] ?? `no deploy-time value for ${name}`),
      ]),
    );
    const preflight = (extra: Record<string, string>) =>
      run(
        process.execPath,
        [
          '-e',
          `require(${JSON.stringify(bundle)}).handler({httpMethod: 'OPTIONS', headers: {Origin: 'https://mall.example.cl'}, requestContext: {requestId: 'r1'}}).then((r) => console.log('STATUS ' + r.statusCode))`,
        ],
        REPO_ROOT,
        {
          ...env,
          AWS_REGION: 'us-east-1',
          ...extra,
        },
      );
    const ok = await preflight({});
    expect(ok.output).toContain('STATUS 204');
    // The same bundle with a broken environment answers 500: the 204 above is the engine built, not luck.
    const broken = await preflight({ MAX_TOOL_ROUNDS: '0' });
    expect(broken.output).toContain('STATUS 500');
  }, 240_000);

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
