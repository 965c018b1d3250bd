import { describe, expect, it } from 'vitest';
import { actionsSettings } from '../../../functions/core/shared/config/actions-env.js';
import { ConfigError } from '../../../functions/core/shared/errors.js';

const config = JSON.stringify({ site: { url: 'https://mall.example.cl', timeZone: 'America/Santiago' } });
const env = { DATA_BUCKET: 'wpkb-prod-data' };

describe('actionsSettings', () => {
  it('reads the bucket and configuration, with defaults for the rest', () => {
    const s = actionsSettings(env, config);
    expect(s.bucket).toBe('wpkb-prod-data');
    expect(s.config.site.timeZone).toBe('America/Santiago');
    expect(s.config.contentTypes.map((t) => t.name)).toEqual(['event', 'stores', 'restaurant']);
    expect([s.catalogCheckSeconds, s.maxBodyBytes]).toEqual([60, 20_000]);
    expect(
      actionsSettings({ ...env, CATALOG_CHECK_SECONDS: '0', MAX_BODY_BYTES: '12000' }, config),
    ).toMatchObject({
      catalogCheckSeconds: 0,
      maxBodyBytes: 12_000,
    });
  });

  it.each([
    [{}, config, 'environment DATA_BUCKET: is not set'],
    [env, undefined, 'config: this Lambda bundle carries no configuration (WPKB_BUNDLED_CONFIG)'],
    [
      { ...env, CATALOG_CHECK_SECONDS: 'soon' },
      config,
      'environment CATALOG_CHECK_SECONDS: must be a number',
    ],
    [{ ...env, MAX_BODY_BYTES: '50000' }, config, 'environment MAX_BODY_BYTES: must be at most 24000'],
    [
      env,
      JSON.stringify({ site: { url: 'https://m.cl', timeZone: 'Mars/Olympus' } }),
      'config key site.timeZone: unknown time zone "Mars/Olympus"',
    ],
  ])('%j with %s → %s', (input, configText, message) => {
    expect(() => actionsSettings(input, configText)).toThrow(ConfigError);
    expect(() => actionsSettings(input, configText)).toThrow(message);
  });
});
