import { getPath, isProtectedItem } from '../normalize/item.js';
import type { ResolvedContentType } from '../shared/config/schema.js';
import type { WpItem } from '../shared/types.js';

/**
 * Optional enrichment that no item of a type carries: a `metadata` path or the `dateField` absent from
 * every readable item (a site whose ACF fields are named differently, or that has no ACF). The run goes
 * on without it; the warning says what the documents lack. Nothing is said about a type without items,
 * and a path that some item has is fine (fields are often optional).
 */
export function enrichmentWarnings(type: ResolvedContentType, items: readonly WpItem[]): string[] {
  const readable = items.filter((item) => !isProtectedItem(item));
  if (readable.length === 0) return [];
  const absent = (path: string) => readable.every((item) => getPath(item, path) === undefined);
  const warnings: string[] = [];
  for (const field of type.metadata) {
    if (absent(field.path))
      warnings.push(
        `${type.name}: metadata "${field.name}": none of ${readable.length} items has ${field.path}; documents go without it`,
      );
  }
  if (type.dateField !== undefined && absent(type.dateField)) {
    warnings.push(
      `${type.name}: date field ${type.dateField}: none of ${readable.length} items has it; documents go without dates`,
    );
  }
  return warnings;
}
