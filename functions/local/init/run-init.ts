import { existsSync, readFileSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { formatJson, withWpkbValues } from '../../core/shared/config/cdk-json.js';
import { initBlock, mergeInitBlock } from '../../core/shared/config/init-config.js';
import { loadConfig, type WpkbConfig } from '../../core/shared/config/load.js';
import { ConfigError, oneLine } from '../../core/shared/errors.js';
import { silentLog } from '../../core/shared/logger.js';
import { createWordPressClient } from '../../core/wordpress/client.js';
import { inspectSite, type SiteInspection } from '../../core/wordpress/inspect-site.js';
import type { Print } from '../runner/print.js';
import { inspectionTables } from './print-inspection.js';

export interface InitOptions {
  wpUrl: string;
  types?: readonly string[];
  /** The file whose `context.wpkb` is read and, with `write`, written (cdk.json). */
  file: string;
  write: boolean;
  sampleSize?: number;
  /** WPKB_* variables (an application password for sites that need one). */
  env?: Record<string, string | undefined>;
  print: Print;
}

export interface InitOutcome {
  ok: boolean;
  /** One line saying what failed (set when ok is false): nothing was written. */
  error?: string;
  inspection?: SiteInspection;
  /** The whole `wpkb` block proposed (existing keys kept), validated. */
  wpkb?: Record<string, unknown>;
  /** The configuration a run will use with it. */
  config?: WpkbConfig;
}

/** The file's text and its `context.wpkb` (both undefined when there is no file). */
function readContext(file: string): { text: string | undefined; context: unknown } {
  if (!existsSync(file)) return { text: undefined, context: undefined };
  const text = readFileSync(file, 'utf8');
  try {
    return { text, context: (JSON.parse(text) as { context?: { wpkb?: unknown } }).context?.wpkb };
  } catch (cause) {
    throw new ConfigError(`${file}: not valid JSON; nothing written`, { cause });
  }
}

/**
 * `wpkb init`: inspects the site, prints what it found and chose, and proposes the `wpkb` block —
 * validated with the schema every run uses — printing it, or writing it into `file` with `write`.
 */
export async function runInit(options: InitOptions): Promise<InitOutcome> {
  const { print, file, wpUrl } = options;
  try {
    const { text, context } = readContext(file);
    const env = options.env ?? {};
    const current = loadConfig({ context, env, overrides: { site: { url: wpUrl } } });
    const client = createWordPressClient(
      {
        ...current.wordpress,
        siteUrl: wpUrl,
        ...(env.WPKB_WP_APP_PASSWORD ? { password: env.WPKB_WP_APP_PASSWORD } : {}),
      },
      { log: silentLog },
    );
    const inspection = await inspectSite(client, wpUrl, {
      ...(options.types?.length ? { types: options.types } : {}),
      ...(options.sampleSize ? { sampleSize: options.sampleSize } : {}),
    });
    const block = initBlock(inspection);
    if (block.contentTypes.length === 0) {
      throw new ConfigError(`WordPress site ${wpUrl} has no post type with published items to index`);
    }
    const wpkb = mergeInitBlock(context, block);
    const config = loadConfig({ context: wpkb, env }); // the schema every run uses
    print(`wpkb init: ${inspection.name || wpUrl} (${wpUrl})`);
    for (const table of inspectionTables(inspection)) print(table);
    print(`\nwpkb block (context.wpkb of ${file}; its other keys are kept):`);
    print(formatJson(block));
    if (!options.write) {
      print(`\nnothing written: add --write to write it into ${file}`);
    } else {
      await writeFileAtomic(
        file,
        withWpkbValues(text, { site: wpkb.site, contentTypes: wpkb.contentTypes }, file),
      );
      print(`\nwrote ${file}; run it: npm start -- --wp-url ${wpUrl}`);
    }
    return { ok: true, inspection, wpkb, config };
  } catch (error) {
    return { ok: false, error: oneLine(error) };
  }
}
