#!/usr/bin/env -S npx tsx
/** The `wpkb` CLI: one module per command under bin/commands/, each registering itself here. */
import { Command } from 'commander';
import { registerAction } from './commands/action.js';
import { registerAsk } from './commands/ask.js';
import { registerChat } from './commands/chat.js';
import { registerDemoSite } from './commands/demo-site.js';
import { registerEval } from './commands/eval.js';
import { registerInit } from './commands/init.js';
import { registerRun } from './commands/run.js';
import { registerServe } from './commands/serve.js';

const program = new Command('wpkb')
  .description('Keep an Amazon Bedrock Agent knowledge base current with a WordPress site')
  .showHelpAfterError();

registerRun(program);
registerInit(program);
registerDemoSite(program);
registerAction(program);
registerChat(program);
registerAsk(program);
registerEval(program);
registerServe(program);

await program.parseAsync(process.argv);
