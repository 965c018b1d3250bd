import type { WriteCondition } from './port.js';

/**
 * Why `condition` does not hold for an object whose current entity tag is `current` (undefined: no
 * object), or undefined when it holds. The adapters that check preconditions themselves (memory, local)
 * share this rule; S3 checks them server-side.
 */
export function conditionProblem(current: string | undefined, condition: WriteCondition): string | undefined {
  if ('ifNoneMatch' in condition) {
    return current === undefined ? undefined : 'the object already exists (If-None-Match: *)';
  }
  if (current === undefined) return `the object does not exist (If-Match: ${condition.ifMatch})`;
  return current === condition.ifMatch
    ? undefined
    : `the object changed (If-Match: ${condition.ifMatch}, now ${current})`;
}
