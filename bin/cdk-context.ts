import { existsSync, readFileSync } from 'node:fs';

/** The `wpkb` object of cdk.json's context, so the CLI runs with the same configuration as `cdk deploy`. */
export function readCdkContext(file = 'cdk.json'): unknown {
  if (!existsSync(file)) return undefined;
  const json = JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> };
  return json.context?.wpkb;
}

/** The prefix of context keys that override one configuration key: `-c wpkb.cloud.assistant.engine=…`. */
export const CONTEXT_OVERRIDE_PREFIX = 'wpkb.';

/**
 * Configuration overrides from dotted context keys, as `cdk synth -c wpkb.cloud.assistant.engine=knowledge-base`
 * passes them: `{cloud: {assistant: {engine: 'knowledge-base'}}}`. A value that parses as JSON (a number,
 * `true`, an array) is taken as such, anything else as the string given. Other context keys are ignored.
 */
export function contextOverrides(context: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(context)) {
    if (!key.startsWith(CONTEXT_OVERRIDE_PREFIX)) continue;
    const path = key.slice(CONTEXT_OVERRIDE_PREFIX.length).split('.');
    if (
      path.some(
        (part) => part === '' || part === '__proto__' || part === 'constructor' || part === 'prototype',
      )
    ) {
      throw new Error(`context key ${key}: not a configuration key path`);
    }
    let value: unknown = raw;
    if (typeof raw === 'string') {
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
    }
    let node = out;
    for (const part of path.slice(0, -1)) {
      if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[path[path.length - 1] as string] = value;
  }
  return out;
}
