import type { Command } from 'commander';

/** `wpkb ask`: top-k passages from the local knowledge base (implementation follows). */
export function registerAsk(program: Command): void {
  program
    .command('ask <question>')
    .description('retrieve passages from the local knowledge base built by `npm start`')
    .action(() => {
      console.error('wpkb ask: not implemented yet');
      process.exitCode = 1;
    });
}
