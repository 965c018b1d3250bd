#!/usr/bin/env -S npx tsx
/** The `wpkb` CLI: one module per command under bin/commands/, loaded when that command runs. */
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';

const program = new Command('wpkb')
  .description('Keep an Amazon Bedrock Agent knowledge base current with a WordPress site')
  .showHelpAfterError();

await registerCommands(program, process.argv.slice(2));
await program.parseAsync(process.argv);
