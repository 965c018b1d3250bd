/// <reference lib="dom" />
/**
 * The visitor's whole path on a REAL WordPress in a REAL browser: a page with `[wpkb_chat]` on Debian's
 * WordPress (the harness installs and activates the wpkb-connector plugin) opened in Debian's Chromium;
 * the widget the plugin enqueued fetches a visitor token from the plugin's `GET /wp-json/wpkb/v1/token`
 * and asks `wpkb serve` (a child process holding the same secret, bound to the WordPress site and
 * allowing its origin) a question; the answer links the store's page. Then the same page with a site
 * secret that differs from wpkb's: refused, one new token, refused again, "no disponible".
 *
 * Needs `.ci/wordpress-setup.sh` and `.ci/chromium-setup.sh` (root). Run with `npm run test:wordpress`.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unixSeconds, verifyVisitorToken } from '../../functions/core/auth/visitor-token.js';
import { demoDataDir, launchChromium, type ServeProcess, startServeProcess } from '../browser/harness.js';
import { startWordPress, type WordPressSite } from './harness.js';

const SECRET = `wpkb-widget-${randomBytes(16).toString('hex')}`;
const OTHER_SECRET = `wpkb-other-${randomBytes(16).toString('hex')}`;
/** The demo data's store, as `npm start` extracted it: the page the answer must link. */
const FIORDO_KIDS = 'https://www.paseo-cordillera.example/tiendas/fiordo-kids/';
const QUESTION = '¿Dónde está la tienda Fiordo Kids?';

let site: WordPressSite;
let browser: Browser;
let data: Awaited<ReturnType<typeof demoDataDir>>;
let serve: ServeProcess;
let pagePath: string;

async function options(set: Record<string, unknown>): Promise<void> {
  await site.php('plugin.php', { op: 'options', set, get: [] });
}

beforeAll(async () => {
  [site, browser, data] = await Promise.all([startWordPress(), launchChromium(), demoDataDir()]);
  serve = await startServeProcess([
    '--data-dir',
    data.dir,
    '--secret',
    SECRET,
    // Tokens are bound to the site as WordPress names it (home_url()); its pages may call /chat.
    '--wp-url',
    site.url,
    '--allow-origin',
    site.url,
  ]);
  await options({ wpkb_secret: SECRET, wpkb_chat_endpoint: `${serve.url}/chat`, wpkb_chat_bubble: false });
  const [page] = await site.insert([
    { type: 'page', title: 'Asistente virtual', slug: 'asistente-virtual', content: '[wpkb_chat lang="es"]' },
  ]);
  if (!page) throw new Error('the page with [wpkb_chat] was not created');
  pagePath = `/?page_id=${page.id}`;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  const code = await serve?.stop();
  await Promise.all([site?.stop(), data?.remove()]);
  expect(code).toBe(0);
});

interface Visit {
  page: Page;
  /** Requests answered (with the status) or failed (`undefined`), in order. */
  requests: { request: Request; status: number | undefined }[];
  close(): Promise<void>;
}

/** The WordPress page as a visitor opens it, every request and response recorded. */
async function visit(path: string): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const requests: Visit['requests'] = [];
  // On a response, not when its body is loaded: the widget never reads the body of a 401.
  page.on('response', (response) =>
    requests.push({ request: response.request(), status: response.status() }),
  );
  page.on('requestfailed', (request) => requests.push({ request, status: undefined }));
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${site.url}${path}`);
  return { page, requests, close: () => context.close() };
}

const input = (page: Page) => page.getByRole('textbox', { name: /pregunta/i });
const log = (page: Page) => page.getByRole('log');
const tokenRequests = (v: Visit) =>
  v.requests.filter(({ request }) => request.url() === `${site.url}/wp-json/wpkb/v1/token`);
const chatRequests = (v: Visit) =>
  v.requests.filter(({ request }) => request.url() === `${serve.url}/chat` && request.method() === 'POST');

async function ask(page: Page, question: string): Promise<void> {
  await input(page).fill(question);
  await page.getByRole('button', { name: 'Enviar' }).click();
}

describe('the chat widget on a real WordPress page', () => {
  it('loads the plugin’s widget, gets a token from the plugin’s route and shows wpkb serve’s answer with a link to the store', async () => {
    const v = await visit(pagePath);
    try {
      // The element the shortcode rendered, upgraded by the script the plugin enqueued.
      const element = v.page.locator('wpkb-chat');
      expect(await element.getAttribute('endpoint')).toBe(`${serve.url}/chat`);
      expect(await element.getAttribute('token-url')).toBe(`${site.url}/wp-json/wpkb/v1/token`);
      const scripts = v.requests.filter(({ request }) =>
        request.url().startsWith(`${site.url}/wp-content/plugins/wpkb-connector/assets/wpkb-chat.js?ver=`),
      );
      expect(scripts.map((s) => s.status)).toEqual([200]);
      await input(v.page).waitFor();

      await ask(v.page, QUESTION);
      const link = log(v.page).locator(`a[href="${FIORDO_KIDS}"]`);
      await link.waitFor();
      expect(await link.textContent()).toBe('Fiordo Kids');
      expect(await log(v.page).locator('.msg.bot').last().textContent()).toContain('Nivel 2');

      // One token from WordPress, the question carried it, and wpkb serve accepted it.
      const tokens = tokenRequests(v);
      expect(tokens.map((t) => t.status)).toEqual([200]);
      const minted = (await (await tokens[0]?.request.response())?.json()) as {
        token: string;
        expiresAt: number;
      };
      const chats = chatRequests(v);
      expect(chats.map((c) => c.status)).toEqual([200]);
      const headers = await chats[0]?.request.allHeaders();
      expect(headers?.authorization).toBe(`Bearer ${minted.token}`);
      expect(headers?.origin).toBe(site.url);
      // What wpkb serve checked, checked again here: the plugin's secret, this site, 15 minutes.
      const verdict = verifyVisitorToken(minted.token, {
        secret: SECRET,
        site: site.url,
        now: unixSeconds(new Date()),
      });
      expect(verdict.ok && verdict.claims.exp - verdict.claims.iat).toBe(900);
      expect(verdict.ok && verdict.claims.exp).toBe(minted.expiresAt);
      expect(serve.output()).toMatch(/\[serve\] POST \/chat 200 /);
    } finally {
      await v.close();
    }
  });

  it('a site whose secret is not wpkb’s: refused, one new token, refused again, then "no disponible"', async () => {
    await options({ wpkb_secret: OTHER_SECRET });
    const v = await visit(pagePath);
    try {
      await input(v.page).waitFor();
      await ask(v.page, QUESTION);
      await log(v.page)
        .getByText(/no está disponible/)
        .waitFor();
      expect(tokenRequests(v).map((t) => t.status)).toEqual([200, 200]);
      expect(chatRequests(v).map((c) => c.status)).toEqual([401, 401]);
      expect(await log(v.page).locator('a').count()).toBe(0);
      expect(serve.output()).toMatch(/\[serve\] POST \/chat 401 \d+ ms invalid_token/);
    } finally {
      await v.close();
      await options({ wpkb_secret: SECRET });
    }
  });
});
