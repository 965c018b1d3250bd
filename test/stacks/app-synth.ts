import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cdkJson, REPO_ROOT } from './synth.js';

export type TemplateResource = { Type: string; Properties: Record<string, unknown> } & Record<
  string,
  unknown
>;

export interface AppTemplate {
  Resources: Record<string, TemplateResource>;
  Outputs: Record<string, unknown>;
}

export interface AppSynthResult {
  code: number | null;
  output: string;
  /** The stack's template (absent when the synthesis failed). */
  template?: AppTemplate;
}

/**
 * bin/app.ts run the way the CDK CLI runs it (context in CDK_CONTEXT_JSON, output in CDK_OUTDIR, cdk-nag
 * as a validation plugin that fails synthesis on a finding), with bundling skipped to stay fast;
 * cdk-synth.test.ts runs the real `cdk synth` with bundling. `wpkb` replaces cdk.json's `wpkb` context
 * (default: cdk.json's own), so a test can synthesize another configuration exactly as a user would.
 */
export async function synthApp(env: string, options: { wpkb?: unknown } = {}): Promise<AppSynthResult> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'wpkb-app-'));
  try {
    const context = {
      ...cdkJson.context,
      ...(options.wpkb === undefined ? {} : { wpkb: options.wpkb }),
      env,
      'aws:cdk:bundling-stacks': [],
    };
    const variables: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!key.startsWith('AWS_') && !key.startsWith('CDK_') && !key.startsWith('WPKB_'))
        variables[key] = value;
    }
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn('npx', ['tsx', 'bin/app.ts'], {
        cwd: REPO_ROOT,
        env: { ...variables, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
      });
      let text = '';
      child.stdout.on('data', (chunk) => (text += String(chunk)));
      child.stderr.on('data', (chunk) => (text += String(chunk)));
      child.on('error', reject);
      child.on('close', (exit) => resolve({ code: exit, output: text }));
    });
    if (code !== 0) return { code, output };
    const template = JSON.parse(
      readFileSync(path.join(outdir, `wpkb-${env}.template.json`), 'utf8'),
    ) as AppTemplate;
    return { code, output, template };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The template of `synthApp`, or an error carrying the app's output. */
export async function appTemplate(env: string, options: { wpkb?: unknown } = {}): Promise<AppTemplate> {
  const result = await synthApp(env, options);
  if (!result.template) throw new Error(`bin/app.ts failed for env=${env}:\n${result.output}`);
  return result.template;
}
