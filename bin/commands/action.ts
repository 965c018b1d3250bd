import path from 'node:path';
import type { Command } from 'commander';
import { type Clock, fixedClock, systemClock } from '../../functions/core/shared/clock.js';
import { loadConfig } from '../../functions/core/shared/config/load.js';
import { type Log, silentLog } from '../../functions/core/shared/logger.js';
import { makeActionHandler } from '../../functions/handlers/actions.js';
import { localActionEvent } from '../../functions/local/actions/event.js';
import { createLocalStorage } from '../../functions/local/storage/directory.js';
import { readCdkContext } from '../cdk-context.js';
import { exitOnError } from '../exit-on-error.js';
import { instant } from '../options.js';

/** Log lines as JSON on stderr, so stdout stays the response body. */
const stderrLog: Log = Object.fromEntries(
  (['debug', 'info', 'warn', 'error'] as const).map((level) => [
    level,
    (message: string, extra?: Record<string, unknown>) =>
      console.error(JSON.stringify({ level: level.toUpperCase(), message, ...extra })),
  ]),
) as unknown as Log;

interface ActionFlags {
  dataDir: string;
  now?: string;
  raw: boolean;
  verbose: boolean;
}

/**
 * `wpkb action GET '/events?from=2026-03-01&to=2026-03-07'`: the action group handler, with a
 * Bedrock-shaped event, against the catalog of a data directory (`npm start` writes `.wpkb/`).
 * Prints the response body (JSON) on stdout and `HTTP <status>` on stderr; exit 1 unless 2xx.
 */
export function registerAction(program: Command): void {
  program
    .command('action <method> <path>')
    .description(
      "run the agent's action group (mall directory) against the local catalog; prints the JSON body",
    )
    .option('--data-dir <dir>', 'data directory holding catalog/<type>.json', '.wpkb')
    .option('--now <iso>', 'pretend the current time is this instant (dates like "today" follow it)', instant)
    .option('--raw', 'print the whole Bedrock response, not just the body', false)
    .option('--verbose', 'log lines (JSON) on stderr', false)
    .addHelpText(
      'after',
      `
Operations: GET /events?from=&to=&q=&limit=   GET /places?name=&category=&level=&type=&limit=
            GET /places/open?at=&holiday=&…   GET /items/{sourceId}   GET /directory`,
    )
    .action(
      exitOnError(async (method: string, target: string, opts: ActionFlags) => {
        const clock: Clock = opts.now ? fixedClock(opts.now) : systemClock;
        const handler = makeActionHandler({
          config: loadConfig({ context: readCdkContext(), env: process.env }),
          storage: createLocalStorage(path.resolve(opts.dataDir)),
          clock,
          log: opts.verbose ? stderrLog : silentLog,
          catalogCheckSeconds: 0,
        });
        const response = await handler(localActionEvent(method, target));
        const status = response.response.httpStatusCode;
        const body: unknown = JSON.parse(response.response.responseBody['application/json'].body);
        console.error(`HTTP ${status}`);
        console.log(JSON.stringify(opts.raw ? response : body, null, 2));
        if (status < 200 || status > 299) process.exitCode = 1;
      }),
    );
}
