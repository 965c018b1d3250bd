import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseItem } from '../../../functions/core/normalize/item.js';
import { indexTerms, resolveTermNames, sortTermNames } from '../../../functions/core/normalize/terms.js';
import { contentTypeSchema } from '../../../functions/core/shared/config/schema.js';
import type { WpItem } from '../../../functions/core/shared/types.js';
import { resolvedType } from '../resolved.js';

const storeType = resolvedType(
  contentTypeSchema.parse({
    name: 'stores',
    restBase: 'stores',
    label: 'Tienda',
    labelPlural: 'Tiendas',
    taxonomies: [
      { restBase: 'categoria_tienda', name: 'category', label: 'Categoría' },
      { restBase: 'servicio', name: 'services', label: 'Servicios' },
    ],
  }),
);

const terms = indexTerms({
  categoria_tienda: [
    { id: 12, name: 'Moda', slug: 'moda', parent: 0 },
    { id: 14, name: 'Calzado', slug: 'calzado', parent: 0 },
    { id: 15, name: 'Hogar &amp; Deco', slug: 'hogar-deco', parent: 0 },
    { id: 16, name: 'Óptica', slug: 'optica', parent: 0 },
    { id: 17, name: 'Zapatillas', slug: 'zapatillas', parent: 14 },
  ],
  servicio: [{ id: 30, name: 'Retiro en tienda', slug: 'retiro' }],
});

const store = (fields: Partial<WpItem>): WpItem => ({
  id: 101,
  title: { rendered: 'Calzados Lenga' },
  content: { rendered: '<p>Zapatos.</p>', protected: false },
  excerpt: { rendered: '', protected: false },
  ...fields,
});

describe('sortTermNames', () => {
  it('ignores accents and case, so Óptica sorts among the O and names keep their spelling', () => {
    expect(sortTermNames(['tecnología', 'Óptica', 'Moda', 'calzado', 'Niños', 'Oficina'])).toEqual([
      'calzado',
      'Moda',
      'Niños',
      'Oficina',
      'Óptica',
      'tecnología',
    ]);
  });

  it('gives the same distinct list whatever the input order (a total order)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { maxLength: 12 }), (names) => {
        const sorted = sortTermNames(names);
        expect(new Set(sorted)).toEqual(new Set(names));
        expect(sorted).toHaveLength(new Set(names).size);
        expect(sortTermNames([...names].reverse())).toEqual(sorted);
      }),
    );
  });
});

describe('resolveTermNames', () => {
  it('names the ids it knows and reports the others', () => {
    const unknown: unknown[] = [];
    const names = resolveTermNames([14, 99, 12, 'x', 16], terms.get('categoria_tienda'), (id) =>
      unknown.push(id),
    );
    expect(names).toEqual(['Calzado', 'Moda', 'Óptica']);
    expect(unknown).toEqual([99, 'x']);
  });

  it('gives nothing for a missing field or an empty list, and reports nothing', () => {
    const unknown: unknown[] = [];
    for (const value of [undefined, null, []]) {
      expect(resolveTermNames(value, terms.get('categoria_tienda'), (id) => unknown.push(id))).toEqual([]);
    }
    expect(unknown).toEqual([]);
  });
});

describe('normaliseItem with taxonomies', () => {
  it('resolves every configured taxonomy, in configuration order, names decoded and sorted', () => {
    const item = normaliseItem(store({ categoria_tienda: [15, 12], servicio: [30] }), storeType, {
      fieldLabels: {},
      terms,
    });
    expect(item.taxonomies).toEqual([
      { name: 'category', label: 'Categoría', terms: ['Hogar & Deco', 'Moda'] },
      { name: 'services', label: 'Servicios', terms: ['Retiro en tienda'] },
    ]);
  });

  it('gives a taxonomy with no terms an empty list (the item is uncategorised, not broken)', () => {
    const item = normaliseItem(store({ categoria_tienda: [] }), storeType, { fieldLabels: {}, terms });
    expect(item.taxonomies?.map((t) => t.terms)).toEqual([[], []]);
  });

  it('keeps a child term by its own name (ancestors are not added)', () => {
    const item = normaliseItem(store({ categoria_tienda: [17] }), storeType, { fieldLabels: {}, terms });
    expect(item.taxonomies?.[0]?.terms).toEqual(['Zapatillas']);
  });

  it('skips an unknown term id (a deleted term) and says which, without failing the item', () => {
    const unknown: [string, unknown][] = [];
    const item = normaliseItem(store({ categoria_tienda: [12, 404], servicio: [31] }), storeType, {
      fieldLabels: {},
      terms,
      onUnknownTerm: (taxonomy, id) => unknown.push([taxonomy, id]),
    });
    expect(item.taxonomies?.map((t) => t.terms)).toEqual([['Moda'], []]);
    expect(unknown).toEqual([
      ['categoria_tienda', 404],
      ['servicio', 31],
    ]);
  });

  it('resolves nothing without term names (every id is unknown)', () => {
    const unknown: unknown[] = [];
    const item = normaliseItem(store({ categoria_tienda: [12] }), storeType, {
      fieldLabels: {},
      onUnknownTerm: (_taxonomy, id) => unknown.push(id),
    });
    expect(item.taxonomies?.[0]?.terms).toEqual([]);
    expect(unknown).toEqual([12]);
  });

  it('gives a protected item no terms', () => {
    const item = normaliseItem(
      store({
        categoria_tienda: [12],
        content: { rendered: '', protected: true },
        excerpt: { rendered: '', protected: true },
      }),
      storeType,
      { fieldLabels: {}, terms },
    );
    expect(item.protected).toBe(true);
    expect(item.taxonomies?.map((t) => t.terms)).toEqual([[], []]);
  });
});
