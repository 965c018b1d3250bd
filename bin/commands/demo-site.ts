import type { Command } from 'commander';
import { startDemoSite } from '../../functions/local/demo-site/server.js';
import { integer } from '../options.js';

/** `wpkb demo-site`: serve the bundled demo WordPress site for other tools. */
export function registerDemoSite(program: Command): void {
  program
    .command('demo-site')
    .description('serve the bundled demo WordPress site on 127.0.0.1 until interrupted')
    .option('--port <n>', 'port (default: any free port)', integer(1, 65535))
    .action(async (opts: { port?: number }) => {
      const site = await startDemoSite(opts.port ? { port: opts.port } : {});
      console.log(`demo site: ${site.url}/wp-json/ (Ctrl-C to stop)`);
      const stop = () => void site.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
