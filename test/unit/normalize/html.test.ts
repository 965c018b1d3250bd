import { describe, expect, it } from 'vitest';
import {
  cleanInline,
  cleanText,
  fieldToPlainText,
  htmlToPlainText,
  stripShortcodes,
} from '../../../functions/core/normalize/html.js';

const gutenbergPost = `<!-- wp:paragraph -->
<p>Ven a celebrar el <strong>D&iacute;a del Ni&ntilde;o</strong> en Mall Plaza &#8211; con actividades &amp; sorpresas.&nbsp;&nbsp;¡Te esperamos! 🎉</p>
<!-- /wp:paragraph -->

<!-- wp:heading {"level":3} -->
<h3 class="wp-block-heading">Programaci&oacute;n del d&iacute;a</h3>
<!-- /wp:heading -->

<!-- wp:html -->
<script type="text/javascript">window.dataLayer.push({"event": "SCRIPT_MARKER"});</script>
<style>.wp-block-button{color:#f00} /* STYLE_MARKER */</style>
<noscript><img src="https://px.example/p.gif" alt="NOSCRIPT_MARKER"></noscript>
<!-- /wp:html -->

<!-- wp:list -->
<ul class="wp-block-list">
  <li>Show de magia
    <ul><li>11:00 hrs</li><li>15:00 hrs</li></ul>
  </li>
  <li>Pintacaritas</li>
</ul>
<!-- /wp:list -->

<!-- wp:paragraph -->
<p>Nivel 2,<br>frente a la plaza central<br />(junto a la escalera)</p>
<!-- /wp:paragraph -->`;

describe('htmlToPlainText', () => {
  it('turns a Gutenberg post into clean paragraphs, headings and lists', () => {
    expect(htmlToPlainText(gutenbergPost)).toBe(
      [
        'Ven a celebrar el Día del Niño en Mall Plaza – con actividades & sorpresas. ¡Te esperamos! 🎉',
        '',
        'Programación del día',
        '',
        '- Show de magia',
        '  - 11:00 hrs',
        '  - 15:00 hrs',
        '- Pintacaritas',
        '',
        'Nivel 2,',
        'frente a la plaza central',
        '(junto a la escalera)',
      ].join('\n'),
    );
  });

  it('drops scripts, styles, noscript, iframes, svg, forms, media and comments with their content', () => {
    const html = `<p>Antes</p>
      <iframe src="https://www.youtube.com/embed/x">IFRAME_MARKER</iframe>
      <svg viewBox="0 0 10 10"><title>SVG_MARKER</title><text>SVG_TEXT</text></svg>
      <form action="/buscar"><label>Buscar</label><input name="q" value="INPUT_MARKER"><select><option>OPTION_MARKER</option></select><textarea>TEXTAREA_MARKER</textarea><button>BUTTON_MARKER</button></form>
      <video controls>Tu navegador no soporta video</video>
      <!-- COMMENT_MARKER -->
      <p>Después</p>`;
    expect(htmlToPlainText(html)).toBe('Antes\n\nDespués');
  });

  it('decodes named, numeric and Spanish entities', () => {
    expect(
      htmlToPlainText(
        '<p>&aacute;&eacute;&iacute;&oacute;&uacute; &ntilde;&Ntilde; &iexcl;Hola! &iquest;Qu&eacute;? &laquo;cita&raquo; 10&#8211;20 &#x1F600; &euro;5 &quot;x&quot;</p>',
      ),
    ).toBe('áéíóú ñÑ ¡Hola! ¿Qué? «cita» 10–20 😀 €5 "x"');
  });

  it('keeps link text, not URLs; a link with no text is written as its target', () => {
    const html = `<p>Compra tus entradas <a href="https://tickets.example.cl/evento?id=1">aquí</a>.</p>
      <p>Síguenos: <a href="https://instagram.com/mall"><img src="/ig.png" alt="Instagram"></a>
      <a href="mailto:contacto@mall.example.cl"></a> <a href="tel:+56223456789"><i class="icon"></i></a>
      <a href="#top"></a> <a href="javascript:void(0)"></a></p>`;
    expect(htmlToPlainText(html)).toBe(
      'Compra tus entradas aquí.\n\nSíguenos: https://instagram.com/mall contacto@mall.example.cl +56223456789',
    );
  });

  it('drops images and their alt text but keeps figure captions', () => {
    const html =
      '<figure class="wp-block-image"><img src="/afiche.jpg" alt="IMG_2024_afiche-final"/><figcaption>Afiche del Día del Niño</figcaption></figure>';
    expect(htmlToPlainText(html)).toBe('Afiche del Día del Niño');
  });

  it('numbers ordered lists and writes table rows on one line', () => {
    const html = `<ol><li>Inscríbete</li><li>Retira tu credencial</li></ol>
      <table><thead><tr><th>Día</th><th>Horario</th></tr></thead>
      <tbody><tr><td>Lunes a viernes</td><td>10:00 – 21:00</td></tr><tr><td>Domingo</td><td>11:00 – 20:00</td></tr></tbody></table>`;
    expect(htmlToPlainText(html)).toBe(
      '1. Inscríbete\n2. Retira tu credencial\n\nDía | Horario\nLunes a viernes | 10:00 – 21:00\nDomingo | 11:00 – 20:00',
    );
  });

  it('keeps titles on one line whatever the line separator (U+2028, U+2029, NEL — found by the property test)', () => {
    for (const separator of ['\u2028', '\u2029', '\u0085', '\r\n']) {
      expect(cleanInline(`Café${separator}del Puerto`)).toBe('Café del Puerto');
    }
  });

  it('skips scripts and titles that sit directly in a table row (found by the property test)', () => {
    expect(htmlToPlainText('<tr><title><script>QZSCRIPTMARKER4QZ</script>')).toBe('');
    expect(htmlToPlainText('<table><tr><td>Lunes</td><script>x()</script><td>10:00</td></tr></table>')).toBe(
      'Lunes | 10:00',
    );
  });

  it('does not wrap long lines and collapses whitespace and empty paragraphs', () => {
    const long = 'palabra '.repeat(60).trim();
    const html = `<p>${long}</p><p>&nbsp;</p><p>   </p><p></p><p>uno \t  dos\u00A0\u00A0tres</p>`;
    expect(htmlToPlainText(html)).toBe(`${long}\n\nuno dos tres`);
  });

  it('removes shortcodes left in rendered content but keeps caption text', () => {
    const html = `<p>[gallery ids=&#8221;12,13&#8243;]</p>
      <p>[caption id="attachment_9" align="alignnone" width="300"]<img src="/x.jpg"> Nuestra nueva tienda[/caption]</p>
      <p>[embed]https://www.youtube.com/watch?v=abc[/embed]Fin</p>`;
    expect(htmlToPlainText(html)).toBe('Nuestra nueva tienda\n\nFin');
  });

  it('never leaves markup decoded from entities', () => {
    expect(htmlToPlainText('<p>&lt;p&gt;Texto doble&lt;/p&gt; &lt;!-- x --&gt; 2 &lt; 3</p>')).toBe(
      'Texto doble 2 < 3',
    );
    expect(htmlToPlainText('<p>a&lt;b y &lt;!--</p>')).toBe('a< b y < !--');
  });

  it('returns an empty string for empty or markup-only input', () => {
    expect(htmlToPlainText('')).toBe('');
    expect(htmlToPlainText('<!-- wp:spacer --><div style="height:40px"></div><!-- /wp:spacer -->')).toBe('');
  });
});

describe('cleanText', () => {
  it('normalises to NFC', () => {
    const decomposed = 'Informacio\u0301n y Pen\u0303alole\u0301n';
    expect(cleanText(decomposed)).toBe('Información y Peñalolén');
    expect(cleanText(decomposed)).toBe(cleanText(decomposed).normalize('NFC'));
  });

  it('removes control characters, zero-width characters, BOM and lone surrogates; tabs become spaces', () => {
    expect(cleanText('\uFEFFHo\u200Bla\u0007\tmun\u00ADdo\u200E \uD800x\uDC00y\u0085z\r\nfin')).toBe(
      'Hola mundo xy\nz\nfin',
    );
  });

  it('keeps emoji sequences joined by ZWJ and drops stray joiners', () => {
    expect(cleanText('👩‍💻 👨‍👩‍👧 🏳️‍🌈 a\u200Db')).toBe('👩‍💻 👨‍👩‍👧 🏳️‍🌈 ab');
  });

  it('removes trailing spaces, collapses blank lines and trims', () => {
    expect(cleanText('  uno   \n\n\n\n  dos  \n   \n')).toBe('uno\n\ndos');
  });

  it('keeps the indentation of nested list items only', () => {
    expect(cleanText('- a\n    - b\n   texto')).toBe('- a\n    - b\ntexto');
  });

  it('is idempotent', () => {
    const once = cleanText(' a\t\tb \n\n\n c\u200B ');
    expect(cleanText(once)).toBe(once);
  });
});

describe('cleanInline', () => {
  it('makes one clean line of a title', () => {
    expect(cleanInline('Ofertas de <em>Verano</em> &#8211; 50%<br>dcto\n en  tiendas &amp; m&aacute;s')).toBe(
      'Ofertas de Verano – 50% dcto en tiendas & más',
    );
    expect(cleanInline('')).toBe('');
    expect(cleanInline('<p>  </p>')).toBe('');
  });
});

describe('fieldToPlainText', () => {
  it('keeps the line breaks of plain text values and decodes their entities', () => {
    expect(fieldToPlainText('Lunes a viernes: 10:00 a 21:00\nS&aacute;bado:   10:00 a 22:00')).toBe(
      'Lunes a viernes: 10:00 a 21:00\nSábado: 10:00 a 22:00',
    );
  });

  it('treats values with tags as HTML', () => {
    expect(fieldToPlainText('<p>Entrada liberada</p>\n<p>Cupos limitados</p>')).toBe(
      'Entrada liberada\n\nCupos limitados',
    );
  });
});

describe('stripShortcodes', () => {
  it('removes known and attributed shortcodes, leaves bracketed prose alone', () => {
    expect(stripShortcodes('[vc_row][vc_column]Hola[/vc_column][/vc_row]')).toBe('Hola');
    expect(stripShortcodes('[contact-form-7 id="5" title="Contacto"] y [mi_boton url="x"]')).toBe(' y ');
    expect(stripShortcodes('[destacado]Oferta[/destacado]')).toBe('Oferta');
    expect(stripShortcodes('Precio [sic] [Nuevo] [1] [ver más]')).toBe('Precio [sic] [Nuevo] [1] [ver más]');
  });
});
