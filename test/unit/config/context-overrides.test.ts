import { describe, expect, it } from 'vitest';
import { contextOverrides } from '../../../bin/cdk-context.js';
import { loadConfig } from '../../../functions/core/shared/config/load.js';

describe('-c wpkb.<key>=<value> (contextOverrides)', () => {
  it('turns dotted context keys into a nested override, typed when the value is JSON', () => {
    expect(
      contextOverrides({
        env: 'prod',
        wpkb: { env: 'dev' },
        'wpkb.cloud.assistant.engine': 'knowledge-base',
        'wpkb.cloud.assistant.historyTurns': '6',
        'wpkb.cloud.guardrail.enabled': 'true',
        '@aws-cdk/core:checkSecretUsage': true,
      }),
    ).toEqual({
      cloud: { assistant: { engine: 'knowledge-base', historyTurns: 6 }, guardrail: { enabled: true } },
    });
  });

  it('selects the engine on top of the environment, and a bad value is a ConfigError naming the key', () => {
    const config = loadConfig({
      overrides: {
        ...contextOverrides({ env: 'prod', 'wpkb.cloud.assistant.engine': 'knowledge-base' }),
        env: 'prod',
      },
    });
    expect(config.cloud.assistant.engine).toBe('knowledge-base');
    expect(() =>
      loadConfig({ overrides: contextOverrides({ 'wpkb.cloud.assistant.engine': 'agents' }) }),
    ).toThrow(/^config key cloud.assistant.engine: .*\(got "agents"\)/);
  });

  it('refuses paths that are not configuration keys', () => {
    expect(() => contextOverrides({ 'wpkb.__proto__.polluted': 'x' })).toThrow(
      'not a configuration key path',
    );
    expect(() => contextOverrides({ 'wpkb.cloud..engine': 'x' })).toThrow('not a configuration key path');
  });
});
