import Papa from 'papaparse';
import { cleanInline, cleanText } from '../normalize/html.js';
import { ItemError } from '../shared/errors.js';
import type { NormalisedItem } from '../shared/types.js';

/** The curated FAQ's content type: `kb/faq/…`, never counted by the WordPress deletion guard. */
export const FAQ_TYPE = 'faq';

const REQUIRED_COLUMNS = ['pregunta', 'respuesta'] as const;

/** A readable, stable id from the question itself, so reordering the file rewrites nothing. */
export function faqId(question: string): string {
  const slug = question
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `faq-${slug || 'pregunta'}`;
}

/**
 * Parses a curated FAQ in the reference site's format: `;`-separated CSV with a UTF-8 BOM,
 * columns `pregunta;respuesta;categoria`, answers spanning lines inside quotes. One item per
 * question; a malformed file fails with its name and the line at fault.
 */
export function parseFaq(fileName: string, text: string): NormalisedItem[] {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    delimiter: ';',
    skipEmptyLines: 'greedy',
    transformHeader: (h) => h.trim().toLowerCase(),
  });
  const first = parsed.errors[0];
  if (first) {
    throw new ItemError(`${fileName}: row ${(first.row ?? 0) + 2}: ${first.message}`, FAQ_TYPE, fileName);
  }
  const columns = parsed.meta.fields ?? [];
  for (const column of REQUIRED_COLUMNS) {
    if (!columns.includes(column)) {
      throw new ItemError(
        `${fileName}: missing column "${column}" (found: ${columns.join(', ')})`,
        FAQ_TYPE,
        fileName,
      );
    }
  }
  const seen = new Map<string, number>();
  return parsed.data.map((row, index): NormalisedItem => {
    const question = cleanInline(row.pregunta ?? '');
    const answer = cleanText(row.respuesta ?? '');
    if (!question || !answer) {
      throw new ItemError(
        `${fileName}: row ${index + 2}: "pregunta" and "respuesta" must not be empty`,
        FAQ_TYPE,
        fileName,
      );
    }
    const base = faqId(question);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    const category = cleanInline(row.categoria ?? '');
    return {
      sourceId: count === 1 ? base : `${base}-${count}`,
      contentType: FAQ_TYPE,
      typeLabel: 'Pregunta frecuente',
      title: question,
      url: '',
      modifiedAt: '',
      publishedAt: '',
      body: answer,
      fields: category ? [{ label: 'Categoría', value: category }] : [],
      metadata: category ? { category } : ({} as Record<string, string>),
      protected: false,
    };
  });
}
