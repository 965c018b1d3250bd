import type { RetrievedReference } from '@aws-sdk/client-bedrock-agent-runtime';
import { describe, expect, it } from 'vitest';
import { citationsFrom, EXCERPT_MAX } from '../../../functions/core/chat/citations.js';

const ref = (
  metadata: Record<string, unknown> | undefined,
  text = 'passage',
  uri = 's3://b/kb/stores/1.csv',
): RetrievedReference => ({
  content: { text },
  location: { type: 'S3', s3Location: { uri } },
  ...(metadata ? { metadata: metadata as RetrievedReference['metadata'] } : {}),
});

describe('citationsFrom', () => {
  it('merges references to the same item (by source_id), keeping the first mention and order', () => {
    const out = citationsFrom([
      ref({ source_id: '2', title: 'B', url: 'https://m/b' }, 'b1'),
      ref({ source_id: '1', title: 'A', url: 'https://m/a' }, 'a1'),
      ref({ source_id: '2', title: 'B', url: 'https://m/b' }, 'b2'),
    ]);
    expect(out).toEqual([
      { title: 'B', url: 'https://m/b', excerpt: 'b1' },
      { title: 'A', url: 'https://m/a', excerpt: 'a1' },
    ]);
  });

  it('falls back to the url, then the S3 location, for identity and to the file name for a title', () => {
    const out = citationsFrom([
      ref({ url: 'https://m/x', title: 'X' }),
      ref({ url: 'https://m/x', title: 'X again' }),
      ref(undefined, 'no metadata', 's3://bucket/kb/faq/faq-horarios.csv'),
      ref(undefined, 'same file', 's3://bucket/kb/faq/faq-horarios.csv'),
    ]);
    expect(out).toEqual([
      { title: 'X', url: 'https://m/x', excerpt: 'passage' },
      { title: 'faq-horarios.csv', url: null, excerpt: 'no metadata' },
    ]);
  });

  it('collapses whitespace and cuts long passages at a word', () => {
    const long = `Tienda:\n  Óptica   Chucao ${'palabra '.repeat(100)}`;
    const [c] = citationsFrom([ref({ source_id: '1', title: 'A' }, long)]);
    expect(c?.excerpt.startsWith('Tienda: Óptica Chucao palabra')).toBe(true);
    expect(c?.excerpt.length).toBeLessThanOrEqual(EXCERPT_MAX);
    expect(c?.excerpt.endsWith('palabra…')).toBe(true);
  });

  it('drops references with nothing to show', () => {
    expect(citationsFrom([{ content: { text: 'orphan' } }])).toEqual([]);
  });
});
