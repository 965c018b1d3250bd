import { describe, expect, it } from 'vitest';
import { lambdaSettings } from '../../../functions/core/shared/config/lambda-env.js';
import { ConfigError } from '../../../functions/core/shared/errors.js';
import { createMemoryStorage } from '../../../functions/core/storage/memory.js';
import type { Storage } from '../../../functions/core/storage/port.js';
import {
  fullSyncReason,
  markSyncPendingIfReplaced,
  PENDING_SYNC_KEY,
  readSyncedDataSource,
  recordSyncedDataSource,
  SYNCED_DATA_SOURCE_KEY,
  type SyncedDataSource,
} from '../../../functions/core/sync/synced-data-source.js';
import { recordingLog } from './helpers.js';

const CURRENT = { knowledgeBaseId: 'KB12345678', dataSourceId: 'DS12345678' };
const RECORD: SyncedDataSource = {
  ...CURRENT,
  jobId: 'JOB4E2K9QZ',
  runId: 'nightly-0001',
  syncedAt: '2026-11-21T03:20:00.000Z',
};

describe('the synced data source record', () => {
  it('reads back what was recorded; none recorded reads as undefined', async () => {
    const storage = createMemoryStorage();
    const log = recordingLog();
    expect(await readSyncedDataSource(storage, log)).toBeUndefined();
    await recordSyncedDataSource(storage, RECORD);
    expect(await readSyncedDataSource(storage, log)).toEqual(RECORD);
    expect(log.entries).toEqual([]);
  });

  it.each([
    ['not JSON', '{"dataSourceId":'],
    ['another shape', '{"dataSourceId": 42}'],
    ['empty', ''],
  ])('a record that is %s counts as none, with a warning', async (_what, body) => {
    const storage = createMemoryStorage();
    await storage.put(SYNCED_DATA_SOURCE_KEY, body);
    const log = recordingLog();
    expect(await readSyncedDataSource(storage, log)).toBeUndefined();
    expect(log.entries).toEqual([expect.objectContaining({ level: 'warn' })]);
  });

  it('lets a storage failure propagate instead of forcing a sync on a guess', async () => {
    const storage = createMemoryStorage();
    await recordSyncedDataSource(storage, RECORD);
    const failing: Storage = {
      ...storage,
      get: () => Promise.reject(new Error('S3 GetObject failed: SlowDown')),
    };
    await expect(readSyncedDataSource(failing, recordingLog())).rejects.toThrow('SlowDown');
  });

  it('does not take a longer key for the record', async () => {
    const storage = createMemoryStorage();
    await storage.put(`${SYNCED_DATA_SOURCE_KEY}.bak`, JSON.stringify(RECORD));
    expect(await readSyncedDataSource(storage, recordingLog())).toBeUndefined();
  });
});

describe('fullSyncReason', () => {
  it('is undefined only for the very knowledge base and data source recorded', () => {
    expect(fullSyncReason(CURRENT, RECORD)).toBeUndefined();
    expect(fullSyncReason(CURRENT, undefined)).toBe(
      'no complete ingestion is recorded for data source DS12345678 (knowledge base KB12345678)',
    );
    expect(fullSyncReason({ ...CURRENT, dataSourceId: 'DS99999999' }, RECORD)).toBe(
      'the data source changed from DS12345678 (knowledge base KB12345678) to DS99999999 (knowledge base KB12345678) since the last complete ingestion',
    );
    // A replaced knowledge base brings a new data source, but the pair is compared either way.
    expect(fullSyncReason({ ...CURRENT, knowledgeBaseId: 'KB99999999' }, RECORD)).toContain(
      'to DS12345678 (knowledge base KB99999999)',
    );
  });
});

describe('markSyncPendingIfReplaced', () => {
  it('writes the pending-sync marker (the run id) when the data source was replaced, and says why', async () => {
    const storage = createMemoryStorage();
    await recordSyncedDataSource(storage, RECORD);
    const log = recordingLog();
    const reason = await markSyncPendingIfReplaced(
      { storage, log },
      { ...CURRENT, dataSourceId: 'DS99999999' },
      'manual-0002',
    );
    expect(reason).toContain('changed from DS12345678');
    expect((await storage.get(PENDING_SYNC_KEY))?.toString()).toBe('manual-0002');
    expect(log.entries).toEqual([
      expect.objectContaining({ level: 'info', message: expect.stringContaining('Full sync') }),
    ]);
  });

  it('leaves the bucket alone when kb/ was last ingested into this data source', async () => {
    const storage = createMemoryStorage();
    await recordSyncedDataSource(storage, RECORD);
    expect(
      await markSyncPendingIfReplaced({ storage, log: recordingLog() }, CURRENT, 'nightly-0002'),
    ).toBeUndefined();
    expect(await storage.get(PENDING_SYNC_KEY)).toBeUndefined();
  });
});

describe('transform settings', () => {
  const base = { DATA_BUCKET: 'wpkb-data' };

  it('pass the deployed knowledge base and data source when both are set', () => {
    expect(
      lambdaSettings({ ...base, KNOWLEDGE_BASE_ID: 'KB12345678', DATA_SOURCE_ID: 'DS12345678' }, '{}')
        .dataSource,
    ).toEqual(CURRENT);
    expect(lambdaSettings(base, '{}').dataSource).toBeUndefined();
  });

  it('refuse one without the other, or an id that is not one, naming the variable', () => {
    expect(() => lambdaSettings({ ...base, DATA_SOURCE_ID: 'DS12345678' }, '{}')).toThrow(
      new ConfigError(
        'environment KNOWLEDGE_BASE_ID: is not set (KNOWLEDGE_BASE_ID and DATA_SOURCE_ID go together)',
      ),
    );
    expect(() =>
      lambdaSettings({ ...base, KNOWLEDGE_BASE_ID: 'KB12345678', DATA_SOURCE_ID: 'ds-1' }),
    ).toThrow('environment DATA_SOURCE_ID: must be a data source id (10 letters or digits)');
  });
});
