import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import { wordpressSchema } from '../../../functions/core/shared/config/schema.js';
import { silentLog } from '../../../functions/core/shared/logger.js';
import { createWordPressClient } from '../../../functions/core/wordpress/client.js';
import { generateDemoSite } from '../../../functions/local/demo-site/generate.js';
import { type DemoSiteServer, startDemoSite } from '../../../functions/local/demo-site/server.js';
import { DEMO_PUBLIC_ORIGIN, isPublic } from '../../../functions/local/demo-site/site.js';

// The demo site is what `npm start` reads: the project's own client must read it completely — items
// and, with the reference configuration's taxonomies, every term — in either permalink mode.
describe.each([true, false])(
  'demo site read by the project client (pretty permalinks: %s)',
  (prettyPermalinks) => {
    let server: DemoSiteServer;
    beforeAll(async () => {
      server = await startDemoSite({ prettyPermalinks, site: generateDemoSite({ scale: 2, seed: 5 }) });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('gets every public item of every configured type, and nothing else', async () => {
      const config = loadConfig({ overrides: { site: { url: server.url } } });
      const client = createWordPressClient(
        { ...wordpressSchema.parse({ concurrency: 4 }), siteUrl: server.url },
        { log: silentLog },
      );
      const resolved = await client.resolveTypes(config.contentTypes);
      for (const { type } of resolved) {
        const expected = (server.site.items[type.restBase] ?? []).filter(isPublic).map((i) => i.id);
        const result = await client.fetchAll(type);
        expect(result.items.map((i) => i.id).sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
        expect(result.pages).toBe(Math.ceil(expected.length / 100));
        expect(result.retries).toBe(0);
        for (const item of result.items) expect(item.link?.startsWith(`${DEMO_PUBLIC_ORIGIN}/`)).toBe(true);
      }
    });

    it('passes discovery and gets every term of every configured taxonomy', async () => {
      const config = loadConfig({ overrides: { site: { url: server.url } } });
      const client = createWordPressClient(
        { ...wordpressSchema.parse({ perPage: 5 }), siteUrl: server.url },
        { log: silentLog },
      );
      const resolved = await client.resolveTypes(config.contentTypes);
      for (const { type } of resolved) {
        expect(type.taxonomies.length, type.name).toBeGreaterThan(0);
        for (const { restBase } of type.taxonomies) {
          const expected = server.site.taxonomies.find((t) => t.restBase === restBase)?.terms ?? [];
          const result = await client.fetchTerms(restBase);
          expect(result.terms.map((t) => [t.id, t.name])).toEqual(expected.map((t) => [t.id, t.name]));
          expect(result.pages).toBe(Math.ceil(expected.length / 5));
        }
      }
    });
  },
);
