import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../../functions/core/auth/visitor-token.js';
import type { Clock } from '../../functions/core/shared/clock.js';
import { loadConfig } from '../../functions/core/shared/config/load.js';
import { oneLine } from '../../functions/core/shared/errors.js';
import { silentLog } from '../../functions/core/shared/logger.js';
import { createWordPressClient } from '../../functions/core/wordpress/client.js';
import { createLocalUpdater, type LocalUpdater } from '../../functions/local/instant/updater.js';
import { chunkingFromConfig, embedderFromConfig } from '../../functions/local/knowledge-base/from-config.js';
import { indexFileOf, readIndexFile } from '../../functions/local/knowledge-base/index-file.js';
import { dataDirAnswerer } from '../../functions/local/serve/answer/from-data-dir.js';
import { proxyBackend } from '../../functions/local/serve/proxy.js';
import { chatRoutes, localBackend } from '../../functions/local/serve/routes/chat.js';
import { demoRoutes } from '../../functions/local/serve/routes/demo.js';
import { webhookRoutes } from '../../functions/local/serve/routes/webhook.js';
import { type RunningServe, type ServeRoutes, startServe } from '../../functions/local/serve/server.js';
import { createLocalStorage } from '../../functions/local/storage/directory.js';
import { readCdkContext } from '../cdk-context.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const int = (min: number, max: number) =>
  z.coerce
    .number()
    .int(`must be an integer from ${min} to ${max}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** The flags, validated once: a bad one stops with one line naming it. */
const serveFlagsSchema = z.object({
  port: int(0, 65_535).default(8787),
  dataDir: z.string().min(1).default('.wpkb'),
  wpUrl: httpUrl.optional(),
  secret: z.string().min(16, 'must be at least 16 characters (the site’s shared secret)').optional(),
  tokenTtl: int(5, MAX_TOKEN_LIFETIME_SECONDS).default(900),
  endpoint: httpUrl.optional(),
  apiKey: z.string().min(1).optional(),
  timeout: int(1, 900).default(60),
  allowOrigin: z.array(httpUrl).default([]),
  now: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date-time, e.g. 2026-03-07T15:00:00-03:00')
    .optional(),
});
type ServeFlags = z.infer<typeof serveFlagsSchema>;

const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

/** A clock that starts at `start` and runs: dates follow it, tokens still expire. */
const startingAt = (start: string): Clock => {
  const offset = Date.parse(start) - Date.now();
  return { now: () => new Date(Date.now() + offset) };
};

const originOf = (url: string) => new URL(url).origin;

/**
 * `wpkb serve`: the local server (127.0.0.1) — the demo page with the chat widget, `POST /chat`
 * answered from the local knowledge base and the mall directory (or proxied to a deployed endpoint),
 * `GET /token` when a secret is set, and `POST /webhook` for the WordPress plugin's signed change
 * notifications (instant updates of the data directory and its local index). One line per request and
 * per update; Ctrl-C or SIGTERM stops it cleanly.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'local server: chat widget demo page, POST /chat (local knowledge base or --endpoint), GET /token',
    )
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', '8787')
    .option('--data-dir <dir>', 'data directory `npm start` wrote', '.wpkb')
    .option('--wp-url <url>', 'the WordPress site (visitor tokens are bound to it; default: site.url)')
    .option(
      '--secret <s>',
      "the site's shared secret: /chat then requires a visitor token, POST /webhook accepts the plugin's signed notifications (default: WPKB_SECRET)",
    )
    .option('--token-ttl <seconds>', 'lifetime of tokens minted by GET /token', '900')
    .option('--endpoint <url>', 'proxy /chat to this deployed chat endpoint instead of answering locally')
    .option('--api-key <key>', 'x-api-key for --endpoint (default: WPKB_CHAT_API_KEY)')
    .option('--timeout <seconds>', 'give up on the endpoint after this long', '60')
    .option('--allow-origin <origins>', 'origins whose pages may call /chat (CORS), comma-separated', list)
    .option('--now <iso>', 'start the clock at this instant (dates like "today" follow it; time still runs)')
    .action(async (raw: Record<string, unknown>) => {
      const parsed = serveFlagsSchema.safeParse({
        ...raw,
        secret: raw.secret ?? (process.env.WPKB_SECRET || undefined),
        apiKey: raw.apiKey ?? (process.env.WPKB_CHAT_API_KEY || undefined),
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const flag = String(issue?.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        console.error(`wpkb serve: --${flag}: ${issue?.message}`);
        process.exitCode = 1;
        return;
      }
      try {
        await serve(parsed.data);
      } catch (error) {
        console.error(`wpkb serve: ${oneLine(error)}`);
        process.exitCode = 1;
      }
    });
}

async function serve(flags: ServeFlags): Promise<void> {
  const config = loadConfig({ context: readCdkContext(), env: process.env });
  const dataDir = path.resolve(flags.dataDir);
  const site = flags.wpUrl ?? config.site.url;
  const clock = flags.now ? startingAt(flags.now) : { now: () => new Date() };
  const say = (line: string) => console.log(`[serve] ${line}`);

  let answersFrom: string;
  if (flags.endpoint) answersFrom = flags.endpoint;
  else {
    answersFrom = 'la base de conocimiento local (modo local, sin modelo de lenguaje)';
    // Missing data is a warning: the page still loads, and /chat says what to do (503).
    if (!(await readIndexFile(dataDir).catch(() => undefined)))
      say(`warning: no local knowledge base at ${indexFileOf(dataDir)}: run npm start (or --data-dir)`);
  }
  const backend = flags.endpoint
    ? proxyBackend({
        endpoint: flags.endpoint,
        timeoutMs: flags.timeout * 1000,
        ...(flags.apiKey ? { apiKey: flags.apiKey } : {}),
      })
    : localBackend(dataDirAnswerer({ config, dataDir, clock }));
  const tokens = flags.secret ? { secret: flags.secret, site, ttlSeconds: flags.tokenTtl, clock } : undefined;
  const updater = await instantUpdater(config, site, dataDir, say);
  if (!flags.secret) say('warning: no --secret (WPKB_SECRET): POST /webhook refuses every notification');
  const routes: ServeRoutes[] = [
    demoRoutes({ answersFrom, ...(tokens ? { tokenUrl: '/token' } : {}) }),
    chatRoutes({
      backend,
      ...(tokens ? { tokens } : {}),
      allowedOrigins: [
        ...new Set([...(flags.wpUrl ? [originOf(flags.wpUrl)] : []), ...flags.allowOrigin.map(originOf)]),
      ],
    }),
    webhookRoutes({
      secret: flags.secret,
      siteUrl: site,
      contentTypes: config.contentTypes,
      clock,
      updater,
    }),
  ];

  const server: RunningServe = await startServe({ routes, port: flags.port, log: say });
  say(`listening on ${server.url} (${routes.map((r) => r.name).join(', ')})`);
  say(
    `demo page: ${server.url}/  ·  answers from ${flags.endpoint ?? dataDir}${tokens ? `  ·  tokens for ${site}` : ''}`,
  );

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      say(`${signal}: stopping`);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      Promise.all([server.close(), updater.close()]).then(
        () => resolve(),
        (error: unknown) => {
          say(`stop failed: ${oneLine(error)}`);
          resolve();
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  say('stopped');
}

/** The instant updates of `POST /webhook`: the data directory, its local index, the site's REST API. */
async function instantUpdater(
  config: ReturnType<typeof loadConfig>,
  site: string,
  dataDir: string,
  say: (line: string) => void,
): Promise<LocalUpdater> {
  const siteConfig = { ...config, site: { ...config.site, url: site } };
  const password = process.env.WPKB_WP_APP_PASSWORD;
  return createLocalUpdater({
    config: siteConfig,
    storage: createLocalStorage(dataDir),
    client: createWordPressClient(
      { ...siteConfig.wordpress, siteUrl: site, ...(password ? { password } : {}) },
      { log: silentLog },
    ),
    log: silentLog,
    now: () => new Date(),
    dataDir,
    chunking: chunkingFromConfig(siteConfig),
    embedder: await embedderFromConfig(siteConfig),
    print: say,
    owner: `serve:${process.pid}`,
  });
}
