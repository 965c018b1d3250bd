import { describe, expect, it } from 'vitest';
import { buildRunReport, type RunOutcome } from '../../../functions/core/pipeline/report.js';

const counts = (fetched: number, changed: number) => ({
  fetched,
  new: 0,
  changed,
  unchanged: fetched - changed,
  deleted: 0,
  skipped: 0,
});

const outcome: RunOutcome = {
  runId: 'r1',
  site: 'https://mall.example.cl',
  startedAt: '2026-11-21T03:00:00.000Z',
  finishedAt: '2026-11-21T03:01:00.000Z',
  forced: false,
  extracts: [
    { type: 'stores', pages: 2, requests: 3, retries: 1, durationMs: 900 },
    { type: 'event', pages: 1, requests: 1, retries: 0, durationMs: 300 },
  ],
  transform: { types: { stores: counts(120, 2), event: counts(30, 1) }, changes: 3 },
  durationsMs: { extract: 900, transform: 400 },
};

describe('buildRunReport', () => {
  it('a finished transform without error: succeeded, with totals and per-type extract figures', () => {
    const report = buildRunReport(outcome);
    expect(report).toMatchObject({ runId: 'r1', status: 'succeeded', changes: 3, forced: false });
    expect(report.totals).toEqual({
      fetched: 150,
      new: 0,
      changed: 3,
      unchanged: 147,
      deleted: 0,
      skipped: 0,
    });
    expect(report.extract).toEqual({
      stores: { pages: 2, requests: 3, retries: 1, durationMs: 900 },
      event: { pages: 1, requests: 1, retries: 0, durationMs: 300 },
    });
    expect(report).not.toHaveProperty('error');
  });

  it('an error fails the run, whatever got done', () => {
    const report = buildRunReport({ ...outcome, error: 'kb/ write failed' });
    expect(report).toMatchObject({ status: 'failed', error: 'kb/ write failed', changes: 3 });
  });

  it('a run that stopped before the transform failed, with zero counts', () => {
    const { transform: _t, ...early } = outcome;
    const report = buildRunReport({ ...early, extracts: [], error: 'stores: GET … failed with HTTP 503' });
    expect(report).toMatchObject({ status: 'failed', types: {}, changes: 0, extract: {} });
    expect(report.totals.fetched).toBe(0);
  });
});
