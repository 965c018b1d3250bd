import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { KbFileError, parseSidecar, readKbObject } from '../../../functions/local/knowledge-base/reader.js';
import { sidecar, transformed } from './helpers.js';

const buf = (text: string) => Buffer.from(text, 'utf8');

describe('readKbObject on documents the real transform wrote', () => {
  it('reads a one-row record-based CSV: the content field is the text, typed sidecar attributes the metadata', async () => {
    const store = await transformed();
    const csv = await store.get('kb/event/201.csv');
    const meta = await store.get('kb/event/201.csv.metadata.json');
    if (!csv || !meta) throw new Error('transform wrote no event 201');
    const records = readKbObject('kb/event/201.csv', csv, meta);
    expect(records).toHaveLength(1);
    const [record] = records;
    const row = Papa.parse<Record<string, string>>(csv.toString('utf8'), { header: true }).data[0];
    expect(record?.text).toBe(row?.content);
    expect(record?.text).toMatch(/^Evento: Feria Navideña/);
    expect(record?.recordId).toBe('kb/event/201.csv');
    expect(record?.metadata).toMatchObject({
      source_id: '201',
      content_type: 'event',
      title: 'Feria Navideña',
      start_date: 20260315,
      end_date: 20260317,
    });
    // Numbers stay numbers (range filters need them); the CSV columns are all excluded by the sidecar.
    expect(typeof record?.metadata.start_date).toBe('number');
    expect(Object.keys(record?.metadata ?? {})).not.toContain('content');
  });

  it('reads every stores document with its content and metadata', async () => {
    const store = await transformed();
    const keys = (await store.list('kb/stores/')).map((o) => o.key).filter((k) => k.endsWith('.csv'));
    expect(keys).toEqual(['kb/stores/101.csv', 'kb/stores/102.csv', 'kb/stores/103.csv']);
    for (const key of keys) {
      const [record] = readKbObject(
        key,
        (await store.get(key)) as Buffer,
        await store.get(`${key}.metadata.json`),
      );
      expect(record?.text).toMatch(/^Tienda: /);
      expect(record?.metadata.content_type).toBe('stores');
    }
  });
});

describe('readKbObject as Bedrock reads other shapes', () => {
  const structure = (spec: Record<string, unknown>) =>
    JSON.stringify({
      metadataAttributes: { source: 'manual', year: 2026 },
      documentStructureConfiguration: {
        type: 'RECORD_BASED_STRUCTURE_METADATA',
        recordBasedStructureMetadata: {
          contentFields: [{ fieldName: 'texto' }],
          metadataFieldsSpecification: spec,
        },
      },
    });
  const csv = 'id,texto,nivel,color\r\n1,"Primera, fila",1,rojo\r\n2,Segunda fila,2,azul\r\n';

  it('makes each row of a multi-row CSV its own document; fieldsToInclude picks the string column metadata', () => {
    const records = readKbObject(
      'kb/x/tabla.csv',
      buf(csv),
      buf(structure({ fieldsToInclude: [{ fieldName: 'nivel' }] })),
    );
    expect(records).toEqual([
      {
        recordId: 'kb/x/tabla.csv#0',
        text: 'Primera, fila',
        metadata: { nivel: '1', source: 'manual', year: 2026 },
      },
      {
        recordId: 'kb/x/tabla.csv#1',
        text: 'Segunda fila',
        metadata: { nivel: '2', source: 'manual', year: 2026 },
      },
    ]);
  });

  it('without fieldsToInclude, keeps every column but the excluded ones and the content', () => {
    const [first] = readKbObject(
      'kb/x/tabla.csv',
      buf(csv),
      buf(structure({ fieldsToExclude: [{ fieldName: 'id' }] })),
    );
    expect(first?.metadata).toEqual({ nivel: '1', color: 'rojo', source: 'manual', year: 2026 });
  });

  it('lets typed file-level attributes win over a column of the same name', () => {
    const sidecarText = JSON.stringify({
      metadataAttributes: { nivel: 7 },
      documentStructureConfiguration: {
        type: 'RECORD_BASED_STRUCTURE_METADATA',
        recordBasedStructureMetadata: { contentFields: [{ fieldName: 'texto' }] },
      },
    });
    const [first] = readKbObject('kb/x/tabla.csv', buf(csv), buf(sidecarText));
    expect(first?.metadata.nivel).toBe(7);
  });

  it('reads .txt and .md files whole, with their sidecar attributes (typed form included)', () => {
    const typed = JSON.stringify({
      metadataAttributes: {
        content_type: 'faq',
        tags: { value: { type: 'STRING_LIST', stringListValue: ['a', 'b'] } },
        score: { value: { type: 'NUMBER', numberValue: 3 } },
      },
    });
    expect(readKbObject('kb/faq/wifi.md', buf('# Wi-Fi\n\nSí, gratis.'), buf(typed))).toEqual([
      {
        recordId: 'kb/faq/wifi.md',
        text: '# Wi-Fi\n\nSí, gratis.',
        metadata: { content_type: 'faq', tags: ['a', 'b'], score: 3 },
      },
    ]);
    expect(readKbObject('kb/faq/a.txt', buf('\uFEFFhola'))).toEqual([
      { recordId: 'kb/faq/a.txt', text: 'hola', metadata: {} },
    ]);
  });

  it('reads a CSV without record-based structure as one text document', () => {
    const [record] = readKbObject('kb/x/plain.csv', buf(csv), buf(sidecar({ a: 1 })));
    expect(record?.text).toBe(csv);
  });

  it('refuses, naming the key, what Bedrock would not ingest', () => {
    expect(() => readKbObject('kb/x/folleto.pdf', buf('%PDF'))).toThrow(KbFileError);
    expect(() => readKbObject('kb/x/folleto.pdf', buf('%PDF'))).toThrow('kb/x/folleto.pdf');
    const big = sidecar({ text: 'x'.repeat(11 * 1024) });
    expect(() => readKbObject('kb/x/a.txt', buf('hola'), buf(big))).toThrow(
      /a\.txt\.metadata\.json: sidecar is \d+ bytes/,
    );
    expect(() => parseSidecar('kb/x/a.txt.metadata.json', buf('{'))).toThrow('not valid JSON');
    expect(() =>
      readKbObject('kb/x/tabla.csv', buf(csv), buf(structure({}).replace('"texto"', '"contenido"'))),
    ).toThrow('content field "contenido" is not a column');
  });
});
