import { ConfigError } from '../errors.js';
import { referenceMallConfig } from './defaults.js';
import { type ConfigInput, configSchema, type WpkbConfig } from './schema.js';

type Json = Record<string, unknown>;

/** Where configuration comes from, lowest precedence first. */
export interface ConfigSources {
  /** The `wpkb` object of cdk.json context (may hold `environments.<env>` overrides). */
  context?: unknown;
  /** Process environment: WPKB_* variables (see docs/configuration.md). */
  env?: Record<string, string | undefined>;
  /** Explicit overrides, e.g. from CLI flags. */
  overrides?: Json;
  /** Restrict to these content type names (CLI `--types`). */
  types?: readonly string[];
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Objects merge key by key; arrays and scalars replace. */
export function mergeConfig(base: Json, override: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? mergeConfig(current, value) : value;
  }
  return out;
}

function number(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ConfigError(`environment ${name}: must be a number (got "${raw}")`);
  return value;
}

/** WPKB_* environment variables as a partial configuration. */
export function configFromEnv(env: Record<string, string | undefined>): Json {
  const out: Json = {};
  if (env.WPKB_CONFIG) {
    try {
      Object.assign(out, JSON.parse(env.WPKB_CONFIG));
    } catch (cause) {
      throw new ConfigError('environment WPKB_CONFIG: is not valid JSON', { cause });
    }
  }
  const layer: Json = {
    env: env.WPKB_ENV || undefined,
    site: { url: env.WPKB_WP_URL || undefined },
    wordpress: {
      concurrency: number(env, 'WPKB_CONCURRENCY'),
      username: env.WPKB_WP_USERNAME || undefined,
    },
    deletionGuard: { maxShare: number(env, 'WPKB_MAX_DELETE_SHARE') },
  };
  return mergeConfig(out, layer);
}

function describeIssue(path: PropertyKey[], message: string, input: unknown): string {
  const key = path.map(String).join('.') || '(root)';
  let got: unknown = input;
  for (const part of path)
    got = isObject(got) || Array.isArray(got) ? (got as Json)[String(part)] : undefined;
  const shown = got === undefined ? '' : ` (got ${JSON.stringify(got)?.slice(0, 80)})`;
  return `config key ${key}: ${message}${shown}`;
}

/** Validates a merged configuration; the error names the first bad key and what is wrong. */
export function parseConfig(input: unknown): WpkbConfig {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues;
  if (!first) throw new ConfigError('config: invalid');
  const more = rest.length ? ` (+${rest.length} more)` : '';
  throw new ConfigError(describeIssue(first.path, first.message, input) + more, { cause: result.error });
}

/** The one way configuration is read: defaults ← context ← environment ← overrides, validated once. */
export function loadConfig(sources: ConfigSources = {}): WpkbConfig {
  let merged: Json = referenceMallConfig as unknown as Json;
  if (sources.context !== undefined) {
    if (!isObject(sources.context))
      throw new ConfigError('config key wpkb: must be an object in cdk.json context');
    const { environments, ...base } = sources.context;
    merged = mergeConfig(merged, base);
    const envName = String(sources.overrides?.env ?? sources.env?.WPKB_ENV ?? merged.env ?? 'dev');
    if (isObject(environments) && isObject(environments[envName])) {
      merged = mergeConfig(merged, { ...environments[envName], env: envName });
    }
  }
  if (sources.env) merged = mergeConfig(merged, configFromEnv(sources.env));
  if (sources.overrides) merged = mergeConfig(merged, sources.overrides);
  const config = parseConfig(merged);
  return sources.types?.length ? selectTypes(config, sources.types) : config;
}

/** Keeps only the named content types, in the order given; an unknown name is a ConfigError. */
export function selectTypes(config: WpkbConfig, names: readonly string[]): WpkbConfig {
  const known = new Map(config.contentTypes.map((t) => [t.name, t]));
  const contentTypes = names.map((name) => {
    const type = known.get(name);
    if (!type)
      throw new ConfigError(
        `--types: unknown content type "${name}" (configured: ${[...known.keys()].join(', ')})`,
      );
    return type;
  });
  return { ...config, contentTypes };
}

export type { ConfigInput, WpkbConfig };
