import { describe, expect, it } from 'vitest';
import { flattenAcf, humaniseKey } from '../../../functions/core/normalize/acf.js';
import { referenceMallConfig } from '../../../functions/core/shared/config/defaults.js';

const labels: Record<string, string> = referenceMallConfig.fieldLabels;

describe('flattenAcf: stores and restaurants', () => {
  it('writes the store info block with leaf labels, a page_link object and rrss objects', () => {
    const acf = {
      informacion_tienda: [
        {
          info: {
            schedule: 'Lunes a domingo de 10:00 a 21:00',
            place: 'Frente a la plaza central',
            level: '2',
            local: '214',
            phone: '+56 2 2345 6789',
            mail: 'hola@elrincon.example.cl',
            page_link: { title: 'Tienda online', url: 'https://elrincon.example.cl', target: '_blank' },
          },
          rrss: [{ url: 'https://instagram.com/elrincon' }, { url: 'https://facebook.com/elrincon' }],
        },
      ],
    };
    expect(flattenAcf(acf, labels)).toEqual([
      { label: 'Horario', value: 'Lunes a domingo de 10:00 a 21:00' },
      { label: 'Ubicación', value: 'Frente a la plaza central' },
      { label: 'Nivel', value: '2' },
      { label: 'Local', value: '214' },
      { label: 'Teléfono', value: '+56 2 2345 6789' },
      { label: 'Correo', value: 'hola@elrincon.example.cl' },
      { label: 'Sitio web', value: 'Tienda online (https://elrincon.example.cl)' },
      { label: 'Redes sociales', value: 'https://instagram.com/elrincon, https://facebook.com/elrincon' },
    ]);
  });

  it('accepts page_link as a plain string, rrss as strings, and skips empty values', () => {
    const acf = {
      informacion_tienda: [
        {
          info: {
            schedule: '12:00 a 23:00',
            place: '',
            level: 3,
            local: '301',
            phone: '',
            mail: '',
            page_link: 'https://lapicada.example.cl',
          },
          rrss: ['https://instagram.com/lapicada', ''],
        },
      ],
    };
    expect(flattenAcf(acf, labels)).toEqual([
      { label: 'Horario', value: '12:00 a 23:00' },
      { label: 'Nivel', value: '3' },
      { label: 'Local', value: '301' },
      { label: 'Sitio web', value: 'https://lapicada.example.cl' },
      { label: 'Redes sociales', value: 'https://instagram.com/lapicada' },
    ]);
  });

  it('writes a link titled like its label as the URL only, and mixes rrss strings and objects', () => {
    const acf = {
      informacion_tienda: [
        {
          info: { page_link: { title: 'Sitio web', url: 'https://andes.example.cl' } },
          rrss: [{ url: 'https://instagram.com/andes' }, 'https://tiktok.com/@andes', { url: '' }],
        },
      ],
    };
    expect(flattenAcf(acf, labels)).toEqual([
      { label: 'Sitio web', value: 'https://andes.example.cl' },
      { label: 'Redes sociales', value: 'https://instagram.com/andes, https://tiktok.com/@andes' },
    ]);
  });

  it('gives nothing for items without fields', () => {
    expect(flattenAcf(false, labels)).toEqual([]);
    expect(flattenAcf(null, labels)).toEqual([]);
    expect(flattenAcf(undefined, labels)).toEqual([]);
    expect(flattenAcf([], labels)).toEqual([]);
    expect(flattenAcf({}, labels)).toEqual([]);
    expect(
      flattenAcf({ informacion_tienda: [], rrss: [], info: { schedule: '', page_link: false } }, labels),
    ).toEqual([]);
  });
});

describe('flattenAcf: events', () => {
  const eventAcf = (button: unknown) => ({
    informacion_destacada: {
      hours: [{ hour: '11:00 a 13:00' }, { hour: '15:00 a 17:00' }],
      organizer: 'Mall Plaza Cordillera',
    },
    informacion_tienda: [
      {
        cards: [
          {
            data: {
              date: '15 al 17 de marzo de 2026',
              hour: '11:00',
              place: 'Plaza central, nivel 1',
              description: '<p>Entrada <strong>liberada</strong>.</p><p>Cupos limitados.</p>',
            },
            button,
          },
        ],
      },
    ],
  });

  it('writes highlighted info, card data and an active button as a link', () => {
    const acf = eventAcf({
      is_active: true,
      anchor: { url: 'https://mall.example.cl/feria', title: 'Inscríbete' },
    });
    expect(flattenAcf(acf, labels)).toEqual([
      { label: 'Hora', value: '11:00 a 13:00, 15:00 a 17:00' },
      { label: 'Organiza', value: 'Mall Plaza Cordillera' },
      { label: 'Fecha', value: '15 al 17 de marzo de 2026' },
      { label: 'Hora', value: '11:00' },
      { label: 'Ubicación', value: 'Plaza central, nivel 1' },
      { label: 'Descripción', value: 'Entrada liberada.\n\nCupos limitados.' },
      { label: 'Enlace', value: 'Inscríbete (https://mall.example.cl/feria)' },
    ]);
  });

  it('does not write a disabled button or its anchor', () => {
    for (const isActive of [false, 0, '0', '']) {
      const acf = eventAcf({
        is_active: isActive,
        anchor: { url: 'https://mall.example.cl/cerrado', title: 'Inscríbete' },
      });
      const lines = flattenAcf(acf, labels);
      expect(lines.map((l) => l.label)).not.toContain('Enlace');
      expect(JSON.stringify(lines)).not.toContain('cerrado');
      expect(lines).toHaveLength(6);
    }
  });

  it('treats a switch-like key holding content as content', () => {
    expect(flattenAcf({ data: { show: 'Show de magia', active: 'Yoga activo' } }, labels)).toEqual([
      { label: 'Show', value: 'Show de magia' },
      { label: 'Active', value: 'Yoga activo' },
    ]);
  });

  it('never writes the activation flag itself', () => {
    const lines = flattenAcf(
      { button: { is_active: true, anchor: { url: 'https://x.example.cl' } } },
      labels,
    );
    expect(lines).toEqual([{ label: 'Enlace', value: 'https://x.example.cl' }]);
  });

  it('gives one line per leaf for repeaters whose rows have several fields', () => {
    const acf = {
      activities: [
        { name: 'Show de magia', hour: '11:00' },
        { name: 'Pintacaritas', hour: '' },
      ],
    };
    expect(flattenAcf(acf, labels)).toEqual([
      { label: 'Name', value: 'Show de magia' },
      { label: 'Hora', value: '11:00' },
      { label: 'Name', value: 'Pintacaritas' },
    ]);
  });
});

describe('flattenAcf: values', () => {
  it('humanises unknown keys', () => {
    expect(flattenAcf({ opening_hours: 'Todo el día', parkingSpaces: 120 }, {})).toEqual([
      { label: 'Opening hours', value: 'Todo el día' },
      { label: 'Parking spaces', value: '120' },
    ]);
    expect(humaniseKey('page-link')).toBe('Page link');
    expect(flattenAcf({ constructor: 'x', toString: 'y' }, {})).toEqual([
      { label: 'Constructor', value: 'x' },
      { label: 'To string', value: 'y' },
    ]);
  });

  it('writes booleans in the site language; false is skipped unless asked for', () => {
    const acf = { estacionamiento: true, mascotas: false };
    expect(flattenAcf(acf, {})).toEqual([{ label: 'Estacionamiento', value: 'sí' }]);
    expect(flattenAcf(acf, {}, { yes: 'yes', no: 'no', writeFalse: true })).toEqual([
      { label: 'Estacionamiento', value: 'yes' },
      { label: 'Mascotas', value: 'no' },
    ]);
  });

  it('joins arrays of scalars and keeps plain-text line breaks', () => {
    expect(
      flattenAcf(
        { categorias: ['Moda', 'Calzado', 3], schedule: 'Lunes a viernes: 10-21\nSábado: 10-22' },
        labels,
      ),
    ).toEqual([
      { label: 'Categorias', value: 'Moda, Calzado, 3' },
      { label: 'Horario', value: 'Lunes a viernes: 10-21\nSábado: 10-22' },
    ]);
  });

  it('cleans HTML and entities inside values', () => {
    expect(
      flattenAcf({ description: '<p>Caf&eacute; &amp; t&eacute;<script>alert(1)</script></p>' }, labels),
    ).toEqual([{ label: 'Descripción', value: 'Café & té' }]);
  });

  it('skips media, technical keys and internal keys', () => {
    const acf = {
      logo: { ID: 5, url: 'https://mall.example.cl/logo.png', mime_type: 'image/png', sizes: {} },
      imagen: 123,
      background_image: 'https://mall.example.cl/fondo.jpg',
      banner_url: 'https://mall.example.cl/banner.webp',
      acf_fc_layout: 'bloque_texto',
      _schedule: 'field_abc',
      schedule: '10:00 a 20:00',
    };
    expect(flattenAcf(acf, labels)).toEqual([{ label: 'Horario', value: '10:00 a 20:00' }]);
  });

  it('writes the title of post objects and the name of terms', () => {
    const acf = {
      tienda_relacionada: {
        ID: 9,
        post_title: 'Caf&eacute; Central',
        post_content: 'SECRET BODY',
        post_type: 'stores',
      },
      categoria: [{ term_id: 3, name: 'Gastronomía', slug: 'gastronomia', taxonomy: 'category' }],
    };
    expect(flattenAcf(acf, {})).toEqual([
      { label: 'Tienda relacionada', value: 'Café Central' },
      { label: 'Categoria', value: 'Gastronomía' },
    ]);
  });

  it('accepts link objects with a name instead of a title', () => {
    expect(flattenAcf({ rrss: [{ name: 'Instagram', url: 'https://instagram.com/x' }] }, labels)).toEqual([
      { label: 'Redes sociales', value: 'Instagram (https://instagram.com/x)' },
    ]);
  });
});
