import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BodyItem,
  type BoilerplateSettings,
  paragraphKey,
  paragraphsOf,
  removeBoilerplate,
  requiredItems,
} from '../../../functions/core/normalize/boilerplate.js';
import { boilerplateSchema } from '../../../functions/core/shared/config/schema.js';

const defaults: BoilerplateSettings = boilerplateSchema.parse({});
const BRAND =
  'Descubre B+D, la marca chilena de muebles y decoración: diseño nórdico para tu hogar, ahora también en este mall.';

interface Item extends BodyItem {
  id: number;
}

/** `count` items with a unique paragraph each; the first `withBlock` also hold `block` (at the end). */
function type(count: number, withBlock: number, block = BRAND): Item[] {
  return Array.from({ length: count }, (_, i) => {
    const own = `Tienda número ${i} con ropa, zapatos y accesorios de temporada para toda la familia.`;
    return { id: i, title: `Tienda ${i}`, body: i < withBlock ? `${own}\n\n${block}` : own };
  });
}

const bodies = (items: readonly Item[]) => items.map((item) => item.body);

describe('removeBoilerplate', () => {
  it('has documented defaults: on, 30 % of a type with at least 10 items, paragraphs of 8 words or more', () => {
    expect(defaults).toEqual({ enabled: true, minShare: 0.3, minItems: 10, minWords: 8 });
  });

  it('leaves out a paragraph held by 30 % of the items and counts it', () => {
    const items = type(10, 3);
    const { items: out, counts } = removeBoilerplate(items, defaults);
    expect(out.map((item) => item.body.includes('B+D'))).toEqual(Array(10).fill(false));
    expect(out[0]?.body).toBe(
      'Tienda número 0 con ropa, zapatos y accesorios de temporada para toda la familia.',
    );
    expect(counts).toEqual({
      enabled: true,
      blocks: 1,
      paragraphsRemoved: 3,
      itemsChanged: 3,
      examples: [{ text: BRAND, items: 3 }],
    });
    // Items that lost nothing are passed through as they were.
    expect(out[5]).toBe(items[5]);
  });

  it('keeps a paragraph just below the share and removes it just above (20 items: 5 kept, 6 removed)', () => {
    expect(requiredItems(0.3, 20)).toBe(6);
    const below = removeBoilerplate(type(20, 5), defaults);
    expect(below.counts.blocks).toBe(0);
    expect(bodies(below.items)).toEqual(bodies(type(20, 5)));
    const above = removeBoilerplate(type(20, 6), defaults);
    expect(above.counts).toMatchObject({ blocks: 1, paragraphsRemoved: 6 });
  });

  it('computes the share without floating-point surprises', () => {
    expect(requiredItems(0.3, 10)).toBe(3); // 0.3 × 10 is 3.0000000000000004 in floating point
    expect(requiredItems(0.3, 11)).toBe(4);
    expect(requiredItems(1, 10)).toBe(10);
    expect(requiredItems(0.01, 10)).toBe(2); // never a single item
  });

  it('leaves types smaller than minItems alone, and works from minItems on', () => {
    expect(removeBoilerplate(type(9, 9), defaults).counts.blocks).toBe(0);
    expect(removeBoilerplate(type(10, 10), defaults).counts.blocks).toBe(1);
  });

  it('keeps a paragraph that appears in one item only, however low the share', () => {
    const items = type(10, 1);
    const { items: out, counts } = removeBoilerplate(items, { ...defaults, minShare: 0.01 });
    expect(counts.blocks).toBe(0);
    expect(bodies(out)).toEqual(bodies(items));
    // …even when that one item holds it twice.
    const twice = type(10, 0);
    twice[0] = { id: 0, title: 'x', body: `${BRAND}\n\n${BRAND}` };
    expect(removeBoilerplate(twice, { ...defaults, minShare: 0.01 }).counts.blocks).toBe(0);
  });

  it('counts items with no paragraphs in the share and leaves them as they are', () => {
    const items: Item[] = [
      ...type(3, 3),
      ...Array.from({ length: 7 }, (_, i) => ({ id: 100 + i, title: `Vacía ${i}`, body: '' })),
    ];
    const { items: out, counts } = removeBoilerplate(items, defaults);
    expect(counts).toMatchObject({ blocks: 1, paragraphsRemoved: 3 }); // 3 of 10 items
    expect(out.slice(3).map((item) => item.body)).toEqual(Array(7).fill(''));
    const empty = Array.from({ length: 12 }, (_, i) => ({ id: i, title: '', body: '' }));
    expect(removeBoilerplate(empty, defaults).counts.blocks).toBe(0);
  });

  it('never counts short lines: items sharing "Nivel 2" share a fact, not a template', () => {
    const items = type(10, 10, 'Abierto de lunes a domingo, Nivel 2.');
    expect(removeBoilerplate(items, defaults).counts.blocks).toBe(0);
    expect(removeBoilerplate(items, { ...defaults, minWords: 3 }).counts.blocks).toBe(1);
  });

  it('compares paragraphs without case or whitespace differences', () => {
    const items = type(10, 3);
    items[1] = { ...items[1], body: items[1]?.body.replace(BRAND, BRAND.toUpperCase()) } as Item;
    items[2] = { ...items[2], body: items[2]?.body.replace(BRAND, BRAND.replace(/ /g, '  ')) } as Item;
    expect(paragraphKey(BRAND.toUpperCase())).toBe(paragraphKey(BRAND.replace(/ /g, '\n')));
    const { items: out, counts } = removeBoilerplate(items, defaults);
    expect(counts.paragraphsRemoved).toBe(3);
    expect(out.some((item) => /b\+d/i.test(item.body))).toBe(false);
  });

  it('keeps the block in the item it names: the brand page keeps its own description', () => {
    const items = type(10, 4);
    items[0] = { ...items[0], title: 'B+D' } as Item;
    // A title that is only part of a name does not count: "B" in "B+D", "Descubre" in "Descubre-lo".
    items[1] = { ...items[1], title: 'B' } as Item;
    items[2] = { ...items[2], title: 'D' } as Item;
    const { items: out, counts } = removeBoilerplate(items, defaults);
    expect(out[0]?.body).toContain(BRAND);
    expect(out[1]?.body).not.toContain(BRAND);
    expect(counts).toMatchObject({ blocks: 1, paragraphsRemoved: 3, itemsChanged: 3 });
  });

  it('is off when disabled', () => {
    const items = type(10, 10);
    const { items: out, counts } = removeBoilerplate(items, { ...defaults, enabled: false });
    expect(bodies(out)).toEqual(bodies(items));
    expect(counts).toEqual({
      enabled: false,
      blocks: 0,
      paragraphsRemoved: 0,
      itemsChanged: 0,
      examples: [],
    });
  });

  it('cuts long examples in the report to 120 characters', () => {
    const long = `${BRAND} ${BRAND}`;
    const { counts } = removeBoilerplate(type(10, 3, long), defaults);
    expect(counts.examples).toEqual([{ text: `${long.slice(0, 119)}…`, items: 3 }]);
  });

  it('lists the most widespread blocks first, then by text, at most five', () => {
    const blocks = Array.from(
      { length: 7 },
      (_, b) => `Bloque ${String.fromCharCode(65 + b)} repetido en muchas páginas del sitio web del mall.`,
    );
    const items = Array.from({ length: 10 }, (_, i) => ({
      id: i,
      title: `T${i}`,
      // block b is in items 0 … 2 + b (3 to 9 items)
      body: blocks.filter((_, b) => i <= 2 + b).join('\n\n'),
    }));
    const { counts } = removeBoilerplate(items, defaults);
    expect(counts.blocks).toBe(7);
    expect(counts.examples.map((e) => [e.text.slice(0, 8), e.items])).toEqual([
      ['Bloque G', 9],
      ['Bloque F', 8],
      ['Bloque E', 7],
      ['Bloque D', 6],
      ['Bloque C', 5],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over arbitrary types

const word = fc.constantFrom('alfa', 'beta', 'gama', 'Delta', 'B+D', 'nivel', '2', 'W.O.K', 'ñandú');
const paragraph = fc.array(word, { minLength: 1, maxLength: 5 }).map((words) => words.join(' '));
const settings = fc.record({
  enabled: fc.oneof(
    { arbitrary: fc.constant(true), weight: 4 },
    { arbitrary: fc.constant(false), weight: 1 },
  ),
  minShare: fc.double({ min: 0.01, max: 1, noNaN: true }),
  minItems: fc.integer({ min: 2, max: 8 }),
  minWords: fc.integer({ min: 1, max: 3 }),
});
/**
 * A type whose items draw paragraphs from a small shared pool (so blocks happen), in either case (the
 * same block spelt two ways), and from anywhere.
 */
const typeOf = fc.array(paragraph, { minLength: 1, maxLength: 4 }).chain((pool) =>
  fc
    .array(
      fc.record({
        title: fc.oneof(word, fc.constantFrom(...pool), fc.constant('')),
        paragraphs: fc.array(
          fc.oneof(
            fc.constantFrom(...pool),
            fc.constantFrom(...pool).map((p) => p.toUpperCase()),
            paragraph,
          ),
          { maxLength: 5 },
        ),
      }),
      { maxLength: 25 },
    )
    .map((list) => list.map((it, id) => ({ id, title: it.title, body: it.paragraphs.join('\n\n') }))),
);

const byId = (items: readonly Item[]) =>
  Object.fromEntries(items.map((item) => [item.id, item.body] as const));

describe('removeBoilerplate (properties)', () => {
  it('depends on the set of items only: any order gives the same bodies and counts', () => {
    fc.assert(
      fc.property(
        typeOf.chain((items) =>
          fc.tuple(fc.constant(items), fc.shuffledSubarray(items, { minLength: items.length })),
        ),
        settings,
        ([items, shuffled], s) => {
          const a = removeBoilerplate(items, s);
          const b = removeBoilerplate(shuffled, s);
          expect(byId(b.items)).toEqual(byId(a.items));
          expect(b.counts).toEqual(a.counts);
          expect(removeBoilerplate(items, s)).toEqual(a);
        },
      ),
    );
  });

  it('never removes a paragraph unique to one item, and only ever removes whole paragraphs', () => {
    fc.assert(
      fc.property(typeOf, settings, (items, s) => {
        const holders = new Map<string, Set<number>>();
        for (const it of items)
          for (const p of paragraphsOf(it.body))
            holders.set(paragraphKey(p), (holders.get(paragraphKey(p)) ?? new Set()).add(it.id));
        const { items: out, counts } = removeBoilerplate(items, s);
        let removed = 0;
        items.forEach((before, i) => {
          const after = paragraphsOf(out[i]?.body ?? '');
          const keys = new Set(after.map(paragraphKey));
          for (const p of paragraphsOf(before.body)) {
            if (holders.get(paragraphKey(p))?.size === 1) expect(keys).toContain(paragraphKey(p));
          }
          // What is left is the item's paragraphs in order, some left out.
          let at = 0;
          for (const p of paragraphsOf(before.body)) if (after[at] === p) at++;
          expect(at).toBe(after.length);
          removed += paragraphsOf(before.body).length - after.length;
        });
        expect(counts.paragraphsRemoved).toBe(removed);
        if (!s.enabled || items.length < s.minItems) expect(removed).toBe(0);
      }),
    );
  });
});
