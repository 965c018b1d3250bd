/** The site's HTML pages: its home page and the items' permalinks (pretty or `?<type>=<slug>`). */
import { type Context, restUrl } from './api/response.js';
import { DEMO_PUBLIC_ORIGIN, isPublic } from './site.js';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

function html(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="es-CL">\n<head><meta charset="UTF-8"><title>${title}</title></head>\n<body>\n${body}\n</body>\n</html>\n`;
}

export function page(
  ctx: Context,
  pathname: string,
  search: URLSearchParams,
): { status: number; body: string } {
  const { site } = ctx;
  const items = Object.values(site.items).flat().filter(isPublic);
  if (pathname === '/' || pathname === '/index.php') {
    const plainType = site.types.find((t) => search.has(t.slug));
    if (plainType) {
      const item = items.find((i) => i.type === plainType.slug && i.slug === search.get(plainType.slug));
      if (item)
        return {
          status: 200,
          body: html(item.title.rendered, `<h1>${item.title.rendered}</h1>\n${item.content.rendered}`),
        };
    } else if (![...search.keys()].length) {
      const list = site.types
        .map((t) => `<li><a href="${restUrl(ctx, `/wp/v2/${t.restBase}`)}">${escapeHtml(t.name)}</a></li>`)
        .join('');
      return {
        status: 200,
        body: html(
          escapeHtml(site.name),
          `<h1>${escapeHtml(site.name)}</h1>\n<p>${escapeHtml(site.description)}</p>\n<ul>${list}</ul>`,
        ),
      };
    }
  } else if (ctx.pretty) {
    const item = items.find(
      (i) => i.link === `${DEMO_PUBLIC_ORIGIN}${pathname.endsWith('/') ? pathname : `${pathname}/`}`,
    );
    if (item)
      return {
        status: 200,
        body: html(item.title.rendered, `<h1>${item.title.rendered}</h1>\n${item.content.rendered}`),
      };
  }
  return { status: 404, body: html('Página no encontrada', '<h1>Página no encontrada</h1>') };
}
