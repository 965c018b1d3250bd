import type { Command } from 'commander';

/** `wpkb eval`: retrieval evaluation over a question set (implementation follows). */
export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('measure retrieval (recall@k, MRR) over a question set')
    .action(() => {
      console.error('wpkb eval: not implemented yet');
      process.exitCode = 1;
    });
}
