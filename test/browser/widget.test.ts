/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoDataDir,
  type FakeEndpoint,
  fakeChatEndpoint,
  launchChromium,
  type ServeProcess,
  startServeProcess,
} from './harness.js';

/**
 * The chat widget as a visitor meets it: Debian's Chromium driven by playwright-core against the real
 * `wpkb serve` (a child process) over the demo site's data — local answers with visitor tokens — and a
 * second `wpkb serve --endpoint` in front of a fake deployed endpoint, for answers we choose.
 */

const SECRET = 'browser-test-secret-0123456789';
const TOKEN_TTL = 6;
const FIORDO_KIDS = 'https://www.paseo-cordillera.example/tiendas/fiordo-kids/';

let browser: Browser;
let data: Awaited<ReturnType<typeof demoDataDir>>;
let local: ServeProcess;
let proxied: ServeProcess;
let endpoint: FakeEndpoint;

beforeAll(async () => {
  [browser, data, endpoint] = await Promise.all([launchChromium(), demoDataDir(), fakeChatEndpoint()]);
  [local, proxied] = await Promise.all([
    startServeProcess(['--data-dir', data.dir, '--secret', SECRET, '--token-ttl', String(TOKEN_TTL)]),
    startServeProcess(['--endpoint', endpoint.url, '--data-dir', data.dir]),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  const codes = await Promise.all([local?.stop(), proxied?.stop()]);
  await Promise.all([endpoint?.close(), data?.remove()]);
  // SIGTERM stops the server cleanly (exit 0, "stopped").
  expect(codes).toEqual([0, 0]);
  expect(local.output()).toContain('[serve] SIGTERM: stopping');
  expect(local.output()).toContain('[serve] stopped');
});

interface Opened {
  context: BrowserContext;
  page: Page;
  /** Requests the page made, `METHOD path` (with the body for /chat). */
  requests: { method: string; path: string; body: string | null }[];
}

async function open(url: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  const requests: Opened['requests'] = [];
  page.on('request', (r) =>
    requests.push({ method: r.method(), path: new URL(r.url()).pathname, body: r.postData() }),
  );
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(url);
  await page.locator('wpkb-chat textarea').waitFor({ state: 'attached' });
  return { context, page, requests };
}

const input = (page: Page) => page.getByRole('textbox', { name: /pregunta/i });
const log = (page: Page) => page.getByRole('log');
const chats = (o: Opened) => o.requests.filter((r) => r.path.endsWith('/chat'));
const tokenFetches = (o: Opened) => o.requests.filter((r) => r.path === '/token');

async function ask(page: Page, question: string) {
  await input(page).fill(question);
  await page.getByRole('button', { name: 'Enviar' }).click();
}

/** The question every test can ask of the demo data, answered once the store's page is linked. */
async function askWhereFiordoKids(page: Page) {
  await ask(page, '¿Dónde está la tienda Fiordo Kids?');
  await log(page).locator(`a[href="${FIORDO_KIDS}"]`).waitFor();
}

/** Texts the live region held, in order (recorded by a MutationObserver installed now). */
async function recordAnnouncements(page: Page) {
  await page.locator('wpkb-chat').evaluate((el) => {
    const live = el.shadowRoot?.querySelector('[aria-live="polite"]');
    const seen: string[] = [];
    (window as unknown as { __announced: string[] }).__announced = seen;
    if (live)
      new MutationObserver(() => seen.push(live.textContent ?? '')).observe(live, {
        childList: true,
        characterData: true,
        subtree: true,
      });
  });
  return () => page.evaluate(() => (window as unknown as { __announced: string[] }).__announced);
}

describe('the demo page of wpkb serve (local answers, visitor tokens)', () => {
  it('answers "¿Dónde está la tienda Fiordo Kids?" with a link to the store’s page, "escribiendo…" meanwhile', async () => {
    const o = await open(local.url);
    const { page } = o;
    // Hold the answer a moment to see the waiting state.
    await page.route('**/chat', async (route) => {
      await new Promise((r) => setTimeout(r, 600));
      await route.continue();
    });
    const announced = await recordAnnouncements(page);
    await ask(page, '¿Dónde está la tienda Fiordo Kids?');
    await expect.poll(() => log(page).getByText('escribiendo…').isVisible()).toBe(true);
    const link = log(page).locator(`a[href="${FIORDO_KIDS}"]`);
    await link.waitFor();
    expect(await link.textContent()).toBe('Fiordo Kids');
    const answer = log(page).locator('.msg.bot').last();
    expect(await answer.textContent()).toContain('Nivel 2');
    expect(await answer.textContent()).toContain('Modo local');
    expect(await log(page).getByText('escribiendo…').count()).toBe(0);
    // The token flow ran: a token, then the question with it.
    expect(tokenFetches(o).length).toBe(1);
    // Screen readers: "escribiendo…", then the whole answer once — no fragments.
    const texts = await announced();
    expect(texts.filter((t) => t.includes('Fiordo Kids'))).toHaveLength(1);
    expect(texts.at(-1)).toContain('Nivel 2');
    for (const t of texts) expect(t === 'escribiendo…' || t === (texts.at(-1) as string)).toBe(true);
    await o.context.close();
  });

  it('has the semantics a screen reader needs', async () => {
    const o = await open(local.url);
    const snapshot = await o.page.locator('wpkb-chat').ariaSnapshot();
    expect(snapshot).toContain('heading "Asistente virtual"');
    expect(snapshot).toContain('button "Nueva conversación"');
    expect(snapshot).toContain('log "Conversación con el asistente"');
    expect(snapshot).toMatch(/textbox "Escribe tu pregunta"/);
    expect(snapshot).toContain('button "Enviar"');
    await o.context.close();
  });

  it('works with the keyboard alone, with a visible focus', async () => {
    const o = await open(local.url);
    const { page } = o;
    const focusedInWidget = () =>
      page.locator('wpkb-chat').evaluate((el) => {
        const f = el.shadowRoot?.activeElement as HTMLElement | null;
        if (!f) return null;
        const style = getComputedStyle(f);
        return {
          tag: f.localName,
          text: f.textContent,
          outline: style.outlineStyle,
          width: style.outlineWidth,
        };
      });
    const stops: string[] = [];
    for (let i = 0; i < 6 && !stops.includes('textarea'); i++) {
      await page.keyboard.press('Tab');
      const f = await focusedInWidget();
      if (f) {
        stops.push(f.tag);
        expect(f.outline, `focus on ${f.tag} is visible`).not.toBe('none');
        expect(f.width).not.toBe('0px');
      }
    }
    expect(stops).toEqual(['button', 'div', 'textarea']); // nueva conversación, the log, the question
    await page.keyboard.type('¿Dónde está la tienda Fiordo Kids?');
    await page.keyboard.press('Enter');
    await log(page).locator(`a[href="${FIORDO_KIDS}"]`).waitFor();
    await page.keyboard.press('Tab');
    expect((await focusedInWidget())?.text).toBe('Enviar');
    // Back with Shift+Tab, through the link of the answer, to "Nueva conversación"; Enter starts over.
    const back: string[] = [];
    for (let i = 0; i < 8 && back.at(-1) !== 'Nueva conversación'; i++) {
      await page.keyboard.press('Shift+Tab');
      const f = await focusedInWidget();
      back.push(f?.tag === 'a' ? `link ${f.text}` : f?.tag === 'button' ? (f.text ?? '') : (f?.tag ?? ''));
    }
    expect(back).toEqual(['textarea', 'link Fiordo Kids', 'div', 'Nueva conversación']);
    await page.keyboard.press('Enter');
    expect(await log(page).locator(`a[href="${FIORDO_KIDS}"]`).count()).toBe(0);
    expect((await focusedInWidget())?.tag).toBe('textarea');
    await o.context.close();
  });

  it('keeps the session for the tab (sessionStorage) and starts over on "nueva conversación"', async () => {
    const o = await open(local.url);
    const { page } = o;
    await askWhereFiordoKids(page);
    await page.reload();
    await input(page).waitFor();
    // The conversation is still there after a reload, and the next question continues the session.
    await log(page).locator(`a[href="${FIORDO_KIDS}"]`).waitFor();
    await ask(page, '¿Qué está abierto a las 21:30?');
    await log(page).locator('.msg.bot').nth(2).waitFor();
    const [first, second] = chats(o).map((r) => JSON.parse(r.body ?? '{}'));
    expect(first.sessionId).toBeUndefined();
    expect(second.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Nueva conversación' }).click();
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual([]);
    await ask(page, 'hola');
    await log(page).locator('.msg.bot').nth(1).waitFor();
    expect(JSON.parse(chats(o).at(-1)?.body ?? '{}').sessionId).toBeUndefined();
    await o.context.close();
  });

  it('refuses empty, huge and binary messages with a friendly message and sends nothing', async () => {
    const o = await open(local.url);
    const { page } = o;
    await page.getByRole('button', { name: 'Enviar' }).click();
    await log(page).getByText('Escribe una pregunta antes de enviar.').waitFor();
    await input(page).fill('x'.repeat(2001));
    await page.keyboard.press('Enter');
    await log(page).getByText('puede tener hasta 2000 caracteres y tiene 2001').waitFor();
    await input(page).evaluate((el) => {
      (el as HTMLTextAreaElement).value = 'PK\u0003\u0004\u0000\u0000binario';
    });
    await page.keyboard.press('Enter');
    await log(page).getByText('caracteres que no son texto').waitFor();
    expect(chats(o)).toEqual([]);
    await o.context.close();
  });

  it('refreshes the token before it expires', async () => {
    const o = await open(local.url);
    const { page } = o;
    await askWhereFiordoKids(page);
    expect(tokenFetches(o)).toHaveLength(1);
    await page.waitForTimeout(TOKEN_TTL * 1000);
    await ask(page, '¿Dónde está la tienda Fiordo Deco?');
    await log(page).locator('a[href="https://www.paseo-cordillera.example/tiendas/fiordo-deco/"]').waitFor();
    expect(tokenFetches(o)).toHaveLength(2);
    // Every question was accepted with its token: no 401 on the way.
    expect(local.output()).not.toMatch(/POST \/chat 401/);
    await o.context.close();
  });

  it('on a refused token fetches a new one once; refused again, says the assistant is unavailable', async () => {
    const o = await open(local.url);
    const { page } = o;
    let refusals = 1;
    await page.route('**/chat', async (route) => {
      if (refusals-- > 0)
        return route.fulfill({
          status: 401,
          contentType: 'application/json',
          body: '{"error":{"code":"invalid_token","message":"x"}}',
        });
      return route.continue();
    });
    await askWhereFiordoKids(page);
    expect(tokenFetches(o)).toHaveLength(2);
    refusals = 100;
    await ask(page, '¿Y Fiordo Deco?');
    await log(page).getByText('El asistente no está disponible en este momento.').waitFor();
    expect(tokenFetches(o)).toHaveLength(3);
    await o.context.close();
  });

  it('fits a phone: the bubble opens a panel inside the screen, answers, and Escape closes it', async () => {
    const o = await open(`${local.url}/?mode=bubble`, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const { page } = o;
    const launcher = page.getByRole('button', { name: 'Abrir el asistente virtual' });
    expect(await input(page).isVisible()).toBe(false);
    await launcher.tap();
    await input(page).waitFor({ state: 'visible' });
    const box = await page.locator('wpkb-chat').evaluate((el) => {
      const r = el.shadowRoot?.querySelector('.panel')?.getBoundingClientRect();
      return r && { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    });
    expect(box?.left).toBeGreaterThanOrEqual(0);
    expect(box?.right).toBeLessThanOrEqual(390);
    expect(box?.top).toBeGreaterThanOrEqual(0);
    expect(box?.bottom).toBeLessThanOrEqual(844);
    await askWhereFiordoKids(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const sizes = await page
      .locator('wpkb-chat')
      .evaluate((el) =>
        [...(el.shadowRoot?.querySelectorAll('button, textarea') ?? [])].map(
          (b) => b.getBoundingClientRect().height,
        ),
      );
    for (const h of sizes) expect(h).toBeGreaterThanOrEqual(44); // touch targets
    await input(page).focus();
    await page.keyboard.press('Escape');
    expect(await input(page).isVisible()).toBe(false);
    expect(
      await page
        .getByRole('button', { name: 'Abrir el asistente virtual' })
        .evaluate((b) => b.matches(':focus')),
    ).toBe(true);
    await o.context.close();
  });
});

describe('wpkb serve --endpoint: answers we choose from a fake deployed endpoint', () => {
  it('shows the friendly Spanish message for 429, 5xx and a network failure', async () => {
    const o = await open(proxied.url);
    const { page } = o;
    endpoint.respond(429, { error: { code: 'throttled', message: 'busy' } });
    await ask(page, 'hola');
    await log(page).getByText('Hay muchas consultas en este momento.').waitFor();
    endpoint.respond(502, { error: { code: 'upstream_error', message: 'x' } });
    await ask(page, 'hola');
    await log(page).getByText('El asistente no pudo responder ahora.').waitFor();
    await page.route('**/chat', (route) => route.abort('connectionrefused'));
    await ask(page, 'hola');
    await log(page).getByText('No hay conexión con el asistente.').waitFor();
    // The proxy forwarded exactly what the widget sent.
    expect(endpoint.requests.slice(-2).map((b) => JSON.parse(b).message)).toEqual(['hola', 'hola']);
    await o.context.close();
  });

  it('renders HTML in an answer or a citation as text: no element is created, no handler runs', async () => {
    const o = await open(proxied.url);
    const { page } = o;
    const hostile =
      '<img src=x onerror="window.__xss=1"> **Hola** [aquí](javascript:window.__xss=2) <b>negrita</b>';
    endpoint.respond(200, {
      sessionId: 's-xss',
      answer: `${hostile}\n- <script>window.__xss=3</script>`,
      citations: [
        {
          title: '<img src=y onerror="window.__xss=4">Título',
          url: 'javascript:window.__xss=5',
          excerpt: '',
        },
        { title: 'Página real', url: 'https://www.paseo-cordillera.example/faq/', excerpt: '' },
      ],
    });
    await ask(page, 'hola');
    const answer = log(page).locator('.msg.bot').last();
    await answer.getByText('Página real').waitFor();
    await page.waitForTimeout(300); // time for an onerror to fire, were there an image
    const inside = await page.locator('wpkb-chat').evaluate((el) => ({
      images: el.shadowRoot?.querySelectorAll('img, script, b, iframe').length,
      links: [...(el.shadowRoot?.querySelectorAll('.msg.bot a') ?? [])].map((a) => a.getAttribute('href')),
      strong: [...(el.shadowRoot?.querySelectorAll('.msg.bot strong') ?? [])].map((s) => s.textContent),
      xss: (window as unknown as { __xss?: number }).__xss,
    }));
    expect(inside).toEqual({
      images: 0,
      links: ['https://www.paseo-cordillera.example/faq/'],
      strong: ['Hola'],
      xss: undefined,
    });
    const text = (await answer.textContent()) ?? '';
    expect(text).toContain('<img src=x onerror="window.__xss=1">');
    expect(text).toContain('<script>window.__xss=3</script>');
    expect(text).toContain('<img src=y onerror="window.__xss=4">Título');
    // The check can fail: the same text parsed as HTML does run its handler in this browser.
    await page.evaluate((html) => {
      const div = document.createElement('div');
      div.innerHTML = html;
      document.body.append(div);
    }, hostile);
    await expect.poll(() => page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBe(1);
    await o.context.close();
  });
});
