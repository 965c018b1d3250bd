import type { RetrievedReference } from '@aws-sdk/client-bedrock-agent-runtime';

/** A source of the answer, as the website shows it. */
export interface ChatCitation {
  /** The item's title (document metadata `title`), else the document's file name. */
  title: string;
  /** The item's page (metadata `url`); null for documents without one (curated FAQ). */
  url: string | null;
  /** The start of the passage the agent used, whitespace collapsed. */
  excerpt: string;
}

export const EXCERPT_MAX = 300;

/** A metadata value as display text: a non-blank string trimmed, a number as written, else undefined. */
export const displayText = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : typeof value === 'number'
      ? String(value)
      : undefined;

/** A passage as an excerpt: whitespace collapsed, cut at a word near EXCERPT_MAX characters. */
export function excerptOf(passage: string | undefined): string {
  const flat = (passage ?? '').replace(/\s+/g, ' ').trim();
  if (flat.length <= EXCERPT_MAX) return flat;
  const cut = flat.slice(0, EXCERPT_MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > EXCERPT_MAX * 0.6 ? cut.slice(0, space) : cut}…`;
}

/** `s3://bucket/kb/stores/123.csv` → `123.csv`. */
const fileName = (uri: string | undefined) => uri?.split('/').filter(Boolean).pop();

/**
 * Citations from the references the agent's answer was attributed to, one per document: the same
 * item cited by several chunks (or several parts of the answer) is merged into its first mention;
 * documents are told apart by `source_id`, else url, else their S3 location. References with nothing
 * to show (no title, url or location) are dropped.
 */
export function citationsFrom(references: Iterable<RetrievedReference>): ChatCitation[] {
  const byKey = new Map<string, ChatCitation>();
  for (const ref of references) {
    const metadata = (ref.metadata ?? {}) as Record<string, unknown>;
    const uri = ref.location?.s3Location?.uri ?? ref.location?.webLocation?.url;
    const url = displayText(metadata.url) ?? null;
    const title = displayText(metadata.title) ?? fileName(uri);
    const key =
      displayText(metadata.source_id) ??
      url ??
      displayText(metadata['x-amz-bedrock-kb-source-uri']) ??
      uri ??
      title;
    if (key === undefined || title === undefined) continue;
    const excerpt = excerptOf(ref.content?.text);
    const existing = byKey.get(key);
    if (existing) {
      if (!existing.excerpt && excerpt) existing.excerpt = excerpt;
      continue;
    }
    byKey.set(key, { title, url, excerpt });
  }
  return [...byKey.values()];
}
