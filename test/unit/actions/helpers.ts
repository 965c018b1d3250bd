import { readFileSync } from 'node:fs';
import { transform } from '../../../functions/core/pipeline/transform.js';
import { fixedClock } from '../../../functions/core/shared/clock.js';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import type { WpkbConfig } from '../../../functions/core/shared/config/schema.js';
import type { TermsByTaxonomy, WpItem } from '../../../functions/core/shared/types.js';
import { createMemoryStorage, type MemoryStorage } from '../../../functions/core/storage/memory.js';
import { makeActionHandler } from '../../../functions/handlers/actions.js';
import { localActionEvent } from '../../../functions/local/actions/event.js';
import { resolvedType } from '../resolved.js';

export const actionFixture = (type: string): WpItem[] =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/actions/${type}.json`, import.meta.url), 'utf8'),
  ) as WpItem[];

export const mallConfig = (): WpkbConfig =>
  loadConfig({ overrides: { site: { url: 'https://mall.example.cl', timeZone: 'America/Santiago' } } });

/** Terms of each type's taxonomies, as extract stores them beside the raw items. */
export const actionTerms = (): Record<string, TermsByTaxonomy> =>
  JSON.parse(readFileSync(new URL('../../fixtures/actions/terms.json', import.meta.url), 'utf8')) as Record<
    string,
    TermsByTaxonomy
  >;

/** Writes `catalog/<type>.json` (and the documents) with the real transform, as a pipeline run would. */
export async function buildStore(
  config: WpkbConfig,
  items: Partial<Record<string, WpItem[]>> = {
    event: actionFixture('event'),
    stores: actionFixture('stores'),
    restaurant: actionFixture('restaurant'),
  },
  storage: MemoryStorage = createMemoryStorage(),
): Promise<MemoryStorage> {
  const inputs = config.contentTypes
    .filter((type) => items[type.name] !== undefined)
    .map((type) => ({
      type: resolvedType(type),
      items: items[type.name] ?? [],
      terms: actionTerms()[type.name] ?? {},
    }));
  await transform({ config, storage, inputs, force: true });
  return storage;
}

/** Thursday 5 March 2026, 12:00 in Santiago (UTC-3 in summer). */
export const NOW = '2026-03-05T15:00:00Z';

export interface Called {
  status: number;
  body: Record<string, unknown> & { [key: string]: unknown };
  response: Awaited<ReturnType<ReturnType<typeof makeActionHandler>>>;
}

/** A handler over a store, and `call('GET', '/events?…')` through a Bedrock-shaped event. */
export function directory(storage: MemoryStorage, config = mallConfig(), now = NOW, maxBodyBytes?: number) {
  const handler = makeActionHandler({
    config,
    storage,
    clock: fixedClock(now),
    log: { debug() {}, info() {}, warn() {}, error() {} },
    catalogCheckSeconds: 0,
    ...(maxBodyBytes ? { maxBodyBytes } : {}),
  });
  const call = async (method: string, target: string): Promise<Called> => {
    const response = await handler(localActionEvent(method, target));
    return {
      status: response.response.httpStatusCode,
      body: JSON.parse(response.response.responseBody['application/json'].body),
      response,
    };
  };
  return { handler, call };
}

/** Items of a list body. */
export const listOf = <T = Record<string, unknown>>(body: Record<string, unknown>, key: string): T[] =>
  body[key] as T[];
