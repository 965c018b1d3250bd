import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../functions/core/shared/config/load.js';
import { WpkbError } from '../../functions/core/shared/errors.js';
import { assistantFromOutputs } from '../../functions/local/chat/terminal.js';
import { evalCommand } from '../../functions/local/eval/command.js';
import { formatEval } from '../../functions/local/eval/run-eval.js';
import type { SearchMode } from '../../functions/local/knowledge-base/store.js';
import { readCdkContext } from '../cdk-context.js';
import { exitOnError } from '../exit-on-error.js';
import { choice, integer } from '../options.js';
import { readStackOutputs } from '../stack-outputs.js';

export interface EvalFlags {
  questions?: string;
  target: 'local' | 'bedrock';
  k: number;
  dataDir: string;
  knowledgeBaseId?: string;
  stack?: string;
  env?: string;
  outputsFile?: string;
  region?: string;
  today?: string;
  includePast: boolean;
  mode?: SearchMode;
  json: boolean;
}

/**
 * The knowledge base `--target bedrock` queries: `--knowledge-base-id`, else WPKB_KNOWLEDGE_BASE_ID, else
 * the stack's `KnowledgeBaseId` output — there with either assistant engine (agent or knowledge-base):
 * evaluation measures retrieval, which is the same knowledge base whichever engine answers.
 */
export async function evalKnowledgeBaseId(
  flags: Pick<EvalFlags, 'knowledgeBaseId' | 'stack' | 'env' | 'outputsFile' | 'region'>,
  env: Record<string, string | undefined> = process.env,
): Promise<string> {
  const given = flags.knowledgeBaseId ?? env.WPKB_KNOWLEDGE_BASE_ID;
  if (given) return given;
  const { outputs, from } = await readStackOutputs(flags);
  const { knowledgeBaseId } = assistantFromOutputs(outputs);
  if (!knowledgeBaseId)
    throw new WpkbError(`${from} has no KnowledgeBaseId output (or pass --knowledge-base-id)`);
  return knowledgeBaseId;
}

/** `wpkb eval`: recall@1/3/5 and MRR over a question set, against the local index or the deployed KB. */
export function registerEval(program: Command): void {
  program
    .command('eval')
    .description(
      'measure retrieval (recall@k, MRR) over a question set, locally or on the deployed knowledge base',
    )
    .option('--questions <file>', 'question set, YAML or JSON (default: the demo site set)')
    .option(
      '--target <target>',
      'local | bedrock (the Retrieve API)',
      choice(['local', 'bedrock'] as const),
      'local',
    )
    .option('--k <n>', 'results retrieved per question', integer(1, 100), 5)
    .option('--data-dir <dir>', 'data directory `npm start` wrote (local target)', '.wpkb')
    .option(
      '--knowledge-base-id <id>',
      'knowledge base for --target bedrock (default: WPKB_KNOWLEDGE_BASE_ID, else the stack output KnowledgeBaseId)',
    )
    .option(
      '--stack <name>',
      '--target bedrock: stack whose KnowledgeBaseId output to use (default wpkb-<env>)',
    )
    .option('--env <name>', '--target bedrock: environment of that stack (default: the configured env)')
    .option(
      '--outputs-file <file>',
      '--target bedrock: read the outputs from a `cdk deploy --outputs-file` file',
    )
    .option('--region <region>', 'AWS region for --target bedrock (default: the SDK default)')
    .option('--today <YYYY-MM-DD>', "judge which events are past at this date (default: the set's `today`)")
    .option('--include-past', 'no freshness filter', false)
    .option(
      '--mode <mode>',
      'local retrieval: hybrid | fulltext | vector',
      choice(['hybrid', 'fulltext', 'vector'] as const),
    )
    .option('--json', 'print the whole report as JSON', false)
    .action(
      exitOnError(async (opts: EvalFlags) => {
        const config = loadConfig({
          context: readCdkContext(),
          env: process.env,
          ...(opts.env ? { overrides: { env: opts.env } } : {}),
        });
        const knowledgeBaseId = opts.target === 'bedrock' ? await evalKnowledgeBaseId(opts) : undefined;
        const report = await evalCommand({
          config,
          target: opts.target,
          k: opts.k,
          dataDir: path.resolve(opts.dataDir),
          ...(opts.questions ? { questionsFile: path.resolve(opts.questions) } : {}),
          ...(knowledgeBaseId ? { knowledgeBaseId } : {}),
          ...(opts.region ? { region: opts.region } : {}),
          ...(opts.today ? { today: opts.today } : {}),
          includePast: opts.includePast,
          ...(opts.mode ? { tuning: { mode: opts.mode } } : {}),
        });
        console.log(opts.json ? JSON.stringify(report, null, 2) : formatEval(report));
      }),
    );
}
