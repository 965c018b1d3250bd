import { stat } from 'node:fs/promises';
import type { Clock } from '../../../core/shared/clock.js';
import type { WpkbConfig } from '../../../core/shared/config/schema.js';
import { type Log, silentLog } from '../../../core/shared/logger.js';
import { makeActionHandler } from '../../../handlers/actions.js';
import { localActionEvent } from '../../actions/event.js';
import { retrievalFilterFor } from '../../knowledge-base/ask.js';
import { embedderFromConfig, tuningFromConfig } from '../../knowledge-base/from-config.js';
import { indexFileOf } from '../../knowledge-base/index-file.js';
import { type LocalKb, openLocalKb } from '../../knowledge-base/retrieve.js';
import { createLocalStorage } from '../../storage/directory.js';
import { type LocalAnswer, makeLocalAnswerer } from './local-answerer.js';

export interface DataDirAnswererOptions {
  config: WpkbConfig;
  /** The data directory `npm start` wrote (catalog/, local-index/). */
  dataDir: string;
  clock: Clock;
  log?: Log;
}

/**
 * The local answerer over a data directory: retrieval from its local index (reopened when the index
 * file changes, so a re-run of `npm start` or an instant update is seen without a restart) with the
 * freshness filter `wpkb ask` applies, and the mall directory through the action group handler, as
 * `wpkb action` runs it. A missing index throws LocalIndexMissingError on the question that needs it.
 */
export function dataDirAnswerer(options: DataDirAnswererOptions): (question: string) => Promise<LocalAnswer> {
  const { config, dataDir, clock } = options;
  const handler = makeActionHandler({
    config,
    storage: createLocalStorage(dataDir),
    clock,
    log: options.log ?? silentLog,
    catalogCheckSeconds: 0,
  });
  let opened: { kb: LocalKb; mtimeMs: number } | undefined;
  const kb = async (): Promise<LocalKb> => {
    const mtimeMs = await stat(indexFileOf(dataDir)).then(
      (s) => s.mtimeMs,
      () => -1,
    );
    if (!opened || opened.mtimeMs !== mtimeMs)
      opened = { kb: await openLocalKb(dataDir, await embedderFromConfig(config)), mtimeMs };
    return opened.kb;
  };
  return makeLocalAnswerer({
    config,
    clock,
    async retrieve(question, k) {
      const filter = retrievalFilterFor(config, { clock });
      return (await kb()).retrieve(question, {
        k,
        ...(filter ? { filter } : {}),
        tuning: tuningFromConfig(config),
      });
    },
    async action(target) {
      const response = await handler(localActionEvent('GET', target));
      return {
        status: response.response.httpStatusCode,
        body: JSON.parse(response.response.responseBody['application/json'].body) as Record<string, unknown>,
      };
    },
  });
}
