import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../functions/core/shared/clock.js';
import type { Passage } from '../../../functions/local/knowledge-base/retrieve.js';
import {
  HELP,
  LOCAL_MODE_NOTE,
  makeLocalAnswerer,
  NOTHING_FOUND,
} from '../../../functions/local/serve/answer/local-answerer.js';
import { buildStore, directory, mallConfig, NOW } from '../actions/helpers.js';

type Directory = ReturnType<typeof directory>;
const config = mallConfig();

const passage = (p: Partial<Passage> & Pick<Passage, 'title' | 'text'>): Passage => ({
  source_id: p.source_id ?? p.title,
  content_type: p.content_type ?? 'faq',
  url: p.url ?? '',
  score: p.score ?? 1,
  key: `kb/${p.content_type ?? 'faq'}/${p.source_id ?? 'x'}.csv`,
  metadata: {},
  ...p,
});

let dir: Directory;
let places: Record<string, Record<string, unknown>>;
beforeAll(async () => {
  dir = directory(await buildStore(config));
  const all = await dir.call('GET', '/places?limit=25');
  places = Object.fromEntries(
    (all.body.places as Record<string, unknown>[]).map((p) => [p.title as string, p]),
  );
});

/** The answerer over the real directory (catalogs from the fixtures) and these passages. */
function answerer(passages: Passage[] = []) {
  const asked: string[] = [];
  const answer = makeLocalAnswerer({
    config,
    clock: fixedClock(NOW),
    retrieve: async () => passages,
    action: async (target) => {
      asked.push(target);
      const { status, body } = await dir.call('GET', target);
      return { status, body };
    },
  });
  return { answer, asked };
}

const storePassage = (title: string, score = 1) => {
  const p = places[title];
  if (!p) throw new Error(`no place ${title}`);
  return passage({
    title,
    content_type: p.type as string,
    source_id: p.source_id as string,
    url: p.url as string,
    score,
    text: `Tienda: ${title}\n${p.summary ?? ''}`,
  });
};

describe('local answerer: the mall directory', () => {
  it('says where the named place is with the directory’s own values, cites its page, and says it is local mode', async () => {
    const { answer } = answerer([storePassage('Óptica Pehuén', 1), storePassage('Óptica Chucao', 0.9)]);
    const result = await answer('¿Dónde está la tienda Óptica Chucao?');
    const card = places['Óptica Chucao'] as Record<string, string>;
    expect(card.level).toBeTruthy();
    expect(result.answer).toContain('**Óptica Chucao** está en:');
    expect(result.answer).toContain(card.level);
    if (card.local) expect(result.answer).toContain(card.local);
    expect(result.answer).not.toContain('Pehuén');
    expect(result.answer.endsWith(LOCAL_MODE_NOTE)).toBe(true);
    expect(result.citations).toEqual([expect.objectContaining({ title: 'Óptica Chucao', url: card.url })]);
  });

  it('answers hours first when hours are asked, from the published hours text', async () => {
    const { answer } = answerer([storePassage('Deportes Andes')]);
    const result = await answer('¿A qué hora cierra Deportes Andes?');
    const card = places['Deportes Andes'] as Record<string, string>;
    const first = result.answer.split('\n').slice(0, 2).join('\n');
    if (card.hours) expect(first).toContain('Horario publicado:');
    else expect(result.answer).toContain('El sitio no publica el horario de **Deportes Andes**');
  });

  it('finds a place written differently through the directory’s name search, or suggests names', async () => {
    const found = await answerer().answer('¿Dónde queda optica chucao?');
    expect(found.answer).toContain('**Óptica Chucao** está en:');
    const suggested = await answerer().answer('¿Dónde está Optica Chucau?');
    expect(suggested.answer).toMatch(/¿Quisiste decir: .*\*\*Óptica Chucao\*\*/);
    expect(suggested.citations).toEqual([]);
  });

  it('lists exactly the events the directory has on the day asked', async () => {
    const { answer, asked } = answerer();
    const result = await answer('¿Qué eventos hay el sábado?');
    expect(asked).toContain('/events?limit=6&from=2026-03-07&to=2026-03-07');
    const listed = await dir.call('GET', '/events?from=2026-03-07&to=2026-03-07&limit=6');
    const titles = (listed.body.events as { title: string; url: string }[]).map((e) => e.title);
    expect(titles.length).toBeGreaterThan(0);
    for (const title of titles) expect(result.answer).toContain(`**${title}**`);
    expect(result.citations.map((c) => c.title)).toEqual(titles);
    expect(result.answer).toContain('sábado 7 de marzo de 2026');
  });

  it('says plainly when no event falls on the days asked', async () => {
    const result = await answerer().answer('¿Qué eventos hay el 2026-12-24?');
    expect(result.answer).toContain('No encontré eventos con fecha el jueves 24 de diciembre de 2026');
    expect(result.citations).toEqual([]);
  });

  it('tells what is open at the time asked, with the directory’s counts', async () => {
    const { answer, asked } = answerer();
    const result = await answer('¿Qué está abierto a las 21:30?');
    expect(asked).toContain('/places/open?limit=6&at=2026-03-05T21%3A30');
    const open = await dir.call('GET', '/places/open?at=2026-03-05T21:30&limit=6');
    const counts = open.body.counts as { open: number };
    if (counts.open === 0) expect(result.answer).toContain('ningún lugar está abierto');
    else
      expect(result.answer).toContain(
        counts.open === 1 ? 'está abierto 1 lugar' : `están abiertos ${counts.open}`,
      );
    expect(result.answer).toContain('a las 21:30');
  });
});

describe('local answerer: passages, never invented', () => {
  const faq = passage({
    title: '¿Hay estacionamiento para bicicletas?',
    text: 'Pregunta frecuente: ¿Hay estacionamiento para bicicletas?\nSí. Hay bicicleteros gratuitos en el acceso norte.\nOtro dato sin relación.',
  });

  it('quotes the lines of the best passage that share words with the question', async () => {
    const result = await answerer([faq]).answer('¿Dónde dejo la bicicleta?');
    expect(result.answer).toContain('Esto dice el sitio:');
    const quoted = result.answer
      .split('\n')
      .filter((l) => l && !l.startsWith('**') && l !== 'Esto dice el sitio:' && l !== LOCAL_MODE_NOTE);
    expect(quoted.length).toBeGreaterThan(0);
    // Extractive: every quoted line is a line of the passage, word for word.
    for (const line of quoted) expect(faq.text.split('\n')).toContain(line);
    expect(result.citations).toEqual([
      { title: faq.title, url: null, excerpt: expect.stringContaining('bicicleteros') },
    ]);
  });

  it('answers "nothing found" rather than quote passages that share no word with the question', async () => {
    const result = await answerer([faq]).answer('asdfgh qwerty');
    expect(result.answer).toBe(`${NOTHING_FOUND}\n\n${LOCAL_MODE_NOTE}`);
    expect(result.citations).toEqual([]);
  });

  it('explains what it can do when the question has no content words', async () => {
    expect((await answerer([faq]).answer('¡Hola!')).answer).toBe(`${HELP}\n\n${LOCAL_MODE_NOTE}`);
  });
});
