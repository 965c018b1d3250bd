/**
 * `npm run screenshots`: regenerates docs/img/widget-desktop.png and docs/img/widget-phone.png — the
 * demo page of the real `wpkb serve` over the demo site's data, in Debian's Chromium, after a question.
 * The clock starts at a fixed instant (`--now`) so the answers are the same on every run.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { demoDataDir, launchChromium, ROOT, startServeProcess } from './harness.js';

const OUT = path.join(ROOT, 'docs/img');
const NOW = '2026-03-07T15:00:00-03:00';
const QUESTION = '¿Dónde está la tienda Fiordo Kids?';

const data = await demoDataDir();
const serve = await startServeProcess([
  '--data-dir',
  data.dir,
  '--secret',
  'screenshots-secret-0123456789',
  '--now',
  NOW,
]);
const browser = await launchChromium();
try {
  await mkdir(OUT, { recursive: true });
  const shots = [
    { file: 'widget-desktop.png', url: '/', viewport: { width: 1100, height: 760 }, mobile: false },
    { file: 'widget-phone.png', url: '/?mode=bubble', viewport: { width: 390, height: 780 }, mobile: true },
  ];
  for (const shot of shots) {
    const context = await browser.newContext({
      viewport: shot.viewport,
      deviceScaleFactor: shot.mobile ? 2 : 1,
      isMobile: shot.mobile,
      hasTouch: shot.mobile,
      // The log scrolls smoothly otherwise, and the picture would catch it half-way.
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    await page.goto(`${serve.url}${shot.url}`);
    if (shot.mobile) await page.getByRole('button', { name: 'Abrir el asistente virtual' }).tap();
    const input = page.getByRole('textbox', { name: /pregunta/i });
    await input.fill(QUESTION);
    await input.press('Enter');
    await page.getByRole('log').locator('a[href*="fiordo-kids"]').waitFor();
    await input.fill('¿Qué eventos hay el 25 de abril?');
    await input.press('Enter');
    await page.getByRole('log').locator('a[href*="feria-de-emprendedores"]').waitFor();
    await page.getByRole('log').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.screenshot({ path: path.join(OUT, shot.file) });
    console.log(`wrote ${path.relative(ROOT, path.join(OUT, shot.file))}`);
    await context.close();
  }
} finally {
  await browser.close();
  await serve.stop();
  await data.remove();
}
