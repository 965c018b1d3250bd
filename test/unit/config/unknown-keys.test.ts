import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import { closestKey } from '../../../functions/core/shared/config/strict.js';
import { ConfigError } from '../../../functions/core/shared/errors.js';

const site = { url: 'https://mall.example.cl' };

/** The one-line message loadConfig throws for these sources. */
function failure(sources: Parameters<typeof loadConfig>[0]): string {
  try {
    loadConfig(sources);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('closestKey', () => {
  it.each([
    ['indexNme', 'indexName'],
    ['contentType', 'contentTypes'],
    ['TextFields', 'textFields'],
    ['deletionGaurd', 'deletionGuard'],
    ['wordpres', 'wordpress'],
  ])('suggests %s → %s', (key, expected) => {
    expect(
      closestKey(key, ['indexName', 'contentTypes', 'textFields', 'deletionGuard', 'wordpress', 'env']),
    ).toBe(expected);
  });

  it('suggests nothing when no key is close', () => {
    expect(closestKey('engine', ['schedule', 'pinecone', 'agent', 'chat'])).toBeUndefined();
    expect(closestKey('x', [])).toBeUndefined();
  });
});

describe('unknown configuration keys', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'at the top level',
      { site, deletionGaurd: { maxShare: 0.5 } },
      'config key deletionGaurd: unknown key, did you mean "deletionGuard"?',
    ],
    [
      'in a nested cloud section',
      { site, cloud: { pinecone: { indexNme: 'x' } } },
      'config key cloud.pinecone.indexNme: unknown key, did you mean "indexName"?',
    ],
    [
      'with no close known key (the known ones are listed)',
      { site, cloud: { zzzzzzzz: { engine: 'knowledge-base' } } },
      'config key cloud.zzzzzzzz: unknown key, known keys: schedule, scheduleEnabled, ',
    ],
    [
      'in a content type',
      { site, contentTypes: [{ name: 'posts', textField: ['content'] }] },
      'config key contentTypes.0.textField: unknown key, did you mean "textFields"?',
    ],
    [
      'in a taxonomy',
      { site, contentTypes: [{ name: 'posts', taxonomies: [{ restBase: 'tags', name: 't', lable: 'T' }] }] },
      'config key contentTypes.0.taxonomies.0.lable: unknown key, did you mean "label"?',
    ],
    [
      'in a chunking strategy',
      { site, cloud: { knowledgeBase: { chunking: { strategy: 'FIXED_SIZE', maxToken: 300 } } } },
      'config key cloud.knowledgeBase.chunking.maxToken: unknown key, did you mean "maxTokens"?',
    ],
  ])('fail %s, naming the key and the closest known one', (_where, overrides, message) => {
    expect(failure({ overrides })).toContain(message);
  });

  it('name the environment an unknown key comes from, and fail for an environment not in use', () => {
    const context = {
      environments: {
        dev: { cloud: { schedule: 'rate(1 day)' } },
        prod: { cloud: { alarmEmial: 'ops@mall.example.cl' } },
      },
    };
    const message = 'config key environments.prod.cloud.alarmEmial: unknown key, did you mean "alarmEmail"?';
    expect(failure({ context })).toBe(message);
    expect(failure({ context, overrides: { env: 'prod' } })).toBe(message);
  });

  it('keep every known key, and values that are maps (field labels) open', () => {
    const config = loadConfig({
      context: { fieldLabels: { any_acf_key: 'Lo que sea' }, environments: { dev: {} } },
    });
    expect(config.fieldLabels.any_acf_key).toBe('Lo que sea');
  });

  it('say what is wrong with an environments block that is not one', () => {
    expect(failure({ context: { environments: [] } })).toBe(
      'config key environments: must be an object of environments by name',
    );
    expect(failure({ context: { environments: { prod: 'x' } } })).toBe(
      'config key environments.prod: must be an object',
    );
  });
});
