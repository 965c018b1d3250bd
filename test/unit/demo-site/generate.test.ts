import { describe, expect, it } from 'vitest';
import { BRAND_BLOCK } from '../../../functions/local/demo-site/data/vocabulary.js';
import { generateDemoSite } from '../../../functions/local/demo-site/generate.js';
import { type DemoItem, type DemoSite, isPublic } from '../../../functions/local/demo-site/site.js';

const site = generateDemoSite();
const all = (s: DemoSite): DemoItem[] => Object.values(s.items).flat();
const items = all(site);
const published = items.filter(isPublic);

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
/** Follows a dotted path through objects and arrays. */
const at = (value: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, key) => (v == null ? undefined : (v as Json)[key]), value);

const WP_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

describe('generateDemoSite', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateDemoSite()).toEqual(generateDemoSite());
    expect(generateDemoSite({ seed: 7, scale: 2 })).toEqual(generateDemoSite({ seed: 7, scale: 2 }));
    const other = generateDemoSite({ seed: 8 });
    expect(other).not.toEqual(site);
    expect(other.items.stores?.map((i) => i.title.rendered)).not.toEqual(
      site.items.stores?.map((i) => i.title.rendered),
    );
  });

  it('has the three mall types with a few hundred items at scale 1', () => {
    expect(site.name).toMatch(/cordillera/i);
    expect(site.types.map((t) => t.restBase).sort()).toEqual(['event', 'restaurant', 'stores']);
    for (const type of site.types) expect(site.items[type.restBase]?.length).toBeGreaterThan(30);
    expect(published.length).toBeGreaterThanOrEqual(250);
    expect(published.length).toBeLessThanOrEqual(400);
    expect(site.items.stores?.filter(isPublic).length).toBeGreaterThan(150);
  });

  it('multiplies counts by scale', () => {
    const big = generateDemoSite({ scale: 10 });
    for (const type of site.types) {
      const small = site.items[type.restBase]?.filter(isPublic).length ?? 0;
      const large = big.items[type.restBase]?.filter(isPublic).length ?? 0;
      expect(large).toBeGreaterThan(small * 8);
      expect(large).toBeLessThan(small * 11);
    }
  });

  it('rejects a scale that is not positive', () => {
    expect(() => generateDemoSite({ scale: 0 })).toThrow(/scale/);
    expect(() => generateDemoSite({ scale: Number.NaN })).toThrow(/scale/);
  });

  it('gives items the WordPress REST shape, ids unique across the site and slugs unique per type', () => {
    const big = all(generateDemoSite({ scale: 3 }));
    expect(new Set(big.map((i) => i.id)).size).toBe(big.length);
    for (const type of site.types) {
      const slugs = (site.items[type.restBase] ?? []).map((i) => i.slug);
      expect(new Set(slugs).size).toBe(slugs.length);
    }
    for (const item of items) {
      expect(item.date_gmt).toMatch(WP_DATE);
      expect(item.modified_gmt).toMatch(WP_DATE);
      expect(item.modified_gmt >= item.date_gmt).toBe(true);
      expect(typeof item.title.rendered).toBe('string');
      expect(typeof item.content.protected).toBe('boolean');
      expect(typeof item.excerpt.rendered).toBe('string');
      expect(item.slug).toMatch(/^[a-z0-9-]+$/);
      expect(site.types.some((t) => t.slug === item.type)).toBe(true);
      expect(() => new URL(item.link)).not.toThrow();
    }
    const inIdOrder = (site.items.stores ?? []).map((i) => i.id);
    expect(inIdOrder).toEqual([...inIdOrder].sort((a, b) => a - b));
  });

  it('uses the ACF shapes of the reference site for stores and restaurants', () => {
    const infos = [...(site.items.stores ?? []), ...(site.items.restaurant ?? [])]
      .map((i) => asObject(i.acf))
      .filter((acf) => acf?.informacion_tienda !== undefined);
    expect(infos.length).toBeGreaterThan(200);
    const pageLinks = infos.map((acf) => at(acf, 'informacion_tienda.0.info.page_link'));
    for (const acf of infos) {
      expect(Object.keys(asObject(at(acf, 'informacion_tienda.0.info')) ?? {}).sort()).toEqual(
        ['level', 'local', 'mail', 'page_link', 'phone', 'place', 'schedule'].sort(),
      );
    }
    expect(
      pageLinks.some((l) => typeof asObject(l)?.url === 'string' && typeof asObject(l)?.title === 'string'),
    ).toBe(true);
    expect(pageLinks.some((l) => typeof l === 'string' && l.startsWith('https://'))).toBe(true);
    expect(pageLinks.some((l) => l === '')).toBe(true);
    const rrss = infos.map((acf) => at(acf, 'informacion_tienda.0.rrss'));
    expect(rrss.some((r) => Array.isArray(r) && typeof asObject(r[0])?.url === 'string')).toBe(true);
    expect(rrss.some((r) => Array.isArray(r) && typeof r[0] === 'string')).toBe(true);
  });

  it('uses the ACF shapes of events, with dates in mixed formats over 2026–2027', () => {
    const events = (site.items.event ?? []).filter((i) => asObject(i.acf));
    const dates: string[] = [];
    for (const event of events) {
      const hours = at(event.acf, 'informacion_destacada.hours');
      expect(Array.isArray(hours) && typeof asObject(hours[0])?.hour === 'string').toBe(true);
      expect(typeof at(event.acf, 'informacion_destacada.organizer')).toBe('string');
      const card = asObject(at(event.acf, 'informacion_tienda.0.cards.0'));
      expect(Object.keys(asObject(card?.data) ?? {}).sort()).toEqual([
        'date',
        'description',
        'hour',
        'place',
      ]);
      expect(typeof asObject(card?.button)?.is_active).toBe('boolean');
      dates.push(String(at(card, 'data.date')));
    }
    expect(dates.some((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))).toBe(true);
    expect(dates.some((d) => /^\d{2}\/\d{2}\/\d{4}$/.test(d))).toBe(true);
    expect(dates.some((d) => /^\d{1,2} de [a-z]+ de \d{4}$/.test(d))).toBe(true);
    expect(dates.some((d) => /^\d{1,2} al \d{1,2} de [a-z]+ de \d{4}$/.test(d))).toBe(true);
    expect(dates.some((d) => !/\d/.test(d))).toBe(true);
    const years = new Set(dates.flatMap((d) => d.match(/20\d\d/g) ?? []));
    expect(years).toEqual(new Set(['2026', '2027']));
    const active = events.map((e) => asObject(at(e.acf, 'informacion_tienda.0.cards.0.button')));
    expect(active.some((b) => b?.is_active === true && typeof asObject(b.anchor)?.url === 'string')).toBe(
      true,
    );
  });

  it('carries the mess real sites have', () => {
    const titles = published.map((i) => i.title.rendered);
    expect(titles.some((t) => t.includes('"') && t.includes(',') && t.includes('\n'))).toBe(true);
    expect(titles.some((t) => /&#8211;|&#8220;|&amp;/.test(t))).toBe(true);
    expect(published.some((i) => i.title.rendered === '' && i.content.rendered === '')).toBe(true);
    expect(published.some((i) => i.acf === false)).toBe(true);
    expect(Math.max(...published.map((i) => i.content.rendered.length))).toBeGreaterThanOrEqual(30_000);
    expect(Math.max(...published.map((i) => i.content.rendered.length))).toBeLessThanOrEqual(60_000);
    const contents = published.map((i) => i.content.rendered).join('\n');
    for (const needle of [
      '<!-- wp:paragraph -->',
      '<script',
      '<style',
      '<ul',
      '<br',
      '&amp;',
      '&#8211;',
      '&nbsp;',
      '&aacute;',
    ]) {
      expect(contents, needle).toContain(needle);
    }
    expect(contents).toMatch(/\p{Extended_Pictographic}/u);
  });

  it('has boilerplate: one brand paragraph pasted into at least 30 % of the published stores', () => {
    const stores = (site.items.stores ?? []).filter(isPublic);
    const holders = stores.filter((i) => i.content.rendered.includes(BRAND_BLOCK));
    expect(holders.length / stores.length).toBeGreaterThanOrEqual(0.3);
    expect(holders.length / stores.length).toBeLessThan(0.5);
    expect(holders.some((i) => i.title.rendered === 'B+D')).toBe(true);
  });

  it('has places named with short tokens and symbols, published, after every other id', () => {
    const byTitle = new Map(published.map((i) => [i.title.rendered, i]));
    const names = ['B+D', 'H&amp;M', '7-Eleven', 'W.O.K', 'Café 3.0'];
    for (const name of names) expect(byTitle.get(name)?.status, name).toBe('publish');
    const ids = names.map((name) => byTitle.get(name)?.id ?? 0);
    const others = items.filter((i) => !ids.includes(i.id)).map((i) => i.id);
    expect(Math.min(...ids)).toBeGreaterThan(Math.max(...others));
  });

  it('has a listed password-protected item and non-public items of every type', () => {
    const locked = published.filter((i) => i.content.protected);
    expect(locked.length).toBeGreaterThan(0);
    for (const item of locked) expect(item.content.rendered).toBe('');
    for (const type of site.types) {
      const statuses = new Set(
        (site.items[type.restBase] ?? []).filter((i) => !isPublic(i)).map((i) => i.status),
      );
      expect(statuses).toEqual(new Set(['draft', 'private', 'pending', 'future']));
    }
  });
});
