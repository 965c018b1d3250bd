import { contentTypeSchema, type ResolvedContentType } from '../../../functions/core/shared/config/schema.js';
import type { Log } from '../../../functions/core/shared/logger.js';
import type {
  WordPressClientDeps,
  WordPressClientOptions,
} from '../../../functions/core/wordpress/client.js';
import { resolvedType } from '../resolved.js';

export const baseOptions = (
  siteUrl: string,
  overrides: Partial<WordPressClientOptions> = {},
): WordPressClientOptions => ({
  siteUrl,
  perPage: 10,
  concurrency: 4,
  timeoutMs: 2000,
  maxRetries: 5,
  retryBaseMs: 100,
  retryMaxMs: 1000,
  userAgent: 'wpkb-test/1.0 (+unit tests)',
  ...overrides,
});

export const storesType: ResolvedContentType = resolvedType(
  contentTypeSchema.parse({
    name: 'stores',
    restBase: 'stores',
    label: 'Tienda',
    labelPlural: 'Tiendas',
    metadata: [{ name: 'level', path: 'acf.informacion_tienda.0.info.level' }],
    taxonomies: [],
  }),
);

export const typeFor = (restBase: string, name = restBase): ResolvedContentType =>
  resolvedType(contentTypeSchema.parse({ name, restBase, label: name, labelPlural: name, taxonomies: [] }));

export interface LogLine {
  level: keyof Log;
  message: string;
  extra?: Record<string, unknown>;
}

/** Deps for tests: sleep records and returns at once, random is fixed, logs are kept. */
export function testDeps(overrides: Partial<WordPressClientDeps> = {}) {
  const sleeps: number[] = [];
  const lines: LogLine[] = [];
  const record =
    (level: keyof Log) =>
    (message: string, extra?: Record<string, unknown>): void => {
      lines.push({ level, message, ...(extra ? { extra } : {}) });
    };
  const deps: WordPressClientDeps = {
    log: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  };
  return { deps, sleeps, lines };
}
