import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';

/**
 * `wpkb serve`: the local home of long-running features (chat, the widget’s demo page, the
 * webhook receiver). The server itself only knows a list of route sets; each feature is a ServeRoutes
 * registered in its own Fastify scope, so its content-type parsers (a raw body for a signature check),
 * hooks and body limits stay its own, and adding a feature never touches another one's routes.
 */

declare module 'fastify' {
  interface FastifyRequest {
    /** A word or two for the request's log line (`token:expired`), never a body or a user's text. */
    logNote?: string;
  }
}

export interface ServeRoutes {
  /** Named in the start-up line: `chat`, `demo page`, `webhook`. */
  name: string;
  /** Adds the feature's routes to its own scope. */
  register(app: FastifyInstance): void | Promise<void>;
}

export interface ServeOptions {
  routes: readonly ServeRoutes[];
  /** 0 picks a free port. */
  port: number;
  /** Loopback only by default: nothing here is meant for the network. */
  host?: string;
  /** One line per request (method, path, status, duration), and server errors. */
  log?: (line: string) => void;
}

export interface RunningServe {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The error body every route answers with: the Chat API's `{"error": {"code", "message"}}`. */
export const errorBody = (code: string, message: string) => ({ error: { code, message } });

const CLIENT_ERRORS: Record<number, string> = {
  400: 'invalid_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'body_too_large',
  415: 'unsupported_media_type',
};

/** Path without the query string: a query may carry what a visitor typed. */
const pathOf = (url: string) => url.split('?')[0] ?? url;

/** Builds the app with every route set registered (not listening): tests can `inject` into it. */
export async function buildServe(options: Pick<ServeOptions, 'routes' | 'log'>): Promise<FastifyInstance> {
  const log = options.log ?? (() => {});
  // Fastify's own logger (pino) writes two JSON lines per request; one plain line is what people read.
  const app = Fastify({ logger: false, return503OnClosing: true });
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
  });
  app.addHook('onResponse', async (request, reply) => {
    const ms = Math.round(reply.elapsedTime);
    log(
      `${request.method} ${pathOf(request.url)} ${reply.statusCode} ${ms} ms${request.logNote ? ` ${request.logNote}` : ''}`,
    );
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      request.logNote = error.code;
      return reply.status(status).send(errorBody(CLIENT_ERRORS[status] ?? 'bad_request', error.message));
    }
    log(`error on ${request.method} ${pathOf(request.url)}: ${error.message.replace(/\s+/g, ' ')}`);
    return reply.status(500).send(errorBody('internal_error', 'The local server failed on this request.'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody('not_found', `No route ${request.method} ${pathOf(request.url)}.`)),
  );
  for (const routes of options.routes) await app.register(async (scope) => routes.register(scope));
  return app;
}

/** Starts listening on 127.0.0.1 (by default); `close()` stops accepting, finishes requests in flight, then resolves. */
export async function startServe(options: ServeOptions): Promise<RunningServe> {
  const app = await buildServe(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://${host}:${port}`, app, close: () => app.close() };
}
