import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../../functions/core/storage/memory.js';
import { describeStorageContract } from './contract.js';

describeStorageContract('memory', async () => createMemoryStorage());

describe('createMemoryStorage', () => {
  it('snapshots every object sorted by key, as copies', async () => {
    const storage = createMemoryStorage();
    await storage.put('kb/b.csv', 'b');
    await storage.put('kb/a.csv', Buffer.from('a'));
    const snapshot = storage.snapshot();
    expect([...snapshot.keys()]).toEqual(['kb/a.csv', 'kb/b.csv']);
    expect(snapshot.get('kb/b.csv')?.toString()).toBe('b');

    snapshot.get('kb/a.csv')?.fill(0x7a);
    snapshot.delete('kb/b.csv');
    expect((await storage.get('kb/a.csv'))?.toString()).toBe('a');
    expect(storage.snapshot().has('kb/b.csv')).toBe(true);
  });

  it('keeps its own copy of written and read bytes', async () => {
    const storage = createMemoryStorage();
    const body = Buffer.from('original');
    await storage.put('kb/a.csv', body);
    body.fill(0x21);
    const read = await storage.get('kb/a.csv');
    read?.fill(0x22);
    expect((await storage.get('kb/a.csv'))?.toString()).toBe('original');
  });
});
