import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { powertoolsLog } from '../../functions/core/shared/logger.js';
import { runLocal } from '../../functions/local/runner/run-local.js';
import { readCdkContext } from '../cdk-context.js';

const typeList = (value: string) => {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names.length) throw new InvalidArgumentError('expected a comma-separated list of content types');
  return names;
};

const httpUrl = (value: string) => {
  if (!/^https?:\/\/[^\s]+$/.test(value)) throw new InvalidArgumentError('expected an http(s) URL');
  return value.replace(/\/+$/, '');
};

interface RunFlags {
  wpUrl?: string;
  dataDir: string;
  knowledgeDir: string;
  types?: string[];
  force: boolean;
  verbose: boolean;
}

/** `wpkb run` (what `npm start` runs): the local pipeline. */
export function registerRun(program: Command): void {
  program
    .command('run', { isDefault: true })
    .description('extract → transform into the data directory (the local pipeline)')
    .option(
      '--wp-url <url>',
      'WordPress site to read (default: serve and use the bundled demo site)',
      httpUrl,
    )
    .option('--data-dir <dir>', 'data directory mirroring the S3 bucket', '.wpkb')
    .option('--types <a,b>', 'only these configured content types', typeList)
    .option('--knowledge-dir <dir>', 'curated knowledge (FAQ CSV files) to include', 'knowledge')
    .option('--force', 'skip the deletion guard', false)
    .option('--verbose', 'structured logs (Powertools JSON) on stdout', false)
    .action(async (opts: RunFlags) => {
      const outcome = await runLocal({
        ...(opts.wpUrl ? { wpUrl: opts.wpUrl } : {}),
        dataDir: path.resolve(opts.dataDir),
        knowledgeDir: path.resolve(opts.knowledgeDir),
        ...(opts.types ? { types: opts.types } : {}),
        force: opts.force,
        context: readCdkContext(),
        env: process.env,
        print: (line) => console.log(line),
        ...(opts.verbose ? { log: powertoolsLog } : {}),
      });
      if (!outcome.ok) {
        console.error(`wpkb: failed: ${outcome.error}`);
        process.exitCode = 1;
      }
    });
}
