import path from 'node:path';
import type { Command } from 'commander';
import { WpkbError } from '../../functions/core/shared/errors.js';
import { powertoolsLog } from '../../functions/core/shared/logger.js';
import { runLocal } from '../../functions/local/runner/run-local.js';
import { readCdkContext } from '../cdk-context.js';
import { exitOnError } from '../exit-on-error.js';
import { commaList, httpUrl } from '../options.js';

interface RunFlags {
  wpUrl?: string;
  dataDir: string;
  knowledgeDir: string;
  types?: string[];
  force: boolean;
  full: boolean;
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
    .option(
      '--types <a,b>',
      'only these content types: configured ones, or any post type of the site (zero configuration)',
      commaList('content types'),
    )
    .option('--knowledge-dir <dir>', 'curated knowledge (FAQ CSV files) to include', 'knowledge')
    .option('--force', 'skip the deletion guard', false)
    .option('--full', 'read every item again, not only what changed since the last run', false)
    .option('--verbose', 'structured logs (Powertools JSON) on stdout', false)
    .action(
      exitOnError(async (opts: RunFlags) => {
        const outcome = await runLocal({
          ...(opts.wpUrl ? { wpUrl: opts.wpUrl } : {}),
          dataDir: path.resolve(opts.dataDir),
          knowledgeDir: path.resolve(opts.knowledgeDir),
          ...(opts.types ? { types: opts.types } : {}),
          force: opts.force,
          full: opts.full,
          context: readCdkContext(),
          env: process.env,
          print: (line) => console.log(line),
          ...(process.stdout.isTTY ? { tty: process.stdout } : {}),
          ...(opts.verbose ? { log: powertoolsLog } : {}),
        });
        if (!outcome.ok) throw new WpkbError(outcome.error);
      }),
    );
}
