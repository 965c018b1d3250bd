import { getPath, isProtectedItem } from '../normalize/item.js';
import type { ResolvedContentType } from '../shared/config/schema.js';
import type { WpItem } from '../shared/types.js';

/**
 * Optional enrichment that no item of a type carries: a `metadata` path or the `dateField` absent from
 * every readable item (a site whose ACF fields are named differently, or that has no ACF). The run goes
 * on without it; the warning says what the documents lack. Nothing is said about a type without items,
 * and a path that some item has is fine (fields are often optional). Items are looked at one at a time
 * (`add`), so the streaming transform needs no array of them.
 */
export class EnrichmentTracker {
  private readable = 0;
  private readonly missing: Set<string>;

  constructor(private readonly type: ResolvedContentType) {
    this.missing = new Set([
      ...type.metadata.map((field) => field.path),
      ...(type.dateField === undefined ? [] : [type.dateField]),
    ]);
  }

  add(item: WpItem): void {
    if (isProtectedItem(item)) return;
    this.readable++;
    for (const path of this.missing) if (getPath(item, path) !== undefined) this.missing.delete(path);
  }

  warnings(): string[] {
    const { type, readable, missing } = this;
    if (readable === 0) return [];
    const warnings: string[] = [];
    for (const field of type.metadata) {
      if (missing.has(field.path))
        warnings.push(
          `${type.name}: metadata "${field.name}": none of ${readable} items has ${field.path}; documents go without it`,
        );
    }
    if (type.dateField !== undefined && missing.has(type.dateField)) {
      warnings.push(
        `${type.name}: date field ${type.dateField}: none of ${readable} items has it; documents go without dates`,
      );
    }
    return warnings;
  }
}

export function enrichmentWarnings(type: ResolvedContentType, items: readonly WpItem[]): string[] {
  const tracker = new EnrichmentTracker(type);
  for (const item of items) tracker.add(item);
  return tracker.warnings();
}
