/**
 * The demo WordPress site: a small node:http server that speaks the WordPress 6.x REST API (index,
 * types, taxonomies, collections of items and of terms with pagination, ordering, `_fields`, the errors
 * WordPress returns) over the fixture data, on loopback only. `npm start`, the benchmark and tests use it.
 *
 * This file is the HTTP shell: it binds loopback, tells REST requests (pretty `/wp-json/…` or
 * `?rest_route=…`) from pages, and writes the answers; what is answered lives in api/ (parameters,
 * routes and the endpoints) and pages.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Params } from './api/parameters.js';
import { type Context, RestError, type RestResponse, restUrl } from './api/response.js';
import { dispatch } from './api/routes.js';
import { generateDemoSite } from './generate.js';
import { page } from './pages.js';
import { DEMO_ORIGIN, type DemoSite } from './site.js';

export interface StartDemoSiteOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback only. */
  host?: '127.0.0.1';
  /** Delay added to every request, as a remote site would. */
  latencyMs?: number;
  /** Scale of the generated site (ignored when `site` is given). */
  scale?: number;
  /** Serve this site instead of generating one; it stays live (mutations show in responses). */
  site?: DemoSite;
  /** true (default): `/wp-json/…`; false: plain permalinks, the API only at `/?rest_route=…`. */
  prettyPermalinks?: boolean;
}

export interface DemoSiteServer {
  /** Base URL of the site, no trailing slash: `http://127.0.0.1:PORT`. */
  url: string;
  site: DemoSite;
  /** HTTP requests received so far. */
  requests: () => number;
  close(): Promise<void>;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the demo site on 127.0.0.1. */
export async function startDemoSite(options: StartDemoSiteOptions = {}): Promise<DemoSiteServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new RangeError(`the demo site binds 127.0.0.1 only (got ${String(host)})`);
  const site = options.site ?? generateDemoSite({ scale: options.scale ?? 1 });
  const latencyMs = Math.max(0, options.latencyMs ?? 0);
  const ctx: Context = { site, url: '', pretty: options.prettyPermalinks ?? true };
  let count = 0;

  const send = (
    res: ServerResponse,
    method: string,
    status: number,
    type: string,
    body: string,
    headers = {},
  ) => {
    const bytes = Buffer.from(body.replaceAll(DEMO_ORIGIN, ctx.url), 'utf8');
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': String(bytes.length), ...headers });
    res.end(method === 'HEAD' ? undefined : bytes);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const search = url.searchParams;
    let route: string | undefined;
    if (search.has('rest_route')) {
      route = search.get('rest_route') || '/';
      if (!route.startsWith('/')) route = `/${route}`;
    } else if (ctx.pretty && (url.pathname === '/wp-json' || url.pathname.startsWith('/wp-json/'))) {
      route = url.pathname.slice('/wp-json'.length) || '/';
    }
    if (route === undefined) {
      const { status, body } = page(ctx, url.pathname, search);
      const apiRoot = restUrl(ctx, '/');
      send(res, method, status, 'text/html; charset=UTF-8', body, {
        Link: `<${apiRoot}>; rel="https://api.w.org/"`,
      });
      return;
    }
    const restSearch = new URLSearchParams(search);
    restSearch.delete('rest_route');
    const params = new Params(restSearch);
    let response: RestResponse;
    try {
      response = dispatch(ctx, method, safeDecode(route), params);
    } catch (error) {
      if (!(error instanceof RestError)) throw error;
      response = error.toResponse();
    }
    send(res, method, response.status, 'application/json; charset=UTF-8', JSON.stringify(response.body), {
      'X-Robots-Tag': 'noindex',
      'X-Content-Type-Options': 'nosniff',
      'Access-Control-Expose-Headers': 'X-WP-Total, X-WP-TotalPages, Link',
      Allow: 'GET',
      ...response.headers,
      Link: [...(response.links ?? []), `<${restUrl(ctx, '/')}>; rel="https://api.w.org/"`].join(', '),
    });
  };

  const server = createServer((req, res) => {
    count++;
    const respond = () => {
      try {
        handle(req, res);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const body = JSON.stringify({ code: 'internal_server_error', message, data: { status: 500 } });
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json; charset=UTF-8' });
        res.end(body);
      }
    };
    if (latencyMs > 0) void sleep(latencyMs).then(respond);
    else respond();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  ctx.url = `http://${host}:${port}`;

  let closed: Promise<void> | undefined;
  return {
    url: ctx.url,
    site,
    requests: () => count,
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
