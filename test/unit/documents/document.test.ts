import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
  buildDocument,
  documentText,
  SIDECAR_MAX_BYTES,
} from '../../../functions/core/documents/document.js';
import { ItemError } from '../../../functions/core/shared/errors.js';
import type { NormalisedItem } from '../../../functions/core/shared/types.js';

const item = (over: Partial<NormalisedItem> = {}): NormalisedItem => ({
  sourceId: '42',
  contentType: 'stores',
  typeLabel: 'Tienda',
  title: 'Café "El Rincón", Sushi & Más',
  url: 'https://mall.example.cl/stores/cafe-el-rincon/',
  modifiedAt: '2026-03-01T12:00:00Z',
  publishedAt: '2026-01-01T12:00:00Z',
  body: 'Cafetería de especialidad.\n\nAbierto todos los días.',
  fields: [
    { label: 'Horario', value: 'Lunes a domingo de 10:00 a 21:00' },
    { label: 'Nivel', value: '2' },
  ],
  metadata: { level: '2', local: '214' },
  protected: false,
  ...over,
});

const parseCsv = (csv: string) =>
  Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });

describe('buildDocument', () => {
  it('writes a one-row record-based CSV whose content field reads as a document', () => {
    const doc = buildDocument(item());
    expect(doc.key).toBe('kb/stores/42.csv');
    expect(doc.sidecarKey).toBe('kb/stores/42.csv.metadata.json');
    const parsed = parseCsv(doc.csv);
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toHaveLength(1);
    const row = parsed.data[0];
    expect(row?.content).toBe(
      [
        'Tienda: Café "El Rincón", Sushi & Más\nHorario: Lunes a domingo de 10:00 a 21:00\nNivel: 2',
        'Cafetería de especialidad.\n\nAbierto todos los días.',
        'Más información: https://mall.example.cl/stores/cafe-el-rincon/',
      ].join('\n\n'),
    );
    expect(row?.source_id).toBe('42');
    expect(doc.csv.endsWith('\r\n')).toBe(true);
  });

  it('puts typed file-level metadata in the sidecar and keeps the columns out of column metadata', () => {
    const doc = buildDocument(
      item({ contentType: 'event', typeLabel: 'Evento', startDate: 20260315, endDate: 20260317 }),
    );
    const sidecar = JSON.parse(doc.sidecar);
    expect(sidecar.metadataAttributes).toEqual({
      available_until: 20260317,
      content_type: 'event',
      end_date: 20260317,
      level: '2',
      local: '214',
      modified_at: '2026-03-01T12:00:00Z',
      source_id: '42',
      start_date: 20260315,
      title: 'Café "El Rincón", Sushi & Más',
      url: 'https://mall.example.cl/stores/cafe-el-rincon/',
    });
    const structure = sidecar.documentStructureConfiguration;
    expect(structure.type).toBe('RECORD_BASED_STRUCTURE_METADATA');
    expect(structure.recordBasedStructureMetadata.contentFields).toEqual([{ fieldName: 'content' }]);
    const excluded = structure.recordBasedStructureMetadata.metadataFieldsSpecification.fieldsToExclude.map(
      (f: { fieldName: string }) => f.fieldName,
    );
    const header = Object.keys(parseCsv(doc.csv).data[0] ?? {});
    // every metadata key is a column, excluded from (string-only) column metadata; content is the one content field
    expect(new Set([...excluded, 'content'])).toEqual(new Set(header));
    expect(Object.keys(sidecar.metadataAttributes).sort()).toEqual([...excluded].sort());
  });

  it('marks documents without an end date as open-ended for the freshness filter', () => {
    expect(JSON.parse(buildDocument(item()).sidecar).metadataAttributes.available_until).toBe(99991231);
  });

  it('is byte-deterministic whatever the order metadata was given in', () => {
    const a = buildDocument(item({ metadata: { level: '2', local: '214' } }));
    const b = buildDocument(item({ metadata: { local: '214', level: '2' } }));
    expect(b.csv).toBe(a.csv);
    expect(b.sidecar).toBe(a.sidecar);
  });

  it('keeps built-in metadata keys when type metadata reuses their names', () => {
    const doc = buildDocument(item({ metadata: { title: 'otro', level: '2' } }));
    expect(JSON.parse(doc.sidecar).metadataAttributes.title).toBe('Café "El Rincón", Sushi & Más');
  });

  it('cuts very long titles in metadata but keeps them whole in the content', () => {
    const title = 'Promoción '.repeat(200).trim();
    const doc = buildDocument(item({ title }));
    const sidecar = JSON.parse(doc.sidecar);
    expect(sidecar.metadataAttributes.title.length).toBeLessThanOrEqual(512);
    expect(parseCsv(doc.csv).data[0]?.content).toContain(title);
    expect(Buffer.byteLength(doc.sidecar)).toBeLessThanOrEqual(SIDECAR_MAX_BYTES);
  });

  it('refuses a sidecar over 10 KB with an error naming the item', () => {
    const metadata = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`campo_${i}`, 'x'.repeat(400)]),
    );
    expect(() => buildDocument(item({ metadata }))).toThrow(ItemError);
    expect(() => buildDocument(item({ metadata }))).toThrow(/stores 42: metadata sidecar is \d+ bytes/);
  });

  it('does not repeat an event date already among the fields', () => {
    const withField = documentText(
      item({ dateText: '15 de marzo de 2026', fields: [{ label: 'Fecha', value: '15 de marzo de 2026' }] }),
    );
    expect(withField.match(/15 de marzo de 2026/g)).toHaveLength(1);
    expect(documentText(item({ dateText: 'Todos los sábados', fields: [] }))).toContain(
      'Fecha: Todos los sábados',
    );
  });

  it('round-trips any text through the CSV (papaparse) unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (title, body) => {
        const doc = buildDocument(item({ title, body, fields: [] }));
        const parsed = parseCsv(doc.csv);
        expect(parsed.errors).toEqual([]);
        expect(parsed.data).toHaveLength(1);
        expect(parsed.data[0]?.content).toBe(documentText(item({ title, body, fields: [] })));
        expect(parsed.data[0]?.title).toBe(JSON.parse(doc.sidecar).metadataAttributes.title);
      }),
      { numRuns: 300 },
    );
  });
});
