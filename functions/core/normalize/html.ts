/**
 * HTML and text cleaning for documents that are read by people and embedded by Bedrock.
 *
 * Everything here is pure and deterministic. The output of every exported function is Unicode NFC,
 * has no control characters other than `\n`, no HTML tags and no HTML comments.
 */
import { compile, type DomNode, type FormatCallback, type SelectorDefinition } from 'html-to-text';

/** Elements whose content is never text for a reader: dropped with everything inside. */
const DROPPED_ELEMENTS = [
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'svg',
  'math',
  'canvas',
  'video',
  'audio',
  'map',
  'form',
  'input',
  'button',
  'select',
  'option',
  'optgroup',
  'textarea',
  'datalist',
  'head',
  'title',
  'meta',
  'link',
  'img',
  'picture',
  'source',
  'track',
];

/** Link targets worth writing when a link has no text of its own (an icon or image link). */
const WRITABLE_HREF = /^(?:https?:\/\/|mailto:|tel:)/i;

/** Returns the text of a link, or its target when the link has no text (image-only links). */
const anchorFormatter: FormatCallback = (elem, walk, builder) => {
  let text = '';
  builder.pushWordTransform((word) => {
    text += word;
    return word;
  });
  walk(elem.children, builder);
  builder.popWordTransform();
  if (text.trim() !== '') return;
  const href = (elem.attribs?.href ?? '').trim();
  if (WRITABLE_HREF.test(href)) {
    builder.addInline(href.replace(/^(?:mailto|tel):/i, ''), { noWordTransform: true });
  }
};

/** A table row on one line, cells separated by " | " (data tables of opening hours read well this way). */
const tableRowFormatter: FormatCallback = (elem, walk, builder) => {
  builder.openBlock({ leadingLineBreaks: 1 });
  let first = true;
  for (const child of elem.children) {
    if (child.type !== 'tag') continue;
    // Only td/th are cells; anything else in a row (a stray <script>, <title>) goes through the
    // selectors like everywhere else, so skipped elements stay skipped.
    const isCell = child.name === 'td' || child.name === 'th';
    if (isCell && !first) builder.addInline(' | ');
    if (isCell) first = false;
    walk(isCell ? child.children : [child], builder);
  }
  builder.closeBlock({ trailingLineBreaks: 1 });
};

/**
 * Lists: `- item` and `1. item` (no leading padding, unlike html-to-text's ordered lists); nested lists are
 * indented by their parent's marker width.
 */
function listFormatter(ordered: boolean): FormatCallback {
  return (elem, walk, builder, formatOptions) => {
    const nested = elem.parent?.name === 'li';
    const start = Number.parseInt(String(elem.attribs?.start ?? '1'), 10);
    let index = Number.isFinite(start) ? start : 1;
    let maxPrefixLength = 0;
    const items = elem.children
      .filter((child) => child.type !== 'text' || !/^\s*$/.test(child.data ?? ''))
      .map((child) => {
        const prefix = child.name !== 'li' ? '' : ordered ? `${index++}. ` : '- ';
        maxPrefixLength = Math.max(maxPrefixLength, prefix.length);
        return { child, prefix };
      });
    if (items.length === 0) return;
    const lineBreaks = nested ? 1 : (formatOptions.leadingLineBreaks ?? 2);
    builder.openList({
      interRowLineBreaks: 1,
      leadingLineBreaks: lineBreaks,
      maxPrefixLength,
      prefixAlign: 'left',
    });
    for (const { child, prefix } of items) {
      builder.openListItem({ prefix });
      walk([child], builder);
      builder.closeListItem();
    }
    builder.closeList({ trailingLineBreaks: nested ? 1 : (formatOptions.trailingLineBreaks ?? 2) });
  };
}

const blockSelectors = (tags: string[], lineBreaks: number): SelectorDefinition[] =>
  tags.map((selector) => ({
    selector,
    format: 'block',
    options: { leadingLineBreaks: lineBreaks, trailingLineBreaks: lineBreaks },
  }));

const selectors: SelectorDefinition[] = [
  ...DROPPED_ELEMENTS.map((selector) => ({ selector, format: 'skip' })),
  { selector: 'a', format: 'anchorTextOrUrl' },
  ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
    selector,
    format: 'heading',
    options: { uppercase: false, leadingLineBreaks: 2, trailingLineBreaks: 2 },
  })),
  { selector: 'p', format: 'paragraph', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
  { selector: 'ul', format: 'bulletList', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
  { selector: 'ol', format: 'numberedList', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
  { selector: 'blockquote', format: 'block', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
  { selector: 'pre', format: 'block', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
  {
    selector: 'hr',
    format: 'blockString',
    options: { string: '', leadingLineBreaks: 2, trailingLineBreaks: 2 },
  },
  { selector: 'table', format: 'block', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
  { selector: 'tr', format: 'tableRow' },
  ...blockSelectors(
    ['figure', 'section', 'article', 'main', 'header', 'footer', 'aside', 'nav', 'details'],
    2,
  ),
  ...blockSelectors(['div', 'figcaption', 'summary', 'address', 'dl', 'dt', 'dd', 'caption', 'li'], 1),
];

const baseOptions = {
  wordwrap: false as const,
  decodeEntities: true,
  // HTML whitespace; the zero-width space is not a space here: cleanText removes it with the other invisibles.
  whitespaceCharacters: ' \t\r\n\f',
  limits: { maxInputLength: undefined },
  formatters: {
    anchorTextOrUrl: anchorFormatter,
    tableRow: tableRowFormatter,
    bulletList: listFormatter(false),
    numberedList: listFormatter(true),
  },
  selectors,
};

const convertHtml = compile(baseOptions);
/** For plain-text values that may hold entities: newlines in the input are line breaks, not spaces. */
const convertPlain = compile({ ...baseOptions, preserveNewlines: true });

// ---------------------------------------------------------------------------------------------
// Text cleaning

/** Lone UTF-16 surrogates (not part of a pair). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** C0 (except \n) and DEL and C1 controls. Tabs and other spacing controls are turned into spaces first. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g;
/**
 * Invisible format characters: soft hyphen, Mongolian vowel separator, zero-width space / non-joiner,
 * bidi marks and embeddings, word joiner and invisible operators, BOM, interlinear annotations.
 * The zero-width joiner is handled apart: it is kept inside emoji sequences (👩‍💻) and dropped elsewhere.
 */
const INVISIBLE =
  /[\u00AD\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/g;
const STRAY_ZWJ =
  /(?<!\p{Extended_Pictographic}|\p{Emoji_Modifier}|\uFE0F)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;
/** Horizontal whitespace of any kind (including no-break and typographic spaces). */
const HORIZONTAL_SPACE = /[^\S\n]+/g;
/** A line that starts a list item (kept indented when nested). */
const LIST_ITEM = /^ *(?:- |\d+\. )/;

/**
 * Cleans plain text for a document: Unicode NFC; line breaks unified to `\n`; tabs and other spaces turned
 * into single spaces; control characters, zero-width characters, the BOM and unpaired surrogates removed;
 * spaces collapsed within lines and trailing spaces removed; leading spaces removed except the indentation
 * of nested list items; at most one blank line in a row; trimmed.
 */
export function cleanText(input: string): string {
  const text = input
    .replace(LONE_SURROGATE, '')
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .replace(/[\t\v\f]/g, ' ')
    .replace(CONTROL, '')
    .replace(INVISIBLE, '')
    .replace(STRAY_ZWJ, '')
    .normalize('NFC');
  const lines = text.split('\n').map((line) => {
    const indent = LIST_ITEM.test(line.replace(HORIZONTAL_SPACE, ' '))
      ? (/^[^\S\n]*/.exec(line)?.[0].length ?? 0)
      : 0;
    const body = line.replace(HORIZONTAL_SPACE, ' ').trim();
    return body === '' ? '' : ' '.repeat(indent) + body;
  });
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * A one-line version of `cleanText`: tags stripped, entities decoded, every line break a space.
 * For titles and short values.
 */
export function cleanInline(input: string): string {
  if (input === '') return '';
  // After finish(): it turns U+2028/U+2029/NEL into \n, which must become spaces too.
  return finish(convertHtml(input)).replace(/\s*\n\s*/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// WordPress shortcodes

/** Shortcodes whose whole content is an embed or player source (a URL): removed with their content. */
const EMBED_SHORTCODES = ['embed', 'video', 'audio', 'playlist', 'wpvideo', 'youtube', 'vimeo'];
/** Well-known shortcodes removed even without attributes (their content, if any, is kept). */
const KNOWN_SHORTCODES = new Set([
  'gallery',
  'caption',
  'wp_caption',
  'contact-form-7',
  'contact-form',
  'wpforms',
  'gravityform',
  'ninja_form',
  'instagram-feed',
  'custom-facebook-feed',
  'smartslider3',
  'rev_slider',
  'metaslider',
  'shortcode',
  'row',
  'column',
  'col',
  'section',
  'button',
  'divider',
  'spacer',
  'fusion_builder_container',
]);
/** Page-builder shortcode families: `[vc_row]`, `[et_pb_section]`, `[fusion_text]`, `[av_one_half]`… */
const BUILDER_PREFIX = /^(?:vc|et_pb|fusion|av|cs|tatsu|ux|mk|themify|su|elementor)_/;
const SHORTCODE_NAME = '[a-z][a-z0-9_-]*';
/** `[embed …]url[/embed]` and the like, one expression per embed shortcode, compiled once. */
const EMBED_SHORTCODE_BLOCKS = EMBED_SHORTCODES.map(
  (name) => new RegExp(`\\[${name}(?:\\s[^\\]\\n]*)?\\][^\\[]*\\[\\/${name}\\]`, 'g'),
);
/** `[name attr="v" …]`, `[name]`, `[name /]`, `[/name]`; never spans lines or nested brackets. */
const SHORTCODE_TAG = new RegExp(`\\[(\\/)?(${SHORTCODE_NAME})((?:\\s[^\\[\\]\\n]*?)?)\\s*(\\/)?\\]`, 'g');

function isRemovableShortcode(name: string, closing: boolean, attributes: string, text: string): boolean {
  if (KNOWN_SHORTCODES.has(name) || BUILDER_PREFIX.test(name) || EMBED_SHORTCODES.includes(name)) return true;
  // An unknown bracketed word is a shortcode only when it has attributes (`name=value`), or is a closing
  // tag whose opening tag is present, or is opened and closed in the same text.
  if (/^\s+[\w-]+\s*=/.test(attributes)) return true;
  if (closing) return text.includes(`[${name}]`) || text.includes(`[${name} `);
  return text.includes(`[/${name}]`);
}

/**
 * Removes WordPress shortcodes left in rendered text (`[gallery ids="1,2"]`, `[caption …]…[/caption]`,
 * `[vc_row]`). Conservative: lowercase names only; an unknown `[word]` survives unless it has attributes
 * or a matching closing tag, so bracketed prose like `[sic]`, `[Nuevo]` or `[1]` is left alone. Embed-like
 * shortcodes lose their content (a media URL); others keep it (a caption's text).
 */
export function stripShortcodes(text: string): string {
  // Most text holds no bracket at all: nothing to scan for (and no regular expression to run).
  if (!text.includes('[')) return text;
  let out = text;
  for (const embed of EMBED_SHORTCODE_BLOCKS) out = out.replace(embed, '');
  const source = out;
  return out.replace(SHORTCODE_TAG, (match, slash: string | undefined, name: string, attributes: string) =>
    isRemovableShortcode(name, slash === '/', attributes, source) ? '' : match,
  );
}

// ---------------------------------------------------------------------------------------------
// Markup that survives decoding

/** A tag-like sequence on one line: `<b>`, `</p>`, `<a href="x">`, `<br/>`. */
const TAG_LIKE = /<\/?[a-z][a-z0-9-]*(?:\s[^<>\n]*)?\/?>/gi;
const COMMENT_LIKE = /<!--[^\n]*?-->/g;

/**
 * Text may still look like markup after decoding: `&lt;p&gt;` is the text `<p>`, and double-encoded
 * WordPress fields are common. Such sequences are removed; any `<` that could still start a tag or
 * comment gets a space after it (`a<b` → `a< b`), so the output never holds markup.
 */
function neutraliseMarkup(text: string): string {
  if (!text.includes('<')) return text; // nothing that could be markup
  let out = text;
  for (let previous = ''; previous !== out; ) {
    previous = out;
    out = out.replace(COMMENT_LIKE, '').replace(TAG_LIKE, '');
  }
  return out.replace(/<(?=[a-z/!?])/gi, '< ');
}

// ---------------------------------------------------------------------------------------------
// Entry points

/**
 * HTML (WordPress `content.rendered`, ACF WYSIWYG values) to clean plain text.
 *
 * - scripts, styles, noscript, iframes, svg, forms, media and comments are dropped with their content;
 * - images are dropped, alt text included (WordPress alt text is often empty, a file name or SEO filler;
 *   a caption worth reading lives in `<figcaption>`, which is kept);
 * - links keep their text only: URLs inline would add noise to every paragraph and to the embeddings.
 *   A link with no text (an icon or image link) is written as its target when that is an http(s),
 *   `mailto:` or `tel:` address, because then the target is the only information;
 * - entities decoded; paragraphs and headings separated by a blank line; `<br>` is a line break; list items
 *   are `- item` (ordered: `1. item`), nested lists indented; table rows on one line, cells joined by ` | `;
 * - WordPress shortcodes removed (see `stripShortcodes`); no word wrapping; then `cleanText`.
 */
export function htmlToPlainText(html: string): string {
  if (html === '') return '';
  return finish(convertHtml(html));
}

/**
 * A field value that may or may not be HTML (ACF text, textarea and WYSIWYG fields): HTML when it holds a
 * tag, otherwise plain text whose line breaks are kept (entities are decoded in both cases).
 */
export function fieldToPlainText(value: string): string {
  if (value === '') return '';
  return finish(HAS_TAG.test(value) ? convertHtml(value) : convertPlain(value));
}

const HAS_TAG = /<\/?[a-z][^>]*>|<!--/i;

/** Clean first (so invisible characters cannot hide markup or shortcodes), then remove both, then tidy. */
function finish(text: string): string {
  return cleanText(neutraliseMarkup(stripShortcodes(cleanText(text))));
}

export type { DomNode };
