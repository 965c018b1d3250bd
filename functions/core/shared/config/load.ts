import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { referenceMallConfig } from './defaults.js';
import { type ConfigInput, configSchema, contentTypeSchema, type WpkbConfig } from './schema.js';

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

/** The value at a path of keys and array indexes (own properties only), or undefined. */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let node = value;
  for (const part of path) {
    if (!(isObject(node) || Array.isArray(node)) || !Object.hasOwn(node, String(part))) return undefined;
    node = (node as Json)[String(part)];
  }
  return node;
}

/** Where a key of the merged configuration came from, for the error: `environments.prod.cloud.x` or `cloud.x`. */
type KeyNamer = (path: readonly PropertyKey[]) => string;

const plainKey: KeyNamer = (path) => path.map(String).join('.') || '(root)';

/** `config key <key>: <what is wrong> (got <value>)`; an unknown key is named itself, not its object. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown, nameKey: KeyNamer): string {
  const path: PropertyKey[] =
    issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined
      ? [...issue.path, issue.keys[0]]
      : [...issue.path];
  const got = valueAt(input, path);
  const shown =
    got === undefined || issue.code === 'unrecognized_keys'
      ? ''
      : ` (got ${JSON.stringify(got)?.slice(0, 80)})`;
  return `config key ${nameKey(path)}: ${issue.message}${shown}`;
}

/**
 * The issue to tell people about. For a value that matches no alternative (`"auto"` or a list of
 * taxonomies): the alternative whose complaint goes deepest (the list's bad key), not "Invalid input".
 * Among several: an unknown key first, since a misspelt key also makes the real one look missing and
 * the unknown key's message names both.
 */
function telling(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue | undefined {
  const flat = issues.map((issue): z.core.$ZodIssue => {
    if (issue.code !== 'invalid_union') return issue;
    let best: z.core.$ZodIssue | undefined;
    for (const option of issue.errors) {
      const first = telling(option);
      if (first && (best === undefined || first.path.length > best.path.length)) best = first;
    }
    return best && best.path.length > 0 ? { ...best, path: [...issue.path, ...best.path] } : issue;
  });
  return flat.find((issue) => issue.code === 'unrecognized_keys') ?? flat[0];
}

/** Validates a merged configuration; the error names the first bad key and what is wrong. */
export function parseConfig(input: unknown, nameKey: KeyNamer = plainKey): WpkbConfig {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const first = telling(result.error.issues);
  if (!first) throw new ConfigError('config: invalid');
  const rest = result.error.issues.slice(1);
  const more = rest.length ? ` (+${rest.length} more)` : '';
  throw new ConfigError(describeIssue(first, input, nameKey) + more, { cause: result.error });
}

/** Does this (partial) configuration hold a value at this path? */
const holds = (layer: Json, path: readonly PropertyKey[]): boolean => valueAt(layer, path) !== undefined;

/**
 * Names a key `environments.<env>.<key>` when that environment's override holds the value the merged
 * configuration has (no later layer — environment variables, CLI flags — set it again).
 */
function environmentNamer(envName: string, override: Json, later: readonly Json[] = []): KeyNamer {
  return (path) =>
    holds(override, path) && !later.some((layer) => holds(layer, path))
      ? `environments.${envName}.${plainKey(path)}`
      : plainKey(path);
}

/** The `wpkb` context without `environments`, and its environments (each an object, else a ConfigError). */
function splitContext(context: unknown): { base: Json; environments: Record<string, Json> } {
  if (!isObject(context)) throw new ConfigError('config key wpkb: must be an object in cdk.json context');
  const { environments = {}, ...base } = context;
  if (!isObject(environments))
    throw new ConfigError('config key environments: must be an object of environments by name');
  for (const [name, value] of Object.entries(environments)) {
    if (!isObject(value)) throw new ConfigError(`config key environments.${name}: must be an object`);
  }
  return { base, environments: environments as Record<string, Json> };
}

/** The one way configuration is read: defaults ← context ← environment ← overrides, validated once. */
export function loadConfig(sources: ConfigSources = {}): WpkbConfig {
  let merged: Json = referenceMallConfig as unknown as Json;
  let nameKey = plainKey;
  const envLayer = sources.env ? configFromEnv(sources.env) : undefined;
  const later = [envLayer, sources.overrides].filter((layer): layer is Json => layer !== undefined);
  if (sources.context !== undefined) {
    const { base, environments } = splitContext(sources.context);
    merged = mergeConfig(merged, base);
    const envName = String(sources.overrides?.env ?? sources.env?.WPKB_ENV ?? merged.env ?? 'dev');
    // Every environment must be valid, not only the one used now: a misspelt key under
    // environments.prod must fail the dev synth too, not the night of the first prod deploy.
    for (const [name, override] of Object.entries(environments)) {
      if (name !== envName)
        parseConfig(mergeConfig(merged, { ...override, env: name }), environmentNamer(name, override));
    }
    const override = environments[envName];
    if (override) {
      merged = mergeConfig(merged, { ...override, env: envName });
      nameKey = environmentNamer(envName, override, later);
    }
  }
  for (const layer of later) merged = mergeConfig(merged, layer);
  const config = parseConfig(merged, nameKey);
  return sources.types?.length ? selectTypes(config, sources.types) : config;
}

/**
 * Keeps only the named content types, in the order given. A name the configuration does not have is a
 * type with zero configuration (`--types posts,pages`): REST base = name, text from title, content,
 * excerpt and acf, taxonomies and labels from the site.
 */
export function selectTypes(config: WpkbConfig, names: readonly string[]): WpkbConfig {
  const known = new Map(config.contentTypes.map((t) => [t.name, t]));
  const contentTypes = names.map((name) => {
    const type = known.get(name);
    if (type) return type;
    const inferred = contentTypeSchema.safeParse({ name });
    if (!inferred.success)
      throw new ConfigError(
        `--types: "${name}" is not a content type name (${inferred.error.issues[0]?.message ?? 'invalid'})`,
      );
    return inferred.data;
  });
  return parseConfig({ ...config, contentTypes });
}

export type { ConfigInput, WpkbConfig };
