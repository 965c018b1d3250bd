import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { WIDGET_FILE } from '../../../functions/local/serve/routes/demo.js';
import { WIDGET_GZIP_BUDGET, widgetSize, widgetSizeLine } from '../../bench/widget-size.js';

/**
 * What a reading of the one widget file can tell (the browser tests show the behaviour): its size
 * against the budget, and that it has no way to put text in the page as HTML or to fetch anything
 * but the two URLs its page gives it.
 */
describe('wpkb-chat.js', () => {
  it('stays within 30 KB gzipped', async () => {
    const size = await widgetSize();
    console.log(widgetSizeLine(size));
    expect(size.gzipped).toBeLessThanOrEqual(WIDGET_GZIP_BUDGET);
  });

  it('has no HTML sinks, eval, or URL of its own to fetch', async () => {
    const source = await readFile(WIDGET_FILE, 'utf8');
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const sink of [
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
      'eval(',
      'new Function',
      'import(',
    ])
      expect(code, sink).not.toContain(sink);
    // The only absolute URL in the code is the SVG namespace.
    expect([...code.matchAll(/https?:\/\/[^\s'"`)]+/g)].map((m) => m[0])).toEqual([
      'http://www.w3.org/2000/svg',
    ]);
    // fetch() is called with the token URL (`url`, the token-url attribute) and the endpoint attribute only.
    expect([...code.matchAll(/fetch\(([^,)]+)/g)].map((m) => m[1]?.trim())).toEqual([
      'url',
      "this.getAttribute('endpoint'",
    ]);
  });
});
