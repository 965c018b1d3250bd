/**
 * Quick manual check of the harness: starts the real WordPress, seeds it, lists the REST endpoints
 * with axios, then stops everything. `npx tsx test/wordpress/check.ts [--keep]` (--keep: leave it
 * running until Ctrl-C, to poke at it with curl).
 */
import axios from 'axios';
import { startWordPress } from './harness.js';
import { seedSite } from './seed.js';

const keep = process.argv.includes('--keep');
const site = await startWordPress({ log: (message) => console.log(message) });
try {
  const seeded = await seedSite(site);
  console.log(`seeded ${seeded.rows.length} posts (${seeded.hidden.length} hidden)`);

  const index = await axios.get(`${site.url}/wp-json/`);
  const routes = Object.keys(index.data.routes as Record<string, unknown>);
  console.log(
    `${site.url}/wp-json/: "${index.data.name}", ${routes.length} routes, namespaces ${index.data.namespaces.join(', ')}`,
  );
  console.log(routes.filter((route) => /^\/wp\/v2\/(event|stores|restaurant)/.test(route)).join('\n'));

  const types = await axios.get(`${site.url}/wp-json/wp/v2/types`);
  for (const [slug, type] of Object.entries(types.data as Record<string, { rest_base: string }>)) {
    console.log(`type ${slug} → /wp/v2/${type.rest_base}`);
  }
  for (const restBase of ['stores', 'restaurant', 'event']) {
    const page = await axios.get(`${site.url}/wp-json/wp/v2/${restBase}`, {
      params: { per_page: 10, _fields: 'id,title,acf' },
    });
    console.log(
      `${restBase}: X-WP-Total ${page.headers['x-wp-total']}, X-WP-TotalPages ${page.headers['x-wp-totalpages']}, first: ${JSON.stringify(page.data[0])}`,
    );
  }
  const past = await axios.get(`${site.url}/wp-json/wp/v2/stores`, {
    params: { per_page: 10, page: 9 },
    validateStatus: () => true,
  });
  console.log(`page past the end: HTTP ${past.status} ${past.data?.code}`);
  const locked = await axios.get(`${site.url}/wp-json/wp/v2/restaurant/${seeded.protectedRow.id}`);
  console.log(
    `protected: ${JSON.stringify({ content: locked.data.content, excerpt: locked.data.excerpt, acf: locked.data.acf })}`,
  );

  const plainIndex = await axios.get(`${site.plainUrl}/wp-json/`, { validateStatus: () => true });
  console.log(
    `plain ${site.plainUrl}/wp-json/: HTTP ${plainIndex.status} ${String(plainIndex.headers['content-type'])}`,
  );
  const plain = await axios.get(`${site.plainUrl}/`, {
    params: { rest_route: '/wp/v2/stores', per_page: 10 },
  });
  console.log(
    `plain ?rest_route=/wp/v2/stores: ${plain.data.length} items, X-WP-Total ${plain.headers['x-wp-total']}`,
  );
  console.log('published stores per MariaDB:', (await site.publishedIds('stores')).join(','));

  if (keep) {
    console.log('running; Ctrl-C to stop');
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
} finally {
  await site.stop();
}
