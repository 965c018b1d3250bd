import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetrievalFilter } from '../../../functions/core/retrieval/filter.js';
import { freshnessFilter, todayNumber } from '../../../functions/core/retrieval/freshness.js';
import { fixedClock } from '../../../functions/core/shared/clock.js';
import { createMemoryStorage } from '../../../functions/core/storage/memory.js';
import {
  type LocalKb,
  openLocalKb,
  type RetrievalTuning,
} from '../../../functions/local/knowledge-base/retrieve.js';
import { embedder, ingest, sidecar, tempDir } from './helpers.js';

/** A small knowledge base of .txt documents with typed sidecars. */
const documents: [string, string, Record<string, unknown>][] = [
  [
    'stores/1',
    'Tienda: Óptica Visión\nLentes de contacto y exámenes de la vista.',
    { content_type: 'stores', source_id: '1', level: 'Nivel 2', available_until: 99991231 },
  ],
  [
    'stores/2',
    'Tienda: Zapatería Andes\nZapatillas urbanas y botines de cuero.',
    { content_type: 'stores', source_id: '2', level: 'Nivel 1', available_until: 99991231 },
  ],
  [
    'faq/info',
    'Pregunta frecuente: ¿Dónde está el Mesón de Información?\nEn el nivel 1, frente al acceso norte.',
    { content_type: 'faq', source_id: 'faq-info', available_until: 99991231 },
  ],
  [
    'event/10',
    'Evento: Feria navideña de artesanía\nDel 15 al 17 de marzo de 2026.',
    {
      content_type: 'event',
      source_id: '10',
      start_date: 20260315,
      end_date: 20260317,
      available_until: 20260317,
    },
  ],
  [
    'event/11',
    'Evento: Feria de otoño de artesanía\nDel 10 al 12 de abril de 2026.',
    {
      content_type: 'event',
      source_id: '11',
      start_date: 20260410,
      end_date: 20260412,
      available_until: 20260412,
    },
  ],
  [
    'event/12',
    'Evento: Feria de artesanía todos los sábados',
    { content_type: 'event', source_id: '12', available_until: 99991231 },
  ],
];

describe('local retrieval', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let kb: LocalKb;
  beforeAll(async () => {
    dir = await tempDir();
    const storage = createMemoryStorage();
    for (const [name, text, meta] of documents) {
      await storage.put(`kb/${name}.txt`, text);
      await storage.put(`kb/${name}.txt.metadata.json`, sidecar(meta));
    }
    await ingest(storage, dir.dir);
    kb = await openLocalKb(dir.dir, embedder);
  });
  afterAll(() => dir.remove());

  const ids = async (
    query: string,
    options: { filter?: RetrievalFilter; tuning?: Partial<RetrievalTuning>; k?: number } = {},
  ) => (await kb.retrieve(query, { k: 10, ...options })).map((p) => p.source_id);
  const fulltext = { mode: 'fulltext', tolerance: 0 } as const;

  describe('Spanish-aware full text', () => {
    it('finds a word with or without its accents, in any case', async () => {
      for (const query of ['información', 'informacion', 'INFORMACIÓN', 'Informacion'])
        expect(await ids(query, { tuning: fulltext }), query).toEqual(['faq-info']);
      for (const query of ['optica vision', 'ÓPTICA', 'examenes'])
        expect((await ids(query, { tuning: fulltext }))[0], query).toBe('1');
    });

    it('matches other forms of a word (Spanish stemming)', async () => {
      expect(await ids('zapatilla', { tuning: fulltext })).toEqual(['2']);
      expect(await ids('botín', { tuning: fulltext })).toEqual(['2']);
    });

    it('ignores Spanish stop words', async () => {
      expect(await ids('de la el', { tuning: fulltext })).toEqual([]);
    });

    it('tolerates a typo with typo tolerance, and the hybrid search through its sub-word vectors', async () => {
      expect(await ids('bontines', { tuning: fulltext })).toEqual([]);
      expect(await ids('bontines', { tuning: { ...fulltext, tolerance: 1 } })).toEqual(['2']);
      expect((await ids('bontines'))[0]).toBe('2');
      expect((await ids('lentes de contato'))[0]).toBe('1');
    });

    it('returns title, url, score, text and metadata per passage, best first', async () => {
      const [best, next] = await kb.retrieve('feria navideña', { k: 2 });
      expect(best).toMatchObject({ source_id: '10', content_type: 'event', key: 'kb/event/10.txt' });
      expect(best?.text).toContain('Feria navideña');
      expect(best?.title).toBe('Evento: Feria navideña de artesanía');
      expect(best?.metadata.end_date).toBe(20260317);
      expect(best?.score).toBeGreaterThanOrEqual(next?.score ?? 0);
    });
  });

  describe('metadata filters (Bedrock semantics)', () => {
    const feria = (filter: RetrievalFilter) =>
      ids('feria artesanía tienda información', { filter }).then((r) => r.sort());

    it('by content type', async () => {
      expect(await feria({ equals: { key: 'content_type', value: 'event' } })).toEqual(['10', '11', '12']);
      expect(await feria({ in: { key: 'content_type', value: ['stores', 'faq'] } })).toEqual([
        '1',
        '2',
        'faq-info',
      ]);
      expect(await feria({ notIn: { key: 'content_type', value: ['event'] } })).toEqual([
        '1',
        '2',
        'faq-info',
      ]);
    });

    it('by numeric date ranges', async () => {
      expect(await feria({ greaterThanOrEquals: { key: 'start_date', value: 20260401 } })).toEqual(['11']);
      expect(await feria({ lessThanOrEquals: { key: 'end_date', value: 20260317 } })).toEqual(['10']);
      expect(await feria({ lessThan: { key: 'end_date', value: 20260317 } })).toEqual([]);
      expect(
        await feria({
          andAll: [
            { greaterThan: { key: 'end_date', value: 20260316 } },
            { lessThan: { key: 'start_date', value: 20260501 } },
          ],
        }),
      ).toEqual(['10', '11']);
      // A number compared with a string field, or a string with a number field, matches nothing.
      expect(await feria({ greaterThan: { key: 'end_date', value: '20260101' } })).toEqual([]);
    });

    it('notEquals also matches documents without the key; other comparisons need it', async () => {
      expect(await feria({ notEquals: { key: 'end_date', value: 20260317 } })).toEqual([
        '1',
        '11',
        '12',
        '2',
        'faq-info',
      ]);
      expect(await feria({ equals: { key: 'no_such_key', value: 'x' } })).toEqual([]);
      expect(await feria({ notEquals: { key: 'no_such_key', value: 'x' } })).toHaveLength(6);
      expect(await feria({ equals: { key: 'level', value: 'Nivel 1' } })).toEqual(['2']);
    });

    it('orAll / andAll combine', async () => {
      expect(
        await feria({
          orAll: [
            { equals: { key: 'source_id', value: '1' } },
            { equals: { key: 'source_id', value: '12' } },
          ],
        }),
      ).toEqual(['1', '12']);
    });

    it('refuses filters the local index cannot evaluate, naming them', async () => {
      await expect(
        kb.retrieve('feria', { filter: { stringContains: { key: 'title', value: 'Feria' } } }),
      ).rejects.toThrow('filter stringContains: not supported by the local index');
    });
  });

  describe('freshness (fixed clock)', () => {
    const at = (iso: string) => freshnessFilter({ clock: fixedClock(iso), timeZone: 'America/Santiago' });

    it("knows today's date in the site's time zone", () => {
      // 02:30 UTC on 18 March is still 17 March in Santiago (UTC-3 in March 2026).
      expect(todayNumber(fixedClock('2026-03-18T02:30:00Z'), 'America/Santiago')).toBe(20260317);
      expect(todayNumber(fixedClock('2026-03-18T03:30:00Z'), 'America/Santiago')).toBe(20260318);
    });

    it('never offers an event whose end date has passed, even asked by name', async () => {
      expect(await ids('Feria navideña', { filter: at('2026-03-20T15:00:00Z') })).not.toContain('10');
      expect(await ids('Feria navideña', { filter: at('2026-03-20T15:00:00Z') })).toContain('11');
    });

    it('keeps an event on its last day, until midnight in the site', async () => {
      expect(await ids('Feria navideña', { filter: at('2026-03-18T02:30:00Z') })).toContain('10');
      expect(await ids('Feria navideña', { filter: at('2026-03-18T03:30:00Z') })).not.toContain('10');
    });

    it('keeps every other content type and events whose dates could not be parsed', async () => {
      const all = await ids('feria artesanía tienda información', { filter: at('2026-03-20T12:00:00Z') });
      expect(all.sort()).toEqual(['1', '11', '12', '2', 'faq-info']);
    });
  });
});
