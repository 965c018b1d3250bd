import { type Command, InvalidArgumentError } from 'commander';
import { runInit } from '../../functions/local/init/run-init.js';
import { commaList, httpUrl } from '../options.js';

interface InitFlags {
  wpUrl: string;
  types?: string[];
  write?: string | true;
  sample: number;
}

const sampleSize = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError('expected 1 to 100');
  return n;
};

/** `wpkb init`: looks at a live site and proposes (or writes) the `wpkb` block of cdk.json. */
export function registerInit(program: Command): void {
  program
    .command('init')
    .description("inspect a WordPress site and propose its configuration (cdk.json's wpkb block)")
    .requiredOption('--wp-url <url>', 'the WordPress site', httpUrl)
    .option(
      '--types <a,b>',
      'only these post types (REST base or slug; default: all with items)',
      commaList('content types'),
    )
    .option('--write [file]', 'write the wpkb block into this file (default cdk.json), keeping the rest')
    .option('--sample <n>', 'items sampled per post type', sampleSize, 20)
    .action(async (opts: InitFlags) => {
      const outcome = await runInit({
        wpUrl: opts.wpUrl,
        ...(opts.types ? { types: opts.types } : {}),
        file: typeof opts.write === 'string' ? opts.write : 'cdk.json',
        write: opts.write !== undefined,
        sampleSize: opts.sample,
        env: process.env,
        print: (line) => console.log(line),
      });
      if (!outcome.ok) {
        console.error(`wpkb init: ${outcome.error}`);
        process.exitCode = 1;
      }
    });
}
