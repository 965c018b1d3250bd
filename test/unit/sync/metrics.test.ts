import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmfMetrics } from '../../../functions/core/sync/metrics.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The EMF lines Powertools writes to stdout while `act` runs. */
function captureStdout(act: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return true;
  });
  act();
  vi.restoreAllMocks();
  return lines
    .join('')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('createEmfMetrics', () => {
  it('writes one EMF record: namespace wpkb, dimension environment only, the count', () => {
    const metrics = createEmfMetrics('mall-prod');

    const records = captureStdout(() => metrics.count('IngestionDocumentsFailed', 3));

    expect(records).toHaveLength(1);
    const record = records[0] as {
      _aws: {
        Timestamp: number;
        CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: unknown[] }[];
      };
      [key: string]: unknown;
    };
    expect(record._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'wpkb',
        Dimensions: [['environment']],
        Metrics: [{ Name: 'IngestionDocumentsFailed', Unit: 'Count' }],
      },
    ]);
    expect(record.environment).toBe('mall-prod');
    expect(record.IngestionDocumentsFailed).toBe(3);
    expect(record).not.toHaveProperty('service');
  });

  it('publishes each count on its own, with the dimension every time', () => {
    const metrics = createEmfMetrics('mall-staging');

    const records = captureStdout(() => {
      metrics.count('IngestionDocumentsFailed', 1);
      metrics.count('IngestionDocumentsFailed', 5);
    });

    expect(records.map((r) => [r.environment, r.IngestionDocumentsFailed])).toEqual([
      ['mall-staging', 1],
      ['mall-staging', 5],
    ]);
  });
});
