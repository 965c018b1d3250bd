import { existsSync, readFileSync } from 'node:fs';

/** The `wpkb` object of cdk.json's context, so the CLI runs with the same configuration as `cdk deploy`. */
export function readCdkContext(file = 'cdk.json'): unknown {
  if (!existsSync(file)) return undefined;
  const json = JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> };
  return json.context?.wpkb;
}
