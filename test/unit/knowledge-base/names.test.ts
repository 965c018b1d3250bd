import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../../functions/core/storage/memory.js';
import { hashingFeatures } from '../../../functions/local/knowledge-base/embedder.js';
import { readIndexFile, writeIndexFile } from '../../../functions/local/knowledge-base/index-file.js';
import { type LocalKb, openLocalKb } from '../../../functions/local/knowledge-base/retrieve.js';
import {
  contentWords,
  createSpanishTokenizer,
  searchTerms,
  TOKENIZER_ID,
} from '../../../functions/local/knowledge-base/text.js';
import { embedder, ingest, sidecar, tempDir } from './helpers.js';

/** Names whose parts are single letters (stop words), or numbers: what tokenizers used to lose. */
const NAMES = ['B+D', 'W.O.K', 'H&M', '7-Eleven', 'Café 3.0'];

describe('names made of short tokens and symbols: tokens', () => {
  it('keep a joined form in full text, however short their parts', () => {
    const tokenize = createSpanishTokenizer().tokenize;
    expect(tokenize('Dónde está B+D')).toEqual(['bd']);
    expect(tokenize('Dónde está W.O.K')).toEqual(['wok']);
    expect(tokenize('H&M')).toEqual(['hm']);
    expect(tokenize('7-Eleven')).toEqual(['7', 'elev', '7elev']);
    expect(tokenize('Café 3.0')).toEqual(['caf', '3', '0']);
    // Typed without the symbols, a name meets its joined form.
    expect(searchTerms('wok')).toEqual(searchTerms('W.O.K'));
    expect(searchTerms('7eleven')).toEqual(searchTerms('7-Eleven').slice(-1));
    expect(searchTerms('HM')).toEqual(searchTerms('H&M'));
  });

  it('give every name features in the hashing embedder', () => {
    for (const name of NAMES) {
      expect(contentWords(name).length, name).toBeGreaterThan(0);
      expect(hashingFeatures(`Dónde está ${name}`).size, name).toBeGreaterThan(0);
    }
    expect(contentWords('B+D')).toEqual(['bd']);
  });

  it('join only short names with a letter: slugs, dates and decimals keep their parts alone', () => {
    expect(contentWords('celebramos-el-dia-del-nino')).toEqual(['celebramos', 'nino']);
    expect(contentWords('2026-03-15')).toEqual(['2026', '03', '15']);
    expect(contentWords('19.628')).toEqual(['19', '628']);
    expect(contentWords('gift-card')).toEqual(['gift', 'card']);
    // A symbol at either end joins nothing.
    expect(contentWords('¡Hola! +D.')).toEqual(['hola']);
  });
});

const documents: [string, string][] = [
  ['stores/1', 'Tienda: B+D\nMuebles y decoración de diseño nórdico.'],
  ['stores/2', 'Tienda: H&M\nModa para mujer, hombre y niños.'],
  ['stores/3', 'Tienda: 7-Eleven\nTienda de conveniencia: café para llevar y snacks.'],
  ['restaurant/4', 'Restaurante: W.O.K\nTallarines salteados al momento.'],
  ['restaurant/5', 'Restaurante: Café 3.0\nCafé de especialidad y brunch.'],
  ['restaurant/6', 'Restaurante: Café Andes\nCafé de grano y kuchen, desde 2003.'],
  ['stores/7', 'Tienda: Deco Bruma\nDecoración para el hogar, nivel 3.'],
];
const expected: Record<string, string> = {
  'B+D': '1',
  'H&M': '2',
  '7-Eleven': '3',
  'W.O.K': '4',
  'Café 3.0': '5',
};

describe('names made of short tokens and symbols: retrieval', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let kb: LocalKb;
  const storage = createMemoryStorage();
  beforeAll(async () => {
    dir = await tempDir();
    for (const [name, text] of documents) {
      const id = name.split('/')[1] ?? name;
      await storage.put(`kb/${name}.txt`, text);
      await storage.put(
        `kb/${name}.txt.metadata.json`,
        sidecar({ source_id: id, available_until: 99991231 }),
      );
    }
    await ingest(storage, dir.dir);
    kb = await openLocalKb(dir.dir, embedder);
  });
  afterAll(() => dir.remove());

  const first = async (query: string, mode: 'fulltext' | 'vector' | 'hybrid') =>
    (await kb.retrieve(query, { k: 3, tuning: { mode, tolerance: 0 } }))[0]?.source_id;

  for (const mode of ['fulltext', 'vector', 'hybrid'] as const) {
    it(`finds each place by its name alone at rank 1 (${mode})`, async () => {
      for (const [name, id] of Object.entries(expected)) {
        expect(await first(`Dónde está ${name}`, mode), name).toBe(id);
      }
      expect(await first('wok', mode)).toBe('4');
    });
  }

  it('rebuilds an index whose full-text tokens were made by other rules', async () => {
    const index = await readIndexFile(dir.dir);
    if (!index) throw new Error('no index');
    expect(index.manifest.tokenizer).toBe(TOKENIZER_ID);
    const { tokenizer: _tokenizer, ...older } = index.manifest;
    await writeIndexFile(dir.dir, { ...index, manifest: older });
    expect(await ingest(storage, dir.dir)).toMatchObject({
      filesIndexed: documents.length,
      rebuilt: `full-text tokenizer changed (unnamed → ${TOKENIZER_ID})`,
    });
    expect(await ingest(storage, dir.dir)).toMatchObject({ filesIndexed: 0 });
  });
});
