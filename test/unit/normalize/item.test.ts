import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getPath, gmtToIso, normaliseItem } from '../../../functions/core/normalize/item.js';
import { referenceMallConfig } from '../../../functions/core/shared/config/defaults.js';
import { configSchema, type ResolvedContentType } from '../../../functions/core/shared/config/schema.js';
import type { WpItem } from '../../../functions/core/shared/types.js';
import { resolvedTypeNamed } from '../resolved.js';

const config = configSchema.parse(referenceMallConfig);
const typeNamed = (name: string): ResolvedContentType => resolvedTypeNamed(config, name);
const eventType = typeNamed('event');
const storeType = typeNamed('stores');
const options = { fieldLabels: config.fieldLabels };

const storeItem = (overrides: Partial<WpItem> = {}): WpItem => ({
  id: 101,
  date_gmt: '2025-11-02T14:00:00',
  modified_gmt: '2026-02-10T09:30:15',
  slug: 'el-rincon',
  status: 'publish',
  type: 'stores',
  link: 'https://mall.example.cl/stores/el-rincon/',
  title: { rendered: 'El Rinc&oacute;n &#8211; Caf&eacute; &amp; Libros' },
  content: {
    rendered:
      '<!-- wp:paragraph -->\n<p>Caf&eacute; de especialidad y libros usados.</p>\n<!-- /wp:paragraph -->\n<!-- wp:paragraph -->\n<p>Wifi gratis &#x1F4F6;</p>\n<!-- /wp:paragraph -->',
    protected: false,
  },
  excerpt: {
    rendered: '<p>Caf&eacute; de especialidad y libros usados. Wifi gratis [&hellip;]</p>\n',
    protected: false,
  },
  acf: {
    informacion_tienda: [
      {
        info: {
          schedule: 'Lunes a domingo de 10:00 a 21:00',
          place: 'Frente a la plaza central',
          level: '2',
          local: '214',
          phone: '+56 2 2345 6789',
          mail: '',
          page_link: { title: 'Sitio web', url: 'https://elrincon.example.cl' },
        },
        rrss: ['https://instagram.com/elrincon'],
      },
    ],
  },
  ...overrides,
});

const eventItem = (date: string, overrides: Partial<WpItem> = {}): WpItem => ({
  id: 201,
  date_gmt: '2026-02-01T12:00:00',
  modified_gmt: '2026-02-02T12:00:00',
  link: 'https://mall.example.cl/event/feria-navidena/',
  title: { rendered: 'Feria Navide&ntilde;a' },
  content: { rendered: '<p>Artesan&iacute;a local y m&uacute;sica en vivo.</p>', protected: false },
  excerpt: { rendered: '', protected: false },
  acf: {
    informacion_destacada: { hours: [{ hour: '11:00 a 20:00' }], organizer: 'Mall Plaza Cordillera' },
    informacion_tienda: [
      {
        cards: [
          {
            data: {
              date,
              hour: '11:00',
              place: 'Plaza central, nivel 1',
              description: '<p>Entrada liberada</p>',
            },
            button: {
              is_active: false,
              anchor: { url: 'https://mall.example.cl/feria', title: 'Inscríbete' },
            },
          },
        ],
      },
    ],
  },
  ...overrides,
});

describe('normaliseItem', () => {
  it('normalises a store: identity, title, dates, body, fields and metadata', () => {
    expect(normaliseItem(storeItem(), storeType, options)).toEqual({
      sourceId: '101',
      contentType: 'stores',
      typeLabel: 'Tienda',
      title: 'El Rincón – Café & Libros',
      url: 'https://mall.example.cl/stores/el-rincon/',
      modifiedAt: '2026-02-10T09:30:15Z',
      publishedAt: '2025-11-02T14:00:00Z',
      body: 'Café de especialidad y libros usados.\n\nWifi gratis 📶',
      fields: [
        { label: 'Horario', value: 'Lunes a domingo de 10:00 a 21:00' },
        { label: 'Ubicación', value: 'Frente a la plaza central' },
        { label: 'Nivel', value: '2' },
        { label: 'Local', value: '214' },
        { label: 'Teléfono', value: '+56 2 2345 6789' },
        { label: 'Sitio web', value: 'https://elrincon.example.cl' },
        { label: 'Redes sociales', value: 'https://instagram.com/elrincon' },
      ],
      metadata: { level: '2', local: '214' },
      protected: false,
      taxonomies: [{ name: 'category', label: 'Categoría', terms: [] }],
    });
  });

  it('keeps a manual excerpt that says something new and drops one that repeats the content', () => {
    const manual = normaliseItem(
      storeItem({ excerpt: { rendered: '<p>La mejor tienda de libros del mall.</p>', protected: false } }),
      storeType,
      options,
    );
    expect(manual.body).toBe(
      'Café de especialidad y libros usados.\n\nWifi gratis 📶\n\nLa mejor tienda de libros del mall.',
    );

    for (const rendered of [
      '<p>Café de especialidad y libros usados. Wifi gratis 📶</p>',
      '<p>Caf&eacute; de especialidad y libros&#8230;</p>',
      '<p>Café de especialidad y libros usados. <a class="more-link" href="/x">Leer más »</a></p>',
      '<p>Wifi gratis</p>',
    ]) {
      const item = normaliseItem(storeItem({ excerpt: { rendered, protected: false } }), storeType, options);
      expect(item.body, rendered).toBe('Café de especialidad y libros usados.\n\nWifi gratis 📶');
    }
  });

  it('uses the excerpt when the content is empty', () => {
    const item = normaliseItem(
      storeItem({
        content: { rendered: '', protected: false },
        excerpt: { rendered: '<p>Solo resumen.</p>' },
      }),
      storeType,
      options,
    );
    expect(item.body).toBe('Solo resumen.');
  });

  it('handles an item without ACF fields, title or dates', () => {
    const item = normaliseItem(
      { id: 7, title: { rendered: '  <span></span> ' }, content: { rendered: '<p>Hola</p>' }, acf: false },
      storeType,
      options,
    );
    expect(item).toMatchObject({
      sourceId: '7',
      title: 'Tienda 7',
      url: '',
      modifiedAt: '',
      publishedAt: '',
      body: 'Hola',
      fields: [],
      metadata: {},
      protected: false,
    });
    expect(item.dateText).toBeUndefined();
  });

  it('normalises an event: date text, parsed range, and no disabled button', () => {
    const item = normaliseItem(eventItem('Sábado 15 al lunes 17 de marzo de 2026'), eventType, options);
    expect(item.title).toBe('Feria Navideña');
    expect(item.dateText).toBe('Sábado 15 al lunes 17 de marzo de 2026');
    expect(item.startDate).toBe(20260315);
    expect(item.endDate).toBe(20260317);
    expect(item.metadata).toEqual({ place: 'Plaza central, nivel 1' });
    expect(item.fields.map((f) => f.label)).toEqual([
      'Hora',
      'Organiza',
      'Fecha',
      'Hora',
      'Ubicación',
      'Descripción',
    ]);
    expect(JSON.stringify(item)).not.toContain('https://mall.example.cl/feria');
  });

  it('keeps an unparseable event date as text only', () => {
    const item = normaliseItem(eventItem('Todos los sábados'), eventType, options);
    expect(item.dateText).toBe('Todos los sábados');
    expect(item).not.toHaveProperty('startDate');
    expect(item).not.toHaveProperty('endDate');
  });

  it('omits an empty event date', () => {
    const item = normaliseItem(eventItem('  '), eventType, options);
    expect(item).not.toHaveProperty('dateText');
  });

  it('withholds everything but the identity of password-protected items', () => {
    const secret = 'SECRETO-MARKER';
    for (const protectedField of ['content', 'excerpt'] as const) {
      const item = storeItem({
        title: { rendered: 'Protegido: Tienda secreta' },
        content: { rendered: `<p>${secret}</p>`, protected: protectedField === 'content' },
        excerpt: { rendered: `<p>${secret}</p>`, protected: protectedField === 'excerpt' },
        acf: { informacion_tienda: [{ info: { schedule: secret, level: secret, local: secret } }] },
      });
      const normalised = normaliseItem(item, storeType, options);
      expect(normalised).toMatchObject({
        protected: true,
        body: '',
        fields: [],
        metadata: {},
        title: 'Protegido: Tienda secreta',
      });
      expect(JSON.stringify(normalised)).not.toContain(secret);
    }
    const event = normaliseItem(
      eventItem('15 de marzo de 2026', { content: { rendered: '', protected: true } }),
      eventType,
      options,
    );
    expect(event.dateText).toBeUndefined();
    expect(event.startDate).toBeUndefined();
  });

  it('types metadata and omits values that cannot be read as their type', () => {
    const type: ResolvedContentType = {
      ...storeType,
      metadata: [
        { name: 'level', path: 'acf.informacion_tienda.0.info.level', type: 'number' },
        { name: 'local', path: 'acf.informacion_tienda.0.info.local', type: 'number' },
        { name: 'rating', path: 'acf.rating', type: 'number' },
        { name: 'bad_number', path: 'acf.bad', type: 'number' },
        { name: 'parking', path: 'acf.parking', type: 'boolean' },
        { name: 'pets', path: 'acf.pets', type: 'boolean' },
        { name: 'place', path: 'acf.informacion_tienda.0.info.place', type: 'string' },
        { name: 'missing', path: 'acf.nothing.0.here', type: 'string' },
        { name: 'object', path: 'acf.informacion_tienda.0', type: 'string' },
      ],
    };
    const item = storeItem({
      acf: {
        informacion_tienda: [
          { info: { level: '2', local: 'L-214', place: '  Frente a\nla plaza &amp; fuente ' } },
        ],
        rating: '4,5',
        bad: 'Nivel 3',
        parking: 'sí',
        pets: false,
      },
    });
    expect(normaliseItem(item, type, options).metadata).toEqual({
      level: 2,
      rating: 4.5,
      parking: true,
      pets: false,
      place: 'Frente a la plaza & fuente',
    });
  });

  it('merges the type field labels over the global ones', () => {
    const type: ResolvedContentType = { ...storeType, fieldLabels: { schedule: 'Horario de atención' } };
    const item = normaliseItem(storeItem(), type, options);
    expect(item.fields[0]).toEqual({
      label: 'Horario de atención',
      value: 'Lunes a domingo de 10:00 a 21:00',
    });
  });

  it('reads string text fields as text, in the configured order', () => {
    const type: ResolvedContentType = {
      ...storeType,
      textFields: ['acf.informacion_tienda.0.info.schedule', 'content'],
    };
    const item = normaliseItem(storeItem(), type, options);
    expect(item.body).toBe(
      'Lunes a domingo de 10:00 a 21:00\n\nCafé de especialidad y libros usados.\n\nWifi gratis 📶',
    );
    expect(item.fields).toEqual([]);
  });

  it('is deterministic', () => {
    const a = normaliseItem(storeItem(), storeType, options);
    const b = normaliseItem(structuredClone(storeItem()), storeType, options);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('normaliseItem with an ACF shape other than the configuration expects', () => {
  it('a string where an object is expected: the text is kept, the paths through it read nothing', () => {
    const item = normaliseItem(
      storeItem({ acf: { informacion_tienda: 'Local 214, nivel 2. Lunes a domingo de 10:00 a 21:00.' } }),
      storeType,
      options,
    );
    expect(item.fields.map((f) => f.value)).toContain(
      'Local 214, nivel 2. Lunes a domingo de 10:00 a 21:00.',
    );
    expect(item.metadata).toEqual({});
    expect(item.title).toBe('El Rincón – Café & Libros');
  });

  it.each<[string, WpItem['acf'] | undefined]>([
    ['acf: false', false],
    ['no acf at all', undefined],
    ['acf: []', []],
    ['the group missing', { otro_grupo: { nota: 'Cerrado por inventario' } }],
    ['the repeater empty', { informacion_tienda: [] }],
    ['a row that is null', { informacion_tienda: [null] }],
  ])('%s: normalised with what it has', (_what, acf) => {
    const raw = storeItem();
    if (acf === undefined) delete raw.acf;
    else raw.acf = acf;
    const item = normaliseItem(raw, storeType, options);
    expect(item.sourceId).toBe('101');
    expect(item.body).toContain('Café de especialidad');
    expect(item.metadata).toEqual({});
  });

  it('never throws on any JSON in acf, and keeps the item (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (acf) => {
        const raw = { ...storeItem(), acf: acf as WpItem['acf'] };
        for (const type of [storeType, eventType]) {
          const item = normaliseItem(raw, type, options);
          expect(item.sourceId).toBe('101');
          expect(item.title).not.toBe('');
        }
      }),
    );
  });
});

describe('getPath', () => {
  const obj = { acf: { list: [{ a: 1 }, { a: 2 }], zero: 0 } };
  it('follows dotted paths with numeric indexes', () => {
    expect(getPath(obj, 'acf.list.1.a')).toBe(2);
    expect(getPath(obj, 'acf.zero')).toBe(0);
    expect(getPath(obj, 'acf.list.5.a')).toBeUndefined();
    expect(getPath(obj, 'acf.list.x')).toBeUndefined();
    expect(getPath(obj, 'acf.zero.deeper')).toBeUndefined();
  });
  it('does not follow inherited properties', () => {
    expect(getPath(obj, 'acf.constructor')).toBeUndefined();
    expect(getPath(obj, '__proto__.toString')).toBeUndefined();
    expect(getPath(obj, 'acf.list.length')).toBeUndefined();
  });
});

describe('gmtToIso', () => {
  it('reads WordPress GMT times as UTC', () => {
    expect(gmtToIso('2026-03-01T12:34:56')).toBe('2026-03-01T12:34:56Z');
    expect(gmtToIso('2026-03-01T12:34:56+00:00')).toBe('2026-03-01T12:34:56Z');
    expect(gmtToIso('2026-03-01T12:34:56.250Z')).toBe('2026-03-01T12:34:56.250Z');
    expect(gmtToIso('')).toBe('');
    expect(gmtToIso(undefined)).toBe('');
    expect(gmtToIso('0000-00-00 00:00:00')).toBe('');
    expect(gmtToIso('0000-00-00T00:00:00')).toBe('');
    expect(gmtToIso('2026-02-30T00:00:00')).toBe('');
    expect(gmtToIso('2026-03-01 12:34:56')).toBe('');
    expect(gmtToIso('not a date')).toBe('');
  });
});
