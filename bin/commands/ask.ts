import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../functions/core/shared/config/load.js';
import { askLocal } from '../../functions/local/knowledge-base/ask.js';
import { readCdkContext } from '../cdk-context.js';
import { exitOnError } from '../exit-on-error.js';
import { integer } from '../options.js';

interface AskFlags {
  type?: string;
  k: number;
  json: boolean;
  dataDir: string;
  today?: string;
  includePast: boolean;
}

const oneLineText = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** `wpkb ask "<question>"`: top-k passages from the local knowledge base `npm start` built. */
export function registerAsk(program: Command): void {
  program
    .command('ask <question>')
    .description('retrieve passages from the local knowledge base built by `npm start`')
    .option('--type <type>', 'only this content type (event, stores, restaurant, faq, …)')
    .option('--k <n>', 'passages to return', integer(1, 100), 5)
    .option('--json', 'print {"results": [{source_id, content_type, title, url, score, text}]}', false)
    .option('--data-dir <dir>', 'data directory `npm start` wrote', '.wpkb')
    .option('--today <YYYY-MM-DD>', 'judge which events are past at this date (default: today)')
    .option('--include-past', 'also events that have ended (no freshness filter)', false)
    .action(
      exitOnError(async (question: string, opts: AskFlags) => {
        const config = loadConfig({ context: readCdkContext(), env: process.env });
        const passages = await askLocal({
          config,
          dataDir: path.resolve(opts.dataDir),
          question,
          k: opts.k,
          ...(opts.type ? { type: opts.type } : {}),
          ...(opts.today ? { today: opts.today } : {}),
          includePast: opts.includePast,
        });
        if (opts.json) {
          const results = passages.map(({ source_id, content_type, title, url, score, text }) => ({
            source_id,
            content_type,
            title,
            url,
            score,
            text,
          }));
          console.log(JSON.stringify({ results }, null, 2));
          return;
        }
        if (!passages.length) console.log('no passage found');
        passages.forEach((p, i) => {
          console.log(
            `${i + 1}. ${p.title}  [${p.content_type}/${p.source_id}]  score ${p.score.toFixed(3)}`,
          );
          if (p.url) console.log(`   ${p.url}`);
          console.log(`   ${oneLineText(p.text, 220)}`);
        });
      }),
    );
}
