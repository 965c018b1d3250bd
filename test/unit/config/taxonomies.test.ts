import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import { ConfigError } from '../../../functions/core/shared/errors.js';

const site = { url: 'https://mall.example.cl' };
const storesWith = (extra: Record<string, unknown>) => ({
  site,
  contentTypes: [{ name: 'stores', restBase: 'stores', label: 'Tienda', labelPlural: 'Tiendas', ...extra }],
});

describe('content type taxonomies', () => {
  it('default to "auto" (what the site attaches to the type) for a configured type', () => {
    const config = loadConfig({ overrides: storesWith({}) });
    expect(config.contentTypes[0]?.taxonomies).toBe('auto');
  });

  it('are optional unless required', () => {
    const config = loadConfig({
      overrides: storesWith({
        taxonomies: [
          { restBase: 'a', name: 'a', label: 'A' },
          { restBase: 'b', name: 'b', label: 'B', required: true },
        ],
      }),
    });
    expect(config.contentTypes[0]?.taxonomies).toEqual([
      { restBase: 'a', name: 'a', label: 'A', required: false },
      { restBase: 'b', name: 'b', label: 'B', required: true },
    ]);
  });

  it('give the reference mall a category taxonomy per type, all under the key "category" (events may have tags)', () => {
    const config = loadConfig({ overrides: { site } });
    const byType = Object.fromEntries(config.contentTypes.map((t) => [t.name, t.taxonomies]));
    const optional = { required: false };
    expect(byType).toEqual({
      event: [
        { restBase: 'categoria_evento', name: 'category', label: 'Categoría', ...optional },
        { restBase: 'tags', name: 'tags', label: 'Etiquetas', ...optional },
      ],
      stores: [{ restBase: 'categoria_tienda', name: 'category', label: 'Categoría', ...optional }],
      restaurant: [{ restBase: 'tipo_comida', name: 'category', label: 'Tipo de comida', ...optional }],
    });
  });

  it('come from the defaults in code: cdk.json does not repeat them', () => {
    const cdk = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8'));
    expect(cdk.context.wpkb).not.toHaveProperty('contentTypes');
    const fromCdk = loadConfig({ context: cdk.context.wpkb });
    const defaults = loadConfig({ overrides: { site } });
    expect(fromCdk.contentTypes).toEqual(defaults.contentTypes);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a name that is not snake_case',
      { taxonomies: [{ restBase: 'categoria_tienda', name: 'Category', label: 'Categoría' }] },
      'config key contentTypes.0.taxonomies.0.name: must be snake_case',
    ],
    [
      'a REST base with a capital or a leading slash',
      { taxonomies: [{ restBase: '/Categoria', name: 'category', label: 'Categoría' }] },
      'config key contentTypes.0.taxonomies.0.restBase: must be a REST base',
    ],
    [
      'an empty label',
      { taxonomies: [{ restBase: 'categoria_tienda', name: 'category', label: '' }] },
      'config key contentTypes.0.taxonomies.0.label',
    ],
    [
      'a name that is a built-in metadata key',
      { taxonomies: [{ restBase: 'categoria_tienda', name: 'title', label: 'Categoría' }] },
      'config key contentTypes.0.taxonomies.0.name: "title" is already a metadata key of type "stores"',
    ],
    [
      'a name that one of the type’s metadata fields uses',
      {
        metadata: [{ name: 'level', path: 'acf.level' }],
        taxonomies: [{ restBase: 'nivel', name: 'level', label: 'Nivel' }],
      },
      'config key contentTypes.0.taxonomies.0.name: "level" is already a metadata key of type "stores"',
    ],
    [
      'two taxonomies under one key',
      {
        taxonomies: [
          { restBase: 'categoria_tienda', name: 'category', label: 'Categoría' },
          { restBase: 'rubro', name: 'category', label: 'Rubro' },
        ],
      },
      'config key contentTypes.0.taxonomies.1.name: "category" is already a metadata key',
    ],
    [
      'the same taxonomy twice',
      {
        taxonomies: [
          { restBase: 'categoria_tienda', name: 'category', label: 'Categoría' },
          { restBase: 'categoria_tienda', name: 'rubro', label: 'Rubro' },
        ],
      },
      'config key contentTypes.0.taxonomies.1.restBase: taxonomy "categoria_tienda" is configured twice',
    ],
  ])('rejects %s with one line naming the key', (_what, extra, message) => {
    expect(() => loadConfig({ overrides: storesWith(extra) })).toThrow(ConfigError);
    expect(() => loadConfig({ overrides: storesWith(extra) })).toThrow(message);
  });

  it('lets two types share a key and a taxonomy', () => {
    const taxonomies = [{ restBase: 'rubro', name: 'category', label: 'Rubro' }];
    const config = loadConfig({
      overrides: {
        site,
        contentTypes: [
          { name: 'stores', restBase: 'stores', label: 'Tienda', labelPlural: 'Tiendas', taxonomies },
          { name: 'restaurant', restBase: 'restaurant', label: 'R', labelPlural: 'Rs', taxonomies },
        ],
      },
    });
    const parsed = taxonomies.map((t) => ({ ...t, required: false }));
    expect(config.contentTypes.map((t) => t.taxonomies)).toEqual([parsed, parsed]);
  });
});

describe('--types', () => {
  it('keeps configured types as configured and gives a type the configuration does not name defaults', () => {
    const config = loadConfig({ overrides: { site }, types: ['posts', 'stores', 'page'] });
    expect(config.contentTypes.map((t) => t.name)).toEqual(['posts', 'stores', 'page']);
    expect(config.contentTypes[1]).toMatchObject({ restBase: 'stores', label: 'Tienda' });
    for (const type of [config.contentTypes[0], config.contentTypes[2]]) {
      // REST base = name (or the post type slug, resolved at discovery); labels from the site.
      expect(type).toEqual({
        name: type?.name,
        textFields: ['content', 'excerpt', 'acf'],
        metadata: [],
        fieldLabels: {},
        taxonomies: 'auto',
      });
    }
  });

  it('refuses a name that cannot be a type, in one line', () => {
    expect(() => loadConfig({ overrides: { site }, types: ['Mis Posts'] })).toThrow(
      '--types: "Mis Posts" is not a content type name (must be lowercase letters, digits, - or _)',
    );
  });
});
