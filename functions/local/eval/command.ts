import { fileURLToPath } from 'node:url';
import { bedrockRetrieve, type Retrieve } from '../../core/retrieval/retriever.js';
import type { Clock } from '../../core/shared/clock.js';
import type { WpkbConfig } from '../../core/shared/config/schema.js';
import { ConfigError } from '../../core/shared/errors.js';
import { clockForDate, retrievalFilterFor } from '../knowledge-base/ask.js';
import { embedderFromConfig, tuningFromConfig } from '../knowledge-base/from-config.js';
import { openLocalKb, type RetrievalTuning } from '../knowledge-base/retrieve.js';
import { localRetrieve } from '../knowledge-base/retriever.js';
import { loadQuestionSet } from './questions.js';
import { type EvalReport, runEval } from './run-eval.js';

/** The question set for the bundled demo site: the default of `wpkb eval`. */
export const DEMO_QUESTIONS = fileURLToPath(new URL('./demo-questions.yaml', import.meta.url));

export interface EvalCommandOptions {
  config: WpkbConfig;
  questionsFile?: string;
  target: 'local' | 'bedrock';
  k: number;
  dataDir: string;
  /** Bedrock: the knowledge base to query, and optionally the region. */
  knowledgeBaseId?: string;
  region?: string;
  /** Freshness date (YYYY-MM-DD); default: the set's `today`, else the clock. */
  today?: string;
  includePast?: boolean;
  /** Local only: retrieval mode / weights other than the configuration's. */
  tuning?: Partial<RetrievalTuning>;
  clock?: Clock;
  /** For tests: the Retrieve to use instead of building one. */
  retrieve?: Retrieve;
}

/** `wpkb eval`: loads the question set, builds the target, runs the questions. */
export async function evalCommand(options: EvalCommandOptions): Promise<EvalReport> {
  const set = await loadQuestionSet(options.questionsFile ?? DEMO_QUESTIONS);
  const today = options.today ?? set.today;
  const baseFilter = retrievalFilterFor(options.config, {
    ...(today ? { today } : {}),
    ...(options.includePast ? { includePast: true } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  if (today) clockForDate(today); // validates the date even when freshness is off
  let retrieve = options.retrieve;
  let target: string = options.target;
  if (!retrieve && options.target === 'bedrock') {
    if (!options.knowledgeBaseId)
      throw new ConfigError('--target bedrock needs --knowledge-base-id (or WPKB_KNOWLEDGE_BASE_ID)');
    const { BedrockAgentRuntimeClient } = await import('@aws-sdk/client-bedrock-agent-runtime');
    const client = new BedrockAgentRuntimeClient(options.region ? { region: options.region } : {});
    retrieve = bedrockRetrieve({ client, knowledgeBaseId: options.knowledgeBaseId });
    target = `bedrock ${options.knowledgeBaseId}`;
  }
  if (!retrieve) {
    const kb = await openLocalKb(options.dataDir, await embedderFromConfig(options.config));
    const tuning = { ...tuningFromConfig(options.config), ...options.tuning };
    retrieve = localRetrieve(kb, tuning);
    target = `local (${kb.manifest.embedder.id}, ${tuning.mode}${tuning.mode === 'hybrid' ? ` text ${tuning.textWeight} / vector ${tuning.vectorWeight}` : ''}, ${kb.chunks} chunks)`;
  }
  return runEval({
    retrieve,
    questions: set.questions,
    k: options.k,
    ...(baseFilter ? { baseFilter } : {}),
    target: `${target}${today && !options.includePast ? `, freshness at ${today}` : ''}`,
  });
}
