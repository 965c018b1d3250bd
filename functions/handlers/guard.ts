import { type ExecutionListItem, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { WpkbError } from '../core/shared/errors.js';
import { parseEvent } from '../core/shared/event.js';
import { type Log, powertoolsLog } from '../core/shared/logger.js';

/** Another execution of the state machine is running: this one must stop before touching anything. */
export class ConcurrentRunError extends WpkbError {
  override readonly name = 'ConcurrentRunError';
  constructor(
    message: string,
    readonly otherExecutionArn: string,
  ) {
    super(message);
  }
}

/** `{"stateMachineArn.$": "$$.StateMachine.Id", "executionArn.$": "$$.Execution.Id"}` */
export const guardEventSchema = z.object({
  stateMachineArn: z.string().regex(/^arn:aws[a-z-]*:states:/, 'must be a state machine ARN'),
  executionArn: z.string().regex(/^arn:aws[a-z-]*:states:/, 'must be an execution ARN'),
});
export type GuardEvent = z.infer<typeof guardEventSchema>;

export interface GuardOutput {
  ok: true;
}

export interface GuardDeps {
  sfn: Pick<SFNClient, 'send'>;
  log: Log;
}

/**
 * The concurrency guard, first state of the state machine: lists the RUNNING executions (every page)
 * and throws ConcurrentRunError when another one runs —
 * `another execution is running: <name>, started <iso>`.
 *
 * Tie-break: executions are ordered by (startDate, executionArn) and only the OLDEST survives. So when
 * two executions start at nearly the same moment and each sees the other, exactly one goes on instead
 * of both failing. If this execution is not in the listing yet (eventual consistency), any other
 * running execution wins.
 */
export function makeGuardHandler(deps: GuardDeps) {
  return async (input: unknown): Promise<GuardOutput> => {
    const { stateMachineArn, executionArn } = parseEvent(guardEventSchema, input, 'guard event');
    const running: ExecutionListItem[] = [];
    let nextToken: string | undefined;
    do {
      const page = await deps.sfn.send(
        new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 100, nextToken }),
      );
      running.push(...(page.executions ?? []));
      nextToken = page.nextToken;
    } while (nextToken);

    const self = running.find((e) => e.executionArn === executionArn);
    const others = running
      .filter((e) => e.executionArn !== executionArn && (e.status === undefined || e.status === 'RUNNING'))
      .filter((e) => self === undefined || isOlder(e, self))
      .sort((a, b) => (isOlder(a, b) ? -1 : 1));
    const blocker = others[0];
    if (blocker) {
      const started = blocker.startDate?.toISOString() ?? 'at an unknown time';
      const more = others.length > 1 ? ` (and ${others.length - 1} more)` : '';
      const message = `another execution is running: ${blocker.name ?? blocker.executionArn}, started ${started}${more}`;
      deps.log.error('Concurrent execution: stopping this one', {
        executionArn,
        otherExecutionArn: blocker.executionArn,
      });
      throw new ConcurrentRunError(message, blocker.executionArn ?? '');
    }
    deps.log.info('No other execution running', { executionArn, running: running.length });
    return { ok: true };
  };
}

/** a started before b (ties broken by ARN, so the order is total). */
function isOlder(a: ExecutionListItem, b: ExecutionListItem): boolean {
  const ta = a.startDate?.getTime() ?? Number.NEGATIVE_INFINITY;
  const tb = b.startDate?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (ta !== tb) return ta < tb;
  return (a.executionArn ?? '') < (b.executionArn ?? '');
}

let cached: ReturnType<typeof makeGuardHandler> | undefined;

export const handler = async (event: unknown): Promise<GuardOutput> => {
  cached ??= makeGuardHandler({ sfn: new SFNClient({}), log: powertoolsLog });
  return cached(event);
};
