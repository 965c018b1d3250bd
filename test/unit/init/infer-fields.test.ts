import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inferFields, metadataKey } from '../../../functions/core/normalize/infer-fields.js';
import { normaliseItem } from '../../../functions/core/normalize/item.js';
import { contentTypeSchema } from '../../../functions/core/shared/config/schema.js';
import type { WpItem } from '../../../functions/core/shared/types.js';
import { generateDemoSite } from '../../../functions/local/demo-site/generate.js';
import { isPublic } from '../../../functions/local/demo-site/site.js';
import { resolvedType } from '../resolved.js';

/** Items as the reference site serves them (test/fixtures/wp). */
const fixture = (name: string): WpItem[] =>
  JSON.parse(readFileSync(new URL(`../../fixtures/wp/${name}.json`, import.meta.url), 'utf8')) as WpItem[];

const store = (info: Record<string, unknown>, rest: Record<string, unknown> = {}): WpItem => ({
  id: 1,
  title: { rendered: 'Tienda' },
  content: { rendered: '<p>Texto</p>' },
  acf: { informacion_tienda: [{ info, ...rest }] },
});

const field = (result: ReturnType<typeof inferFields>, path: string) => {
  const stats = result.fields.find((f) => f.path === path);
  if (!stats) throw new Error(`no field ${path} in ${result.fields.map((f) => f.path).join(', ')}`);
  return stats;
};

describe('inferFields on the reference site’s shapes', () => {
  it('finds the event date inside nested groups and repeaters, in the formats the date parser reads', () => {
    const result = inferFields(fixture('event'));
    expect(result.dateField).toBe('acf.informacion_tienda.0.cards.0.data.date');
    expect(field(result, 'acf.informacion_tienda.0.cards.0.data.date').choice).toBe(
      'date (start_date, end_date)',
    );
    // A link object is text (its URL), never metadata; an activation flag is not a field at all.
    expect([...field(result, 'acf.informacion_tienda.0.cards.0.button.anchor').kinds]).toEqual(['link']);
    expect(result.fields.some((f) => f.key === 'is_active')).toBe(false);
    expect(result.metadata.map((m) => m.path)).toContain('acf.informacion_tienda.0.cards.0.data.place');
  });

  it('chooses short scalars present in most items as metadata: level, local, phone, place', () => {
    // The demo site's stores: the reference shapes with the variety of a real catalogue.
    const stores = (generateDemoSite({ scale: 0.3, seed: 11 }).items.stores ?? []).filter(isPublic);
    const result = inferFields(stores.slice(0, 20));
    const byName = Object.fromEntries(result.metadata.map((m) => [m.name, m.path]));
    expect(byName).toMatchObject({
      level: 'acf.informacion_tienda.0.info.level',
      local: 'acf.informacion_tienda.0.info.local',
      phone: 'acf.informacion_tienda.0.info.phone',
      place: 'acf.informacion_tienda.0.info.place',
    });
    // Links, e-mails and lists of social networks are text, not metadata.
    expect(byName).not.toHaveProperty('page_link');
    expect(byName).not.toHaveProperty('mail');
    expect(byName).not.toHaveProperty('rrss');
    expect(result.dateField).toBeUndefined();
    expect(result.metadata.every((m) => m.type === 'string')).toBe(true);
  });

  it('counts `acf: false` items as items without ACF and keeps going', () => {
    const items = [...fixture('stores'), { ...store({}), id: 9, acf: false } as WpItem];
    const result = inferFields(items);
    expect(result.sampled).toBe(items.length);
    expect(result.withAcf).toBe(fixture('stores').filter((i) => i.acf !== false).length);
  });
});

describe('inferFields on shapes that differ between items', () => {
  it('a repeater with several rows: its fields are text, not metadata (a path reaches row 0 only)', () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ hour: `1${i}:00` }));
    const items = [1, 2, 3].map((n) => ({ id: n, acf: { hours: rows(n), nivel: String(n) } }));
    const result = inferFields(items);
    expect(field(result, 'acf.hours.0.hour')).toMatchObject({ repeated: true, items: 3 });
    expect(result.metadata).toEqual([{ name: 'nivel', path: 'acf.nivel', type: 'string' }]);
  });

  it('numbers are typed metadata only when every value is a JSON number', () => {
    const result = inferFields([
      { id: 1, acf: { piso: 2, local: 214 } },
      { id: 2, acf: { piso: 3, local: '215-B' } },
    ]);
    expect(result.metadata).toEqual([
      { name: 'piso', path: 'acf.piso', type: 'number' },
      { name: 'local', path: 'acf.local', type: 'string' },
    ]);
  });

  it('a field most items lack is not metadata, and says in how many it was', () => {
    const result = inferFields([
      store({ level: '1', phone: '+56 2 2345 6789' }),
      store({ level: '2' }),
      store({ level: '3' }),
    ]);
    expect(result.metadata.map((m) => m.name)).toEqual(['level']);
    expect(field(result, 'acf.informacion_tienda.0.info.phone').choice).toBe(
      'text (not metadata: in 1 of 3 items)',
    );
  });

  it('a string where other items have an object, a missing group, `acf: []`: each item adds what it has', () => {
    const items: unknown[] = [
      store({ level: '1' }),
      store({ level: '2' }),
      { id: 3, acf: { informacion_tienda: 'Texto suelto en vez del grupo' } },
      { id: 4, acf: [] },
      { id: 5 },
      { id: 6, acf: { informacion_tienda: [{ info: null }] } },
      null,
      'not an item',
    ];
    const result = inferFields(items);
    expect(result.sampled).toBe(8);
    expect(field(result, 'acf.informacion_tienda.0.info.level').items).toBe(2);
    expect(field(result, 'acf.informacion_tienda').kinds).toEqual(new Set(['text']));
  });

  it('Spanish date text counts as a date; times and prose do not', () => {
    const result = inferFields([
      { id: 1, acf: { fecha: '15 al 17 de marzo de 2026', hora: '11:00' } },
      { id: 2, acf: { fecha: 'sábado 4 de abril de 2026', hora: '18:30' } },
      { id: 3, acf: { fecha: '2026-05-01', hora: '10:00 a 20:00' } },
    ]);
    expect(result.dateField).toBe('acf.fecha');
    expect(field(result, 'acf.hora').dates).toBe(0);
  });

  it('never throws, and what it proposes normalises every sampled item (property)', () => {
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(false));
    const acf = fc.oneof(
      fc.constant(false),
      leaf,
      fc.dictionary(
        fc.constantFrom('info', 'level', 'date', 'cards', 'url', 'title', '_hidden', 'image'),
        fc.oneof(
          leaf,
          fc.array(fc.dictionary(fc.constantFrom('hour', 'url', 'title', 'place'), leaf), { maxLength: 3 }),
        ),
        { maxKeys: 5 },
      ),
    );
    fc.assert(
      fc.property(fc.array(acf, { maxLength: 8 }), (acfs) => {
        const items: WpItem[] = acfs.map((value, i) => ({
          id: i + 1,
          title: { rendered: `T${i}` },
          acf: value as WpItem['acf'],
        }));
        const result = inferFields(items);
        const type = resolvedType(
          contentTypeSchema.parse({
            name: 'x',
            metadata: result.metadata,
            ...(result.dateField ? { dateField: result.dateField } : {}),
          }),
        );
        for (const item of items) normaliseItem(item, type, { fieldLabels: {} });
      }),
    );
  });
});

describe('metadataKey', () => {
  it.each([
    ['level', 'level'],
    ['Nivel-Local', 'nivel_local'],
    ['pageLink', 'page_link'],
    ['teléfono', 'telefono'],
    ['2do_piso', 'f_2do_piso'],
  ])('%s → %s', (key, expected) => {
    expect(metadataKey(key)).toBe(expected);
  });
});
