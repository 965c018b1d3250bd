import { describe, expect, it } from 'vitest';
import { actionsSettings } from '../../../functions/core/shared/config/actions-env.js';
import { ConfigError } from '../../../functions/core/shared/errors.js';

const config = JSON.stringify({ site: { url: 'https://mall.example.cl', timeZone: 'America/Santiago' } });
const env = { DATA_BUCKET: 'wpkb-prod-data', WPKB_CONFIG: config };

describe('actionsSettings', () => {
  it('reads the bucket and configuration, with defaults for the rest', () => {
    const s = actionsSettings(env);
    expect(s.bucket).toBe('wpkb-prod-data');
    expect(s.config.site.timeZone).toBe('America/Santiago');
    expect(s.config.contentTypes.map((t) => t.name)).toEqual(['event', 'stores', 'restaurant']);
    expect([s.catalogCheckSeconds, s.maxBodyBytes]).toEqual([60, 20_000]);
    expect(actionsSettings({ ...env, CATALOG_CHECK_SECONDS: '0', MAX_BODY_BYTES: '12000' })).toMatchObject({
      catalogCheckSeconds: 0,
      maxBodyBytes: 12_000,
    });
  });

  it.each([
    [{ WPKB_CONFIG: config }, 'environment DATA_BUCKET: is not set'],
    [{ DATA_BUCKET: 'b-1' }, 'environment WPKB_CONFIG: is not set'],
    [{ ...env, CATALOG_CHECK_SECONDS: 'soon' }, 'environment CATALOG_CHECK_SECONDS: must be a number'],
    [{ ...env, MAX_BODY_BYTES: '50000' }, 'environment MAX_BODY_BYTES: must be at most 24000'],
    [
      { ...env, WPKB_CONFIG: JSON.stringify({ site: { url: 'https://m.cl', timeZone: 'Mars/Olympus' } }) },
      'config key site.timeZone: unknown time zone "Mars/Olympus"',
    ],
  ])('%j → %s', (input, message) => {
    expect(() => actionsSettings(input)).toThrow(ConfigError);
    expect(() => actionsSettings(input)).toThrow(message);
  });
});
