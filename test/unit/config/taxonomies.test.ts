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
  it('default to none for a configured type', () => {
    const config = loadConfig({ overrides: storesWith({}) });
    expect(config.contentTypes[0]?.taxonomies).toEqual([]);
  });

  it('give the reference mall a category taxonomy per type, all under the key "category"', () => {
    const config = loadConfig({ overrides: { site } });
    const byType = Object.fromEntries(config.contentTypes.map((t) => [t.name, t.taxonomies]));
    expect(byType).toEqual({
      event: [{ restBase: 'categoria_evento', name: 'category', label: 'Categoría' }],
      stores: [{ restBase: 'categoria_tienda', name: 'category', label: 'Categoría' }],
      restaurant: [{ restBase: 'tipo_comida', name: 'category', label: 'Tipo de comida' }],
    });
  });

  it('are the same in cdk.json (whose contentTypes replace the defaults for npm start and deploys)', () => {
    const cdk = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8'));
    const fromCdk = loadConfig({ context: cdk.context.wpkb });
    const defaults = loadConfig({ overrides: { site } });
    expect(fromCdk.contentTypes.map((t) => [t.name, t.taxonomies])).toEqual(
      defaults.contentTypes.map((t) => [t.name, t.taxonomies]),
    );
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
    expect(config.contentTypes.map((t) => t.taxonomies)).toEqual([taxonomies, taxonomies]);
  });
});
