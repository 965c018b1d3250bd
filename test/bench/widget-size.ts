import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { WIDGET_FILE } from '../../functions/local/serve/routes/demo.js';

/** The budget of the one widget file a page downloads (issue 11): 30 KB gzipped. */
export const WIDGET_GZIP_BUDGET = 30 * 1024;

/** Bytes of the widget as served, and gzipped at level 9 (what a server's gzip gives, roughly). */
export async function widgetSize(): Promise<{ bytes: number; gzipped: number }> {
  const source = await readFile(WIDGET_FILE);
  return { bytes: source.length, gzipped: gzipSync(source, { level: 9 }).length };
}

export const widgetSizeLine = ({ bytes, gzipped }: { bytes: number; gzipped: number }) =>
  `widget: wpkb-chat.js ${(bytes / 1024).toFixed(1)} KB, ${(gzipped / 1024).toFixed(1)} KB gzipped (budget ${WIDGET_GZIP_BUDGET / 1024} KB)`;
