import { readFileSync } from 'node:fs';
import { type ExecutionListItem, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../functions/core/shared/event.js';
import { silentLog } from '../../../functions/core/shared/logger.js';
import { ConcurrentRunError, type GuardEvent, makeGuardHandler } from '../../../functions/handlers/guard.js';

const event = JSON.parse(
  readFileSync(new URL('../../fixtures/sync/guard.json', import.meta.url), 'utf8'),
) as GuardEvent;

const sfnMock = mockClient(SFNClient);
const sfn = new SFNClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
});
const guard = makeGuardHandler({ sfn, log: silentLog });

/** ListExecutions' ExecutionListItem as the SDK returns it (startDate a Date). */
function execution(name: string, startIso: string): ExecutionListItem {
  return {
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:wpkb-prod-pipeline:${name}`,
    stateMachineArn: event.stateMachineArn,
    name,
    status: 'RUNNING',
    startDate: new Date(startIso),
  };
}

const self = execution('nightly-20261121T030000Z', '2026-11-21T03:00:00.123Z');

beforeEach(() => {
  sfnMock.reset();
});

describe('concurrency guard', () => {
  it('lets the execution through when it is the only one running', async () => {
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [self] });

    await expect(guard(event)).resolves.toEqual({ ok: true });
    expect(sfnMock.commandCalls(ListExecutionsCommand)[0]?.args[0].input).toMatchObject({
      stateMachineArn: event.stateMachineArn,
      statusFilter: 'RUNNING',
    });
  });

  it('lets the execution through when the listing does not show it yet and nothing else runs', async () => {
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });

    await expect(guard(event)).resolves.toEqual({ ok: true });
  });

  it('throws ConcurrentRunError naming the other running execution and its start', async () => {
    const stuck = execution('manual-rebuild', '2026-11-20T23:45:10.000Z');
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [self, stuck] });

    const error = await guard(event).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConcurrentRunError);
    expect(error).toMatchObject({ name: 'ConcurrentRunError', otherExecutionArn: stuck.executionArn });
    expect((error as Error).message).toBe(
      'another execution is running: manual-rebuild, started 2026-11-20T23:45:10.000Z',
    );
  });

  it('reads every page of the listing', async () => {
    const fillers = Array.from({ length: 3 }, (_, i) =>
      execution(`filler-${i}`, `2026-11-21T03:00:0${i + 1}.000Z`),
    );
    const older = execution('nightly-20261120T030000Z', '2026-11-20T03:00:00.000Z');
    sfnMock
      .on(ListExecutionsCommand)
      .resolvesOnce({ executions: [self, ...fillers], nextToken: 'page-2' })
      .resolvesOnce({ executions: [older] });

    const error = await guard(event).catch((e: unknown) => e);

    // The fillers started after this execution: they wait for it, they do not block it.
    expect((error as Error).message).toBe(
      'another execution is running: nightly-20261120T030000Z, started 2026-11-20T03:00:00.000Z',
    );
    const calls = sfnMock.commandCalls(ListExecutionsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input.nextToken).toBeUndefined();
    expect(calls[1]?.args[0].input.nextToken).toBe('page-2');
  });

  it('names the oldest blocker and counts the others', async () => {
    sfnMock.on(ListExecutionsCommand).resolves({
      executions: [
        execution('b-second', '2026-11-20T02:00:00.000Z'),
        self,
        execution('a-first', '2026-11-20T01:00:00.000Z'),
      ],
    });

    await expect(guard(event)).rejects.toThrow(
      'another execution is running: a-first, started 2026-11-20T01:00:00.000Z (and 1 more)',
    );
  });

  it('when two start together, only the older goes on', async () => {
    const newer = execution('manual-20261121T030000Z', '2026-11-21T03:00:00.456Z');
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [newer, self] });
    const newerGuard = { ...event, executionArn: newer.executionArn ?? '' };

    await expect(guard(event)).resolves.toEqual({ ok: true });
    await expect(guard(newerGuard)).rejects.toThrow(
      `another execution is running: ${self.name}, started 2026-11-21T03:00:00.123Z`,
    );
  });

  it('fails on any other running execution when its own entry is not listed yet', async () => {
    const later = execution('manual-later', '2026-11-21T03:05:00.000Z');
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [later] });

    await expect(guard(event)).rejects.toBeInstanceOf(ConcurrentRunError);
  });

  it('rejects an event without the ARNs, naming the field', async () => {
    const error = await guard({ stateMachineArn: event.stateMachineArn }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).message).toMatch(/^guard event: executionArn: /);
    expect(sfnMock.commandCalls(ListExecutionsCommand)).toHaveLength(0);
  });
});
