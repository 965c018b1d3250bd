import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { buildCatalog, buildExport } from '../../../functions/core/documents/catalog.js';
import { buildDocument, documentText } from '../../../functions/core/documents/document.js';
import { normaliseItem } from '../../../functions/core/normalize/item.js';
import { indexTerms } from '../../../functions/core/normalize/terms.js';
import { contentTypeSchema } from '../../../functions/core/shared/config/schema.js';
import type { NormalisedItem, WpItem } from '../../../functions/core/shared/types.js';
import { resolvedType } from '../resolved.js';

const item = (over: Partial<NormalisedItem> = {}): NormalisedItem => ({
  sourceId: '42',
  contentType: 'stores',
  typeLabel: 'Tienda',
  title: 'Calzados Lenga',
  url: 'https://mall.example.cl/tiendas/calzados-lenga/',
  modifiedAt: '2026-03-01T12:00:00Z',
  publishedAt: '2026-01-01T12:00:00Z',
  body: 'Zapatos de cuero.',
  fields: [{ label: 'Nivel', value: '2' }],
  metadata: { level: '2' },
  protected: false,
  taxonomies: [{ name: 'category', label: 'Categoría', terms: ['Calzado', 'Moda'] }],
  ...over,
});

const sidecarOf = (doc: { sidecar: string }) =>
  JSON.parse(doc.sidecar) as {
    metadataAttributes: Record<string, unknown>;
    documentStructureConfiguration: {
      recordBasedStructureMetadata: {
        metadataFieldsSpecification: { fieldsToExclude: { fieldName: string }[] };
      };
    };
  };

describe('documents with taxonomy terms', () => {
  it('write a labelled line right after the title', () => {
    expect(documentText(item()).split('\n').slice(0, 3)).toEqual([
      'Tienda: Calzados Lenga',
      'Categoría: Calzado, Moda',
      'Nivel: 2',
    ]);
  });

  it('put the names in the sidecar as one string under the taxonomy key, and in the CSV columns', () => {
    const doc = buildDocument(item());
    const sidecar = sidecarOf(doc);
    expect(sidecar.metadataAttributes.category).toBe('Calzado, Moda');
    expect(
      sidecar.documentStructureConfiguration.recordBasedStructureMetadata.metadataFieldsSpecification
        .fieldsToExclude,
    ).toContainEqual({ fieldName: 'category' });
    const row = Papa.parse<Record<string, string>>(doc.csv, { header: true, skipEmptyLines: true }).data[0];
    expect(row?.category).toBe('Calzado, Moda');
    expect(row?.content).toContain('\nCategoría: Calzado, Moda\n');
  });

  it('write neither line nor key for an item without terms, and two lines for two taxonomies', () => {
    const none = buildDocument(item({ taxonomies: [{ name: 'category', label: 'Categoría', terms: [] }] }));
    expect(none.csv).not.toContain('Categoría');
    expect(sidecarOf(none).metadataAttributes).not.toHaveProperty('category');
    // Same bytes as an item that never had taxonomies (a FAQ entry, a type without any).
    expect(none).toEqual(buildDocument(item({ taxonomies: undefined })));

    const two = item({
      taxonomies: [
        { name: 'category', label: 'Categoría', terms: ['Moda'] },
        { name: 'services', label: 'Servicios', terms: ['Estacionamiento', 'Retiro en tienda'] },
      ],
    });
    expect(documentText(two)).toContain(
      'Tienda: Calzados Lenga\nCategoría: Moda\nServicios: Estacionamiento, Retiro en tienda\nNivel: 2',
    );
    expect(sidecarOf(buildDocument(two)).metadataAttributes).toMatchObject({
      category: 'Moda',
      services: 'Estacionamiento, Retiro en tienda',
    });
  });

  it('keep a built-in key when a taxonomy item uses its name', () => {
    const doc = buildDocument(item({ taxonomies: [{ name: 'title', label: 'Título', terms: ['Otro'] }] }));
    expect(sidecarOf(doc).metadataAttributes.title).toBe('Calzados Lenga');
  });

  it('are byte-identical whatever order WordPress lists an item’s terms in', () => {
    const type = resolvedType(
      contentTypeSchema.parse({
        name: 'stores',
        restBase: 'stores',
        label: 'Tienda',
        labelPlural: 'Tiendas',
        taxonomies: [{ restBase: 'categoria_tienda', name: 'category', label: 'Categoría' }],
      }),
    );
    const terms = indexTerms({
      categoria_tienda: [
        { id: 3, name: 'Moda' },
        { id: 5, name: 'Calzado' },
        { id: 8, name: 'Óptica' },
      ],
    });
    const wp = (ids: number[]): WpItem => ({
      id: 42,
      title: { rendered: 'Calzados Lenga' },
      content: { rendered: '<p>Zapatos.</p>' },
      categoria_tienda: ids,
    });
    const build = (ids: number[]) => buildDocument(normaliseItem(wp(ids), type, { fieldLabels: {}, terms }));
    const first = build([3, 5, 8]);
    for (const ids of [
      [8, 5, 3],
      [5, 3, 8],
      [3, 3, 5, 8],
    ])
      expect(build(ids)).toEqual(first);
    expect(sidecarOf(first).metadataAttributes.category).toBe('Calzado, Moda, Óptica');
  });
});

describe('catalog with taxonomy terms', () => {
  it('lists the names per taxonomy key, [] for an item without terms, {} for a type without taxonomies', () => {
    const catalog = JSON.parse(
      buildCatalog('stores', [
        item(),
        item({ sourceId: '43', taxonomies: [{ name: 'category', label: 'Categoría', terms: [] }] }),
        item({ sourceId: '44', taxonomies: [] }),
      ]),
    );
    expect(catalog.items.map((e: { taxonomies: unknown }) => e.taxonomies)).toEqual([
      { category: ['Calzado', 'Moda'] },
      { category: [] },
      {},
    ]);
  });

  it('shows the categories in the review export through the content column', () => {
    expect(buildExport([item()])).toContain('Categoría: Calzado, Moda');
  });
});
