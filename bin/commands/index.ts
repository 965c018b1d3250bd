import type { Command } from 'commander';

export type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when that command runs: together they pull in the AWS SDK, Fastify,
 * Orama… (about 0.9 s of start-up), while `wpkb run` needs half of that. Order = the order of the help.
 */
export const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  run: async () => (await import('./run.js')).registerRun,
  init: async () => (await import('./init.js')).registerInit,
  'demo-site': async () => (await import('./demo-site.js')).registerDemoSite,
  action: async () => (await import('./action.js')).registerAction,
  chat: async () => (await import('./chat.js')).registerChat,
  ask: async () => (await import('./ask.js')).registerAsk,
  eval: async () => (await import('./eval.js')).registerEval,
  serve: async () => (await import('./serve.js')).registerServe,
};

/**
 * The commands an invocation needs: the one named first; `run` (the default command) when the first
 * argument is an option or there is none; every command for the help, or for a word that is not a command
 * (commander then answers as it always did).
 */
export function commandsFor(args: readonly string[]): string[] {
  const first = args[0];
  if (first === undefined) return ['run'];
  if (first === '-h' || first === '--help' || first === 'help') return Object.keys(COMMANDS);
  if (first.startsWith('-')) return ['run'];
  return Object.hasOwn(COMMANDS, first) ? [first] : Object.keys(COMMANDS);
}

/** Registers the commands `args` need on `program`. */
export async function registerCommands(program: Command, args: readonly string[]): Promise<void> {
  for (const name of commandsFor(args)) {
    const load = COMMANDS[name];
    if (load) (await load())(program);
  }
}
