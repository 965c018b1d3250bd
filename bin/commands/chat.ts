import type { Command } from 'commander';

/** `wpkb chat`: talk to the deployed agent from a terminal (being written). */
export function registerChat(program: Command): void {
  program
    .command('chat')
    .description('interactive chat with the deployed Bedrock agent')
    .action(() => {
      console.error('wpkb chat: not implemented yet');
      process.exitCode = 1;
    });
}
