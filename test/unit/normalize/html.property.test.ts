import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cleanInline,
  cleanText,
  fieldToPlainText,
  htmlToPlainText,
} from '../../../functions/core/normalize/html.js';

const TAG = /<\/?[a-z][^>]*>/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the property is about control characters
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const INVISIBLE = /[\u200B\uFEFF\u00AD]/;

/** What every cleaned output must satisfy. */
function expectClean(out: string): void {
  expect(out).not.toMatch(TAG);
  expect(out).not.toContain('<!--');
  expect(out).not.toMatch(CONTROL);
  expect(out).not.toMatch(LONE_SURROGATE);
  expect(out).not.toMatch(INVISIBLE);
  expect(out).toBe(out.normalize('NFC'));
  expect(out).toBe(out.trim());
  expect(out).not.toMatch(/\n{3,}|[^\S\n]\n|[^\S\n]$/);
}

const anyText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

const entity = fc.constantFrom(
  '&amp;',
  '&lt;',
  '&gt;',
  '&lt;b&gt;',
  '&lt;/p&gt;',
  '&lt;!--',
  '&nbsp;',
  '&#8211;',
  '&aacute;',
  '&Ntilde;',
  '&iquest;',
  '&#0;',
  '&#1;',
  '&#x7f;',
  '&#128;',
  '&#150;',
  '&#xD800;',
  '&#x110000;',
  '&#65279;',
  '&#8203;',
  '&#x301;',
  '&bogus;',
  '&',
);

/**
 * Stray brackets that cannot start markup, so they do not change how the following fragment parses.
 * Each `<` is followed by a space or a non-letter inside the stray itself: a bare `<` right before
 * text starting with a letter (`<` + `Ps…`) opens a tag in browsers and in the parser alike.
 */
const safeStray = fc.constantFrom('< ', ' < ', '>', ' > ', '<3 ', '< b', '1 < 2 > 0', '<= ', '=>', '<< ');
/** Any stray markup-ish characters (may swallow what follows, the way browsers do). */
const wildStray = fc.constantFrom(
  '<',
  '</',
  '<!',
  '<!-',
  '<!--',
  '-->',
  '<a',
  '<p ',
  '"',
  "'",
  '<?',
  '<![CDATA[',
  ']]>',
  '>',
);

const tags = [
  'p',
  'div',
  'span',
  'a',
  'strong',
  'em',
  'b',
  'i',
  'ul',
  'ol',
  'li',
  'br',
  'h2',
  'h3',
  'table',
  'tr',
  'td',
  'th',
  'blockquote',
  'pre',
  'figure',
  'figcaption',
  'img',
  'hr',
  'section',
  'x-widget',
  'iframe',
  'noscript',
  'svg',
  'form',
  'textarea',
  'title',
  'template',
  'select',
  'button',
] as const;

const attribute = fc
  .tuple(
    fc.constantFrom('class', 'href', 'src', 'alt', 'style', 'data-x', 'title', 'id'),
    fc.string({ maxLength: 12 }),
  )
  .map(([name, value]) => ` ${name}="${value.replace(/"/g, '&quot;')}"`);

/** Text that cannot open markup by itself (every `<` is followed by a space). */
const safeText = anyText.map((s) => s.replace(/</g, '< '));

interface Soup {
  html: string;
  markers: string[];
}

let markerCount = 0;
const rawBlock = fc
  .tuple(
    fc.constantFrom('script', 'style', 'SCRIPT', 'Style'),
    fc.array(attribute, { maxLength: 2 }),
    safeText,
    safeText,
  )
  .map(([tag, attrs, before, after]): Soup => {
    markerCount += 1;
    const marker = `QZ${tag.toUpperCase()}MARKER${markerCount}QZ`;
    return { html: `<${tag}${attrs.join('')}>${before}${marker}${after}</${tag}>`, markers: [marker] };
  });

const comment = safeText.map((s): Soup => ({ html: `<!--${s.replace(/-/g, '- ')}-->`, markers: [] }));

/** Random HTML-ish soup: nested tags with attributes, text, entities, comments, script/style blocks, strays. */
const soup: fc.Arbitrary<Soup> = fc.letrec<{ node: Soup; nodes: Soup }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    safeText.map((html) => ({ html, markers: [] })),
    entity.map((html) => ({ html, markers: [] })),
    safeStray.map((html) => ({ html, markers: [] })),
    comment,
    rawBlock,
    fc
      .tuple(fc.constantFrom(...tags), fc.array(attribute, { maxLength: 3 }), tie('nodes'), fc.boolean())
      .map(([tag, attrs, inner, closed]) => ({
        html: `<${tag}${attrs.join('')}>${inner.html}${closed ? `</${tag}>` : ''}`,
        markers: inner.markers,
      })),
  ),
  nodes: fc.array(tie('node'), { maxLength: 4 }).map((parts) => ({
    html: parts.map((p) => p.html).join(''),
    markers: parts.flatMap((p) => p.markers),
  })),
})).nodes;

describe('htmlToPlainText properties', () => {
  it('arbitrary strings give clean text', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expectClean(htmlToPlainText(s));
        expectClean(fieldToPlainText(s));
        expectClean(cleanInline(s));
      }),
      { numRuns: 300 },
    );
  });

  it('HTML-ish soup gives clean text without script or style contents', () => {
    let withMarkers = 0;
    fc.assert(
      fc.property(soup, ({ html, markers }) => {
        if (markers.length > 0) withMarkers += 1;
        const out = htmlToPlainText(html);
        expectClean(out);
        for (const marker of markers) expect(out).not.toContain(marker);
        expect(cleanInline(html)).not.toContain('\n');
      }),
      { numRuns: 300 },
    );
    // The generator really injects script and style blocks.
    expect(withMarkers).toBeGreaterThan(30);
  });

  it('soup with wild stray markup (which may swallow what follows) still gives clean text', () => {
    const wild = fc
      .array(
        fc.oneof(
          soup.map((s) => s.html),
          wildStray,
          entity,
          anyText,
        ),
        { maxLength: 8 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(wild, (html) => {
        expectClean(htmlToPlainText(html));
        expectClean(fieldToPlainText(html));
        expectClean(cleanInline(html));
      }),
      { numRuns: 300 },
    );
  });
});

describe('cleanText properties', () => {
  it('is idempotent and clean for arbitrary strings', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const once = cleanText(s);
        expect(once).not.toMatch(CONTROL);
        expect(once).not.toMatch(LONE_SURROGATE);
        expect(once).toBe(once.normalize('NFC'));
        expect(cleanText(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});
