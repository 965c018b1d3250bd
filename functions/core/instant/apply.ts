import pLimit from 'p-limit';
import { oneLine } from '../shared/errors.js';
import type { Hint } from '../webhook/hint.js';
import { applyItemUpdate, type InstantDeps, type StoreChange } from './item.js';
import { recordInstantUpdate } from './ledger.js';
import { applyTypeUpdate } from './type.js';

/** One applied update (possibly standing for several hints about the same item). */
export interface UpdateOutcome extends StoreChange {
  /** `stores:12`, or `stores:*` for a type-level update. */
  target: string;
  type: string;
  id: number;
  event: Hint['event'];
  durationMs: number;
}

export type UpdateResult<R> =
  | { ok: true; refs: R[]; outcome: UpdateOutcome }
  | { ok: false; refs: R[]; target: string; error: Error };

/** `stores:12`; `stores:*` for the whole type. */
export const targetOf = (hint: Hint): string => `${hint.type.name}:${hint.event === 'type' ? '*' : hint.id}`;

/**
 * Hints that arrive together, coalesced: one update per item (the re-read sees the latest state
 * whatever order the saves came in), and a type-level hint covers every item hint of its type. Each
 * group keeps the references of the hints it stands for (SQS message ids, local request numbers).
 */
export function coalesce<R>(hints: readonly { hint: Hint; ref: R }[]): { hint: Hint; refs: R[] }[] {
  const groups = new Map<string, { hint: Hint; refs: R[] }>();
  const wholeTypes = new Set(hints.filter((h) => h.hint.event === 'type').map((h) => h.hint.type.name));
  for (const { hint, ref } of hints) {
    const target = wholeTypes.has(hint.type.name) ? `${hint.type.name}:*` : targetOf(hint);
    const group = groups.get(target);
    if (group) {
      group.refs.push(ref);
      if (hint.event === 'type') group.hint = hint;
    } else {
      groups.set(target, {
        hint: wholeTypes.has(hint.type.name) ? { ...hint, id: 0, event: 'type' } : hint,
        refs: [ref],
      });
    }
  }
  return [...groups.values()];
}

/**
 * Applies hints that arrived together: coalesced, at most `wordpress.concurrency` updates reading
 * WordPress at once, each recorded in the ledger. One update failing (WordPress down, a bad item) does
 * not stop the others; its hints come back as failed so the caller can retry them. The caller holds
 * the data lock for the whole call.
 */
export async function applyHints<R>(
  hints: readonly { hint: Hint; ref: R }[],
  deps: InstantDeps,
): Promise<UpdateResult<R>[]> {
  const limit = pLimit(deps.config.wordpress.concurrency);
  const termsRunId = `instant-${deps.now().getTime()}`;
  return Promise.all(
    coalesce(hints).map(({ hint, refs }) =>
      limit(async (): Promise<UpdateResult<R>> => {
        const target = targetOf(hint);
        const started = performance.now();
        try {
          // The type as this site has it (REST base, taxonomies): resolved once per client, like extract does.
          const [resolution] = await deps.client.resolveTypes([hint.type]);
          if (!resolution) throw new Error(`${hint.type.name}: the site did not resolve the type`);
          const change =
            hint.event === 'type'
              ? await applyTypeUpdate(resolution.type, deps, { termsRunId })
              : await applyItemUpdate(resolution.type, hint.id, deps, { termsRunId });
          const durationMs = Math.round(performance.now() - started);
          await recordInstantUpdate(deps.storage, {
            at: deps.now().toISOString(),
            type: hint.type.name,
            id: hint.event === 'type' ? 0 : hint.id,
            event: hint.event,
            action: change.action,
            documents: [...change.written, ...change.deleted],
            durationMs,
          });
          const outcome: UpdateOutcome = {
            target,
            type: hint.type.name,
            id: hint.id,
            event: hint.event,
            durationMs,
            ...change,
          };
          deps.log.info('instant update applied', { ...outcome });
          return { ok: true, refs, outcome };
        } catch (cause) {
          const error = cause instanceof Error ? cause : new Error(String(cause));
          deps.log.error('instant update failed', { target, error: oneLine(error) });
          return { ok: false, refs, target, error };
        }
      }),
    ),
  );
}
