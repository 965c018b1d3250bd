/**
 * Boilerplate: paragraphs a theme or an editor copied into many items of a content type — a "you may
 * also like" block, a legal note, or (seen on the reference mall) a paragraph describing one brand pasted
 * into many other stores' pages. Left in, such a paragraph is embedded into every document that carries
 * it: each of them then matches questions about the block's subject (ask for the brand, get a dozen
 * unrelated stores) and all of them look alike to retrieval.
 *
 * The rule, over the normalised items of ONE type:
 *
 * - a body paragraph (text between blank lines) is compared by its key: Unicode NFC, whitespace runs
 *   collapsed, lower case — so `<p>` vs `<br>` spacing or capitals do not hide a copy;
 * - it is boilerplate when at least `minShare` of the type's items (and never fewer than 2) hold it, the
 *   type has at least `minItems` items, and it has at least `minWords` words with a letter (short lines
 *   many items share — "Nivel 2", an opening-hours line — are more likely facts that coincide than a
 *   template block);
 * - boilerplate paragraphs leave the body of every item, except the items whose title the paragraph
 *   names (the brand's own page keeps the description of the brand);
 * - structured fields (ACF) are never touched: items sharing a schedule or a level share a fact.
 *
 * Deterministic and order-free: the decision depends only on the set of items given now — no memory of
 * earlier runs — so the same items give the same bytes, a run that changes nothing rewrites nothing, and
 * one edited item rewrites other documents only when it moves a block across the threshold. The tradeoff
 * of having no memory (no hysteresis): a block held by a share of items right at the threshold enters or
 * leaves the block set as single items come and go, and each crossing rewrites the documents that carry
 * it, once. A memory of the previous block set would damp that, but documents would then depend on run
 * history, and a rebuilt bucket could differ from the one it replaces.
 *
 * Pure (node:crypto hashes the counted paragraphs): it runs in the transform Lambda, the local runner and
 * tests alike, over an array (`removeBoilerplate`) or one item at a time in two passes (the streaming
 * transform: `BoilerplateCounter`, then `BoilerplateRemover`), with the same result.
 */

import { createHash } from 'node:crypto';

export interface BoilerplateSettings {
  /** Off: bodies are left as they are. */
  enabled: boolean;
  /** Share of the type's items (0–1] a paragraph must appear in to be boilerplate. */
  minShare: number;
  /** Types with fewer items are left alone: a share of a handful of items says little. */
  minItems: number;
  /** Paragraphs with fewer words (runs of letters and digits holding a letter) are never boilerplate. */
  minWords: number;
}

/** What boilerplate detection needs of an item: its title and its body (paragraphs between blank lines). */
export interface BodyItem {
  title: string;
  body: string;
}

export interface BoilerplateBlock {
  /** The paragraph as written (the smallest of its spellings, so it does not depend on item order). */
  text: string;
  /** Items of the type holding it. */
  items: number;
}

/** Per type, what the run report says about boilerplate. */
export interface BoilerplateCounts {
  /** False when detection is off for the type (then every count is 0). */
  enabled: boolean;
  /** Distinct paragraphs found to be boilerplate. */
  blocks: number;
  /** Paragraphs left out of documents (a block counts once per item it was removed from). */
  paragraphsRemoved: number;
  /** Items whose body lost at least one paragraph. */
  itemsChanged: number;
  /** The most widespread blocks, cut to EXAMPLE_CHARS, at most MAX_EXAMPLES, for people reading it. */
  examples: BoilerplateBlock[];
}

export interface BoilerplateResult<T extends BodyItem> {
  /** The items in the order given; an item that lost nothing is the same object. */
  items: T[];
  counts: BoilerplateCounts;
}

const MAX_EXAMPLES = 5;
const EXAMPLE_CHARS = 120;
const PARAGRAPH_BREAK = '\n\n';
const WORD = /[\p{L}\p{N}]*\p{L}[\p{L}\p{N}]*/gu;
const ALNUM = /[\p{L}\p{N}]/u;

/** The comparison key of a paragraph: NFC, whitespace collapsed, trimmed, lower case. */
export function paragraphKey(paragraph: string): string {
  return paragraph.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** A body's paragraphs: what normalisation separates with a blank line (joining them gives the body back). */
export function paragraphsOf(body: string): string[] {
  return body === '' ? [] : body.split(PARAGRAPH_BREAK);
}

const wordCount = (key: string): number => key.match(WORD)?.length ?? 0;

/**
 * Items needed for a block: ⌈minShare × items⌉, at least 2. The product is rounded to 9 decimals first
 * so that 0.3 × 10 counts as 3, not 3.0000000000000004 → 4.
 */
export function requiredItems(minShare: number, itemCount: number): number {
  const exact = Math.round(minShare * itemCount * 1e9) / 1e9;
  return Math.max(2, Math.ceil(exact));
}

/** Symbols that join the parts of one name: `B+D`, `W.O.K`, `H&M`, `7-Eleven`, `Café 3.0`. */
const JOINER = /[+.&'’_\-/·]/u;

/** True when the character at `at` continues a word or a name (a letter, a digit, or a joiner before one). */
function continues(text: string, at: number, step: 1 | -1): boolean {
  const char = text[at];
  if (char === undefined) return false;
  if (ALNUM.test(char)) return true;
  const next = text[at + step];
  return JOINER.test(char) && next !== undefined && ALNUM.test(next);
}

/** True when `name` (a key) occurs in `key` as a whole: not as part of a longer word or name. */
function names(key: string, name: string): boolean {
  if (!ALNUM.test(name)) return false;
  for (let at = key.indexOf(name); at !== -1; at = key.indexOf(name, at + 1)) {
    if (!continues(key, at - 1, -1) && !continues(key, at + name.length, 1)) return true;
  }
  return false;
}

const noBoilerplate = (enabled: boolean): BoilerplateCounts => ({
  enabled,
  blocks: 0,
  paragraphsRemoved: 0,
  itemsChanged: 0,
  examples: [],
});

/** A paragraph's key as counted: its MD5 (base64), so that counting a type's paragraphs costs 16 bytes each. */
const hashKey = (key: string): string => createHash('md5').update(key).digest('base64');

/**
 * The first pass over a type's items, one at a time: counts, per paragraph key (hashed), the items holding
 * it. `blocks()` then tells which keys are boilerplate. Memory: one small entry per distinct paragraph of
 * at least `minWords` words, whatever the items' size — the streaming transform's first pass.
 */
export class BoilerplateCounter {
  private readonly counts = new Map<string, number>();
  private items = 0;

  constructor(private readonly settings: BoilerplateSettings) {}

  add(item: BodyItem): void {
    this.items++;
    if (!this.settings.enabled) return;
    const seen = new Set<string>();
    for (const paragraph of paragraphsOf(item.body)) {
      const key = paragraphKey(paragraph);
      if (wordCount(key) < this.settings.minWords) continue;
      const hash = hashKey(key);
      if (seen.has(hash)) continue;
      seen.add(hash);
      this.counts.set(hash, (this.counts.get(hash) ?? 0) + 1);
    }
  }

  /** The type's boilerplate: hashed key → items holding it (empty when off or the type is too small). */
  blocks(): BoilerplateBlocks {
    const blocks = new Map<string, number>();
    const { settings } = this;
    if (settings.enabled && this.items >= settings.minItems) {
      const required = requiredItems(settings.minShare, this.items);
      for (const [hash, count] of this.counts) if (count >= required) blocks.set(hash, count);
    }
    return { enabled: settings.enabled, blocks };
  }
}

export interface BoilerplateBlocks {
  enabled: boolean;
  /** Hashed paragraph key → items of the type holding it. */
  blocks: ReadonlyMap<string, number>;
}

/**
 * The second pass, one item at a time: leaves the blocks out of the item's body (except where the item's
 * title names the block) and counts what it did. `counts()` at the end gives the type's report.
 */
export class BoilerplateRemover {
  private readonly tally = noBoilerplate(true);
  /** Per block: its smallest spelling seen (examples must not depend on item order). */
  private readonly texts = new Map<string, string>();

  constructor(private readonly found: BoilerplateBlocks) {}

  /** The item without the type's boilerplate paragraphs; the same object when it loses nothing. */
  apply<T extends BodyItem>(item: T): T {
    const { blocks } = this.found;
    if (blocks.size === 0) return item;
    const title = paragraphKey(item.title);
    const paragraphs = paragraphsOf(item.body);
    const seen = new Set<string>();
    const kept = paragraphs.filter((paragraph) => {
      const key = paragraphKey(paragraph);
      const hash = hashKey(key);
      if (!blocks.has(hash)) return true;
      // Spellings count once per item, its first (as the counting pass sees the item).
      if (!seen.has(hash)) {
        seen.add(hash);
        const text = paragraph.trim();
        const known = this.texts.get(hash);
        if (known === undefined || text < known) this.texts.set(hash, text);
      }
      return names(key, title);
    });
    if (kept.length === paragraphs.length) return item;
    this.tally.paragraphsRemoved += paragraphs.length - kept.length;
    this.tally.itemsChanged++;
    return { ...item, body: kept.join(PARAGRAPH_BREAK) };
  }

  counts(): BoilerplateCounts {
    const { enabled, blocks } = this.found;
    if (blocks.size === 0) return noBoilerplate(enabled);
    const examples = [...blocks].map(([hash, items]) => ({ text: this.texts.get(hash) ?? '', items }));
    return {
      ...this.tally,
      blocks: blocks.size,
      examples: examples
        .sort((a, b) => b.items - a.items || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
        .slice(0, MAX_EXAMPLES)
        .map((block) => ({
          text: block.text.length > EXAMPLE_CHARS ? `${block.text.slice(0, EXAMPLE_CHARS - 1)}…` : block.text,
          items: block.items,
        })),
    };
  }
}

/** Finds the type's boilerplate paragraphs: key → the block. Exported for tests. */
export function detectBoilerplate(
  items: readonly BodyItem[],
  settings: BoilerplateSettings,
): Map<string, BoilerplateBlock> {
  const counter = new BoilerplateCounter(settings);
  for (const item of items) counter.add(item);
  const { blocks: hashed } = counter.blocks();
  const blocks = new Map<string, BoilerplateBlock>();
  if (hashed.size === 0) return blocks;
  for (const item of items) {
    const seen = new Set<string>();
    for (const paragraph of paragraphsOf(item.body)) {
      const key = paragraphKey(paragraph);
      const items = hashed.get(hashKey(key));
      if (items === undefined || seen.has(key)) continue;
      seen.add(key);
      const text = paragraph.trim();
      const block = blocks.get(key);
      if (!block) blocks.set(key, { text, items });
      else if (text < block.text) block.text = text;
    }
  }
  return blocks;
}

/**
 * Leaves the type's boilerplate paragraphs out of its items' bodies (see the module comment) and counts
 * what it did. Same items, in any order ⇒ the same bodies and counts. The two passes of the streaming
 * transform (BoilerplateCounter, then BoilerplateRemover) over an array.
 */
export function removeBoilerplate<T extends BodyItem>(
  items: readonly T[],
  settings: BoilerplateSettings,
): BoilerplateResult<T> {
  const counter = new BoilerplateCounter(settings);
  for (const item of items) counter.add(item);
  const remover = new BoilerplateRemover(counter.blocks());
  const out = items.map((item) => remover.apply(item));
  return { items: out, counts: remover.counts() };
}
