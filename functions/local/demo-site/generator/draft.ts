/** An item before the generator numbers it, and the state the item builders share. */

import type { DemoItem, DemoStatus } from '../site.js';
import type { Random } from './random.js';

export interface Draft {
  restBase: string;
  type: string;
  title: string;
  /** Rendered title; defaults to renderTitle(title). */
  renderedTitle?: string;
  content: string;
  excerpt?: string;
  protected?: boolean;
  status: DemoStatus;
  dateMs: number;
  modifiedMs: number;
  acf: DemoItem['acf'];
  /** Term names by taxonomy REST base. */
  terms?: Record<string, string[]>;
}

export interface Builder {
  r: Random;
  /** Term choices draw from their own sequence, so adding them left every other fixture value as it was. */
  t: Random;
  /** Boilerplate and the symbol-named places: their own sequence too, for the same reason. */
  x: Random;
  drafts: Draft[];
}
