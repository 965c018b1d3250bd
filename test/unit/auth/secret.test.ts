import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { secretCache } from '../../../functions/core/auth/secret-cache.js';
import { readSharedSecret } from '../../../functions/core/auth/shared-secret.js';
import type { Clock } from '../../../functions/core/shared/clock.js';

const sm = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'us-east-1' });
const ID = 'wpkb/prod/webhook';
const VALUE = 'a-shared-secret-of-32-characters';

beforeEach(() => sm.reset());

describe('readSharedSecret', () => {
  it.each([
    ['the plain string', VALUE],
    ['the plain string with a newline (pasted)', `${VALUE}\n`],
    ['{"secret": …}', JSON.stringify({ secret: VALUE })],
    ['{"secret": …} with other keys', JSON.stringify({ secret: ` ${VALUE} `, note: 'rotated 2026-03' })],
  ])('reads %s', async (_name, secretString) => {
    sm.on(GetSecretValueCommand, { SecretId: ID }).resolves({ SecretString: secretString });
    expect(await readSharedSecret(client, ID)).toBe(VALUE);
  });

  it.each([
    ['too short', 'short-secret', /at least 16 characters/],
    ['JSON that does not parse', '{"secret": ', /looks like JSON but does not parse/],
    ['JSON without "secret"', '{"apiKey": "a-shared-secret-of-32-characters"}', /has no "secret" string/],
    ['no SecretString (binary)', undefined, /at least 16 characters/],
  ])('refuses %s, naming the secret and never its value', async (_name, secretString, message) => {
    sm.on(GetSecretValueCommand).resolves(secretString === undefined ? {} : { SecretString: secretString });
    const error = await readSharedSecret(client, ID).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(`secret ${ID}`);
    if (secretString) expect((error as Error).message).not.toContain(secretString);
  });
});

describe('secretCache', () => {
  function counting() {
    let reads = 0;
    let value: string | Error = 'first-value-0123456789';
    let nowMs = 0;
    const clock: Clock = { now: () => new Date(nowMs) };
    const cache = secretCache(async () => {
      reads++;
      if (value instanceof Error) throw value;
      return value;
    }, clock);
    return {
      cache,
      reads: () => reads,
      set: (v: string | Error) => (value = v),
      advance: (ms: number) => (nowMs += ms),
    };
  }

  it('reads once, then again after 5 minutes', async () => {
    const c = counting();
    expect(await c.cache.get()).toBe('first-value-0123456789');
    c.advance(299_000);
    await c.cache.get();
    expect(c.reads()).toBe(1);
    c.set('second-value-0123456789');
    c.advance(2000);
    expect(await c.cache.get()).toBe('second-value-0123456789');
    expect(c.reads()).toBe(2);
  });

  it('refresh reads again only a minute after the last read', async () => {
    const c = counting();
    await c.cache.get();
    c.advance(59_000);
    expect(await c.cache.refresh()).toBeUndefined();
    c.set('rotated-value-0123456789');
    c.advance(1000);
    expect(await c.cache.refresh()).toBe('rotated-value-0123456789');
    expect(await c.cache.get()).toBe('rotated-value-0123456789');
    expect(c.reads()).toBe(2);
  });

  it('keeps no failed read: the next get reads again', async () => {
    const c = counting();
    c.set(new Error('throttled'));
    await expect(c.cache.get()).rejects.toThrow('throttled');
    c.set('back-again-0123456789');
    expect(await c.cache.get()).toBe('back-again-0123456789');
    expect(c.reads()).toBe(2);
  });

  it('concurrent gets share one read', async () => {
    const c = counting();
    await Promise.all([c.cache.get(), c.cache.get(), c.cache.get()]);
    expect(c.reads()).toBe(1);
  });
});
