/** How WordPress writes text: slugs, rendered titles, block markup, excerpts, stored term names. */

/** WordPress's sanitize_title, roughly: accents off, lowercase, dashes. */
export function slugify(text: string): string {
  return text
    .replace(/&[#\w]+;/g, ' ')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** What wptexturize and esc_html do to a plain title. */
export function renderTitle(title: string): string {
  return title
    .replace(/&/g, '&amp;')
    .replace(/ - /g, ' &#8211; ')
    .replace(/'/g, '&#8217;')
    .replace(/"([^"]*)"/g, '&#8220;$1&#8221;');
}

export const block = (html: string, name = 'paragraph'): string =>
  `<!-- wp:${name} -->\n${html}\n<!-- /wp:${name} -->`;

export function paragraphs(parts: string[], gutenberg: boolean): string {
  const html = parts.map((p) => (/^<(p|ul|ol|h\d)[\s>]/.test(p) ? p : `<p>${p}</p>`));
  return `${(gutenberg ? html.map((h) => block(h, h.startsWith('<ul') ? 'list' : 'paragraph')) : html).join('\n\n')}\n`;
}

export function excerptOf(text: string): string {
  const plain = text
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const words = plain.split(' ').slice(0, 30).join(' ');
  return words ? `<p>${words} [&hellip;]</p>\n` : '';
}

/** WordPress's storage of a term name: `&`, `<`, `>` escaped (the `pre_term_name` filters). */
export const storedTermName = (name: string): string =>
  name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
