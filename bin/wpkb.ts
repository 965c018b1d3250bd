#!/usr/bin/env -S npx tsx
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { startDemoSite } from '../functions/local/demo-site/server.js';
import { runLocal } from '../functions/local/run-local.js';
import { powertoolsLog } from '../functions/shared/logger.js';
import { readCdkContext } from './cdk-context.js';

const program = new Command('wpkb')
  .description('Keep an Amazon Bedrock Agent knowledge base current with a WordPress site')
  .showHelpAfterError();

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

program
  .command('run', { isDefault: true })
  .description('extract → transform into the data directory (the local pipeline)')
  .option('--wp-url <url>', 'WordPress site to read (default: serve and use the bundled demo site)', httpUrl)
  .option('--data-dir <dir>', 'data directory mirroring the S3 bucket', '.wpkb')
  .option('--types <a,b>', 'only these configured content types', typeList)
  .option('--knowledge-dir <dir>', 'curated knowledge (FAQ CSV files) to include', 'knowledge')
  .option('--force', 'skip the deletion guard', false)
  .option('--verbose', 'structured logs (Powertools JSON) on stdout', false)
  .action(
    async (opts: {
      wpUrl?: string;
      dataDir: string;
      knowledgeDir: string;
      types?: string[];
      force: boolean;
      verbose: boolean;
    }) => {
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
    },
  );

program
  .command('demo-site')
  .description('serve the bundled demo WordPress site on 127.0.0.1 until interrupted')
  .option('--port <n>', 'port (default: any free port)', (v) => Number.parseInt(v, 10))
  .action(async (opts: { port?: number }) => {
    const site = await startDemoSite(opts.port ? { port: opts.port } : {});
    console.log(`demo site: ${site.url}/wp-json/ (Ctrl-C to stop)`);
    const stop = () => void site.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

await program.parseAsync(process.argv);
