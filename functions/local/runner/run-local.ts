import path from 'node:path';
import { LOCAL_NIGHTLY_LOCK } from '../../core/instant/nightly.js';
import { type RunReport, writeRunReport } from '../../core/pipeline/report.js';
import { runPipeline } from '../../core/pipeline/run.js';
import { type Clock, systemClock } from '../../core/shared/clock.js';
import { loadConfig, type WpkbConfig } from '../../core/shared/config/load.js';
import { oneLine, WpkbError } from '../../core/shared/errors.js';
import { type Log, silentLog } from '../../core/shared/logger.js';
import { withDataLock } from '../../core/storage/data-lock.js';
import { startDemoSite } from '../demo-site/server.js';
import { chunkingFromConfig, embedderFromConfig } from '../knowledge-base/from-config.js';
import { ingestLocalKb } from '../knowledge-base/ingest.js';
import { createLocalStorage } from '../storage/directory.js';
import { type DataDirLock, lockDataDir } from './data-dir-lock.js';
import { mirrorKnowledgeDir } from './knowledge.js';
import { boilerplateLine, localIndexLines, type Print, progressPrinter, summaryTable } from './print.js';
import { createProgress } from './progress.js';

export interface LocalRunOptions {
  /** A real site; without it the bundled demo site is served on 127.0.0.1 and used. */
  wpUrl?: string;
  dataDir: string;
  types?: readonly string[];
  force?: boolean;
  /** Read every item again (`--full`). */
  full?: boolean;
  /** Curated knowledge folder mirrored to `curated/` (default: none). */
  knowledgeDir?: string;
  /** cdk.json's `wpkb` context, so local runs use the same configuration as deploys. */
  context?: unknown;
  env?: Record<string, string | undefined>;
  print: Print;
  /** The terminal `print` writes to, if it is one: progress bars there (plain progress lines otherwise). */
  tty?: NodeJS.WriteStream;
  log?: Log;
  clock?: Clock;
}

export interface LocalRunOutcome {
  ok: boolean;
  report?: RunReport;
  /** One line saying what failed (set when ok is false). */
  error?: string;
}

/** A path as people read it: relative below the working directory, absolute elsewhere. */
function displayPath(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  return relative === '' ? '.' : relative.startsWith('..') ? dir : relative;
}

/**
 * `npm start`: the whole pipeline on one machine, into a directory that mirrors the bucket. One run per
 * data directory: a second one at the same time is refused with one line naming the holder.
 */
export async function runLocal(options: LocalRunOptions): Promise<LocalRunOutcome> {
  let lock: DataDirLock;
  try {
    lock = await lockDataDir(options.dataDir, {
      command: 'wpkb run',
      onStale: (message) => options.print(`wpkb: ${message}`),
    });
  } catch (error) {
    return { ok: false, error: oneLine(error) };
  }
  try {
    return await runLocked(options);
  } finally {
    await lock.release();
  }
}

async function runLocked(options: LocalRunOptions): Promise<LocalRunOutcome> {
  const progress = createProgress({
    ...(options.tty ? { tty: options.tty } : {}),
    print: options.print,
  });
  const print = progress.print;
  const env = options.env ?? {};
  const demo = options.wpUrl ? undefined : await startDemoSite();
  try {
    const url = options.wpUrl ?? demo?.url;
    const config: WpkbConfig = loadConfig({
      context: options.context,
      env,
      overrides: url ? { site: { url } } : {},
      ...(options.types?.length ? { types: options.types } : {}),
    });
    const storage = createLocalStorage(options.dataDir);
    if (options.knowledgeDir) await mirrorKnowledgeDir(options.knowledgeDir, storage);
    print(
      `wpkb: ${demo ? `demo site ${config.site.url}` : config.site.url} → ${displayPath(options.dataDir)}/ (${config.contentTypes.map((t) => t.name).join(', ')})`,
    );
    const report = await runPipeline({
      config,
      storage,
      force: options.force ?? false,
      full: options.full ?? false,
      ...(env.WPKB_WP_APP_PASSWORD ? { password: env.WPKB_WP_APP_PASSWORD } : {}),
      log: options.log ?? silentLog,
      clock: options.clock ?? systemClock,
      onProgress: progressPrinter(print, progress),
    });
    // The local "sync": kb/ into the local knowledge base (`wpkb ask`), incrementally — under the data
    // lock, so `wpkb serve`'s instant updates of the same index wait for it.
    const embedder = await embedderFromConfig(config);
    const localIndex = await withDataLock(
      storage,
      {
        owner: `run:${report.runId}`,
        purpose: 'local index',
        ...LOCAL_NIGHTLY_LOCK,
        log: options.log ?? silentLog,
      },
      () =>
        ingestLocalKb({
          storage,
          dataDir: options.dataDir,
          chunking: chunkingFromConfig(config),
          embedder,
          log: options.log ?? silentLog,
          onFiles: (done, total) => progress.update('index', done, total),
        }),
    )
      .finally(() => progress.finish('index'))
      .catch(async (cause) => {
        // The documents are written; the run still failed, and its report must say so.
        const error = new WpkbError(`local knowledge base: ${oneLine(cause)}`, { cause });
        await writeRunReport(storage, { ...report, status: 'failed', error: error.message });
        throw error;
      });
    const lines = localIndexLines(localIndex);
    print(lines.progress);
    report.localIndex = localIndex;
    await writeRunReport(storage, report);
    print(summaryTable(report));
    const boilerplate = boilerplateLine(report);
    if (boilerplate) print(boilerplate);
    print(
      report.changes === 0
        ? 'nothing changed: the knowledge base is current'
        : `${report.changes} document${report.changes === 1 ? '' : 's'} to ingest`,
    );
    print(lines.summary);
    const warnings = report.warnings.length;
    if (warnings) {
      print(
        `${warnings} warning${warnings === 1 ? '' : 's'}: the documents go without what ${warnings === 1 ? 'it names' : 'they name'} (listed above and in the report)`,
      );
    }
    print(`report: ${path.join(options.dataDir, 'runs', `${report.runId}.json`)}`);
    return { ok: true, report };
  } catch (error) {
    return { ok: false, error: oneLine(error) };
  } finally {
    progress.stop();
    await demo?.close();
  }
}
