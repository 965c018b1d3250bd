import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ServeRoutes } from '../server.js';

/** The widget's one copy: the WordPress plugin's asset, served from there. */
export const WIDGET_FILE = fileURLToPath(
  new URL('../../../../wordpress-plugin/wpkb-connector/assets/wpkb-chat.js', import.meta.url),
);

export interface DemoRoutesOptions {
  /** Default: WIDGET_FILE. */
  widgetFile?: string;
  /** Set when `/chat` needs visitor tokens: the widget fetches them here. */
  tokenUrl?: string;
  /** Said on the page: where answers come from (`modo local`, or the endpoint proxied). */
  answersFrom: string;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** The demo page: the widget inline, open and ready (`?mode=bubble` shows the floating bubble instead). */
export function demoPage(options: {
  tokenUrl?: string;
  answersFrom: string;
  mode: 'inline' | 'bubble';
}): string {
  const tokenAttr = options.tokenUrl ? ` token-url="${escapeHtml(options.tokenUrl)}"` : '';
  return `<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Asistente del mall — demo de wpkb</title>
<style>
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2327; background: #f6f7f7; }
  main { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
  h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
  p.note { margin: 0 0 1.25rem; color: #50575e; }
  wpkb-chat[mode="inline"] { display: block; height: min(38rem, calc(100vh - 9rem)); }
</style>
<script src="/widget.js" defer></script>
</head>
<body>
<main>
<h1>Asistente virtual</h1>
<p class="note">Demo local de wpkb: respuestas desde ${escapeHtml(options.answersFrom)}.</p>
<wpkb-chat endpoint="/chat"${tokenAttr} mode="${options.mode}" lang="es"></wpkb-chat>
</main>
</body>
</html>
`;
}

/** `GET /` (the demo page) and `GET /widget.js` (the plugin's asset, read on each request: edits show at once). */
export function demoRoutes(options: DemoRoutesOptions): ServeRoutes {
  const widgetFile = options.widgetFile ?? WIDGET_FILE;
  return {
    name: 'demo page',
    register(app) {
      app.get<{ Querystring: { mode?: string } }>('/', async (request, reply) =>
        reply
          .type('text/html; charset=utf-8')
          .header('Cache-Control', 'no-store')
          .send(
            demoPage({
              ...(options.tokenUrl ? { tokenUrl: options.tokenUrl } : {}),
              answersFrom: options.answersFrom,
              mode: request.query.mode === 'bubble' ? 'bubble' : 'inline',
            }),
          ),
      );
      app.get('/widget.js', async (_request, reply) =>
        reply
          .type('text/javascript; charset=utf-8')
          .header('Cache-Control', 'no-cache')
          .send(await readFile(widgetFile, 'utf8')),
      );
    },
  };
}
