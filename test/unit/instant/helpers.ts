import { afterAll, beforeAll } from 'vitest';
import type { InstantDeps } from '../../../functions/core/instant/item.js';
import { runPipeline } from '../../../functions/core/pipeline/run.js';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import type { WpkbConfig } from '../../../functions/core/shared/config/schema.js';
import { silentLog } from '../../../functions/core/shared/logger.js';
import { createMemoryStorage, type MemoryStorage } from '../../../functions/core/storage/memory.js';
import type { Storage } from '../../../functions/core/storage/port.js';
import type { Hint } from '../../../functions/core/webhook/hint.js';
import { createWordPressClient } from '../../../functions/core/wordpress/client.js';
import { generateDemoSite } from '../../../functions/local/demo-site/generate.js';
import { type DemoSiteServer, startDemoSite } from '../../../functions/local/demo-site/server.js';
import type { DemoItem, DemoSite } from '../../../functions/local/demo-site/site.js';

/**
 * The suite's demo site: started before its tests (`onStart` gets it and the configuration reading it),
 * closed after them.
 */
export function useDemoSite(onStart: (server: DemoSiteServer, config: WpkbConfig) => void): void {
  let started: DemoSiteServer | undefined;
  beforeAll(async () => {
    started = await demoSite();
    onStart(started, configFor(started));
  });
  afterAll(async () => {
    await started?.close();
  });
}

/** The demo site (small, fixed seed) on 127.0.0.1; its items are live: edits show in the REST API. */
export async function demoSite(): Promise<DemoSiteServer> {
  return startDemoSite({ site: generateDemoSite({ scale: 0.3, seed: 11 }) });
}

export function configFor(server: DemoSiteServer): WpkbConfig {
  return loadConfig({ overrides: { site: { url: server.url } } });
}

export function clientFor(config: WpkbConfig) {
  return createWordPressClient({ ...config.wordpress, siteUrl: config.site.url }, { log: silentLog });
}

/** A store where the nightly run has already run once. */
export async function nightly(
  config: WpkbConfig,
  storage: MemoryStorage = createMemoryStorage(),
  runId = 'run-1',
) {
  const report = await runPipeline({ config, storage, client: clientFor(config), runId });
  return { storage, report };
}

export function deps(config: WpkbConfig, storage: Storage, now = () => new Date()): InstantDeps {
  return { config, storage, client: clientFor(config), log: silentLog, now, sleep: async () => {} };
}

export function hintFor(
  config: WpkbConfig,
  typeName: string,
  id: number,
  event: Hint['event'] = 'upsert',
): Hint {
  const type = config.contentTypes.find((t) => t.name === typeName);
  if (!type) throw new Error(`no type ${typeName}`);
  return { type, id, event, modifiedGmt: null };
}

/** A published store of the demo site with ACF opening hours. */
export function storeWithHours(site: DemoSite, skip = 0): DemoItem {
  const found = (site.items.stores ?? []).filter(
    (item) =>
      item.status === 'publish' &&
      !item.content.protected &&
      Array.isArray((item.acf as { informacion_tienda?: unknown[] })?.informacion_tienda),
  )[skip];
  if (!found) throw new Error('no store with hours');
  return found;
}

let tick = 0;
/** Changes the item's opening hours as an editor's save would (modified_gmt moves). */
export function setHours(item: DemoItem, hours: string): void {
  const info = (item.acf as { informacion_tienda: { info: Record<string, unknown> }[] })
    .informacion_tienda[0];
  if (!info) throw new Error(`store ${item.id} has no info`);
  info.info.schedule = hours;
  tick++;
  item.modified_gmt = `2026-03-02T10:${String(Math.floor(tick / 60) % 60).padStart(2, '0')}:${String(tick % 60).padStart(2, '0')}`;
}

export const text = (memory: MemoryStorage, key: string): string =>
  memory.snapshot().get(key)?.toString('utf8') ?? '';
