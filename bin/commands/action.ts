import type { Command } from 'commander';

/** `wpkb action METHOD PATH`: run the agent's action group handler locally (being written). */
export function registerAction(program: Command): void {
  program
    .command('action <method> <path>')
    .description("run the agent's action group handler against the local catalog")
    .action(() => {
      console.error('wpkb action: not implemented yet');
      process.exitCode = 1;
    });
}
