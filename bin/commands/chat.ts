import { createInterface } from 'node:readline';
import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import type { Command } from 'commander';
import { agentAssistant } from '../../functions/core/assistant/agent-engine.js';
import type { Assistant } from '../../functions/core/assistant/assistant.js';
import { buildAssistantDefinition } from '../../functions/core/assistant/build-definition.js';
import { memoryHistory } from '../../functions/core/assistant/history.js';
import { awsKnowledgeBaseAssistant } from '../../functions/core/assistant/knowledge-base-engine.js';
import { type Clock, systemClock } from '../../functions/core/shared/clock.js';
import { loadConfig, type WpkbConfig } from '../../functions/core/shared/config/load.js';
import { WpkbError } from '../../functions/core/shared/errors.js';
import { type Log, silentLog } from '../../functions/core/shared/logger.js';
import {
  assistantFromOutputs,
  type ChatBackend,
  type DeployedAssistant,
  directBackend,
  endpointBackend,
  runTerminalChat,
} from '../../functions/local/chat/terminal.js';
import { readAssistantFiles } from '../assistant-files.js';
import { readCdkContext } from '../cdk-context.js';
import { exitOnError } from '../exit-on-error.js';
import { bedrockId, integer, sessionId } from '../options.js';
import { readStackOutputs } from '../stack-outputs.js';

export interface ChatFlags {
  env?: string;
  stack?: string;
  region?: string;
  agentId?: string;
  aliasId?: string;
  outputsFile?: string;
  endpoint?: string;
  apiKey?: string;
  session?: string;
  message?: string;
  timeout: number;
}

/** The deployed assistant: flags (agent and alias ids), else the stack's outputs. */
export async function deployedAssistant(
  flags: ChatFlags,
): Promise<{ deployed: DeployedAssistant; from: string }> {
  if (flags.agentId && flags.aliasId)
    return {
      deployed: { engine: 'agent', agentId: flags.agentId, agentAliasId: flags.aliasId },
      from: 'flags',
    };
  const { outputs, from } = await readStackOutputs(flags);
  const deployed = assistantFromOutputs(outputs);
  return {
    deployed: {
      ...deployed,
      ...(flags.agentId ? { agentId: flags.agentId } : {}),
      ...(flags.aliasId ? { agentAliasId: flags.aliasId } : {}),
    },
    from,
  };
}

/**
 * The assistant `wpkb chat` talks to with the caller's credentials: InvokeAgent on the alias (agent
 * engine), or the knowledge-base engine run in this process exactly as the chat Lambda runs it —
 * Retrieve on the stack's knowledge base, the directory read from its data bucket, Converse with the
 * configured model and the stack's guardrail — with the conversation kept in memory for the session.
 */
export function assistantFor(
  deployed: DeployedAssistant,
  from: string,
  options: { config: WpkbConfig; root: string; region?: string; clock?: Clock; log?: Log },
): Assistant {
  const { config } = options;
  const region = options.region ? { region: options.region } : {};
  const clock = options.clock ?? systemClock;
  if (deployed.engine === 'agent') {
    const { agentId, agentAliasId } = deployed;
    if (!agentId || !agentAliasId) throw new WpkbError(`${from} has no AgentId / AgentAliasId outputs`);
    return agentAssistant({
      client: new BedrockAgentRuntimeClient(region),
      agentId,
      agentAliasId,
      streamFinalResponse: true,
      ...(deployed.knowledgeBaseId ? { knowledgeBaseId: deployed.knowledgeBaseId } : {}),
      siteTimeZone: config.site.timeZone,
      clock,
    });
  }
  const { knowledgeBaseId, dataBucket, guardrailId, guardrailVersion } = deployed;
  // The model the stack deployed, else the configured one (a stack from before that output).
  if (!knowledgeBaseId || !dataBucket)
    throw new WpkbError(`${from} has no KnowledgeBaseId / DataBucketName outputs`);
  const files = readAssistantFiles(options.root, config);
  const settings = config.cloud.assistant;
  return awsKnowledgeBaseAssistant({
    dataBucket,
    knowledgeBaseId,
    clientConfig: region,
    definition: buildAssistantDefinition({
      instruction: files.instruction,
      openApi: files.openApi,
      knowledgeBaseDescription: config.cloud.agent.knowledgeBaseDescription,
    }),
    config,
    history: memoryHistory({
      maxTurns: settings.historyTurns,
      ttlSeconds: config.cloud.agent.idleSessionTtlSeconds,
      clock,
    }),
    modelId: deployed.modelId ?? config.cloud.agent.foundationModel,
    ...(guardrailId && guardrailVersion ? { guardrail: { id: guardrailId, version: guardrailVersion } } : {}),
    maxToolRounds: settings.maxToolRounds,
    maxAnswerTokens: settings.maxAnswerTokens,
    retrievalResults: settings.retrievalResults,
    catalogCheckSeconds: config.cloud.actions.catalogCheckSeconds,
    maxBodyBytes: config.cloud.actions.maxBodyBytes,
    clock,
    log: options.log ?? silentLog,
  });
}

/**
 * `wpkb chat`: talk to the deployed assistant from a terminal. By default with your AWS credentials
 * (the engine and ids from the stack outputs, see assistantFor); `--endpoint` goes through the HTTP
 * endpoint instead, as a website does. One session for the whole conversation; sources printed under each answer.
 */
export function registerChat(program: Command): void {
  program
    .command('chat')
    .description(
      'interactive chat with the deployed assistant, agent or knowledge-base engine (stack outputs or flags)',
    )
    .option(
      '--env <name>',
      'environment whose stack (wpkb-<env>) holds the assistant (default: configured env)',
    )
    .option('--stack <name>', 'CloudFormation stack name (default wpkb-<env>)')
    .option('--region <region>', 'AWS region (default: AWS_REGION / your profile)')
    .option('--agent-id <id>', 'agent id (skips the stack lookup with --alias-id)', bedrockId)
    .option('--alias-id <id>', 'agent alias id', bedrockId)
    .option('--outputs-file <file>', 'read the stack outputs from a `cdk deploy --outputs-file` file instead')
    .option(
      '--endpoint <url>',
      'talk through the chat endpoint (POST {message, sessionId}) instead of calling Bedrock yourself',
    )
    .option('--api-key <key>', 'API key for --endpoint (default: WPKB_CHAT_API_KEY)')
    .option('--session <id>', 'continue this session', sessionId)
    .option('-m, --message <text>', 'ask one question, print the answer and exit')
    .option('--timeout <seconds>', 'give up on a turn after this long', integer(1, 900, 'seconds'), 60)
    .action(
      exitOnError(async (flags: ChatFlags) => {
        let backend: ChatBackend;
        if (flags.endpoint) {
          const apiKey = flags.apiKey ?? process.env.WPKB_CHAT_API_KEY;
          backend = endpointBackend({
            url: flags.endpoint,
            ...(apiKey ? { apiKey } : {}),
            timeoutMs: flags.timeout * 1000,
          });
        } else {
          const { deployed, from } = await deployedAssistant(flags);
          const config = loadConfig({
            context: readCdkContext(),
            env: process.env,
            ...(flags.env ? { overrides: { env: flags.env } } : {}),
          });
          backend = directBackend(
            assistantFor(deployed, from, {
              config,
              root: process.cwd(),
              ...(flags.region ? { region: flags.region } : {}),
            }),
            flags.timeout * 1000,
          );
        }
        const interactive = flags.message === undefined && process.stdin.isTTY === true;
        const rl =
          flags.message === undefined
            ? createInterface({ input: process.stdin, output: process.stdout, terminal: interactive })
            : undefined;
        rl?.setPrompt('› ');
        const lines =
          rl ??
          (async function* () {
            yield flags.message as string;
          })();
        const { failures } = await runTerminalChat({
          backend,
          lines,
          write: (text) => process.stdout.write(text),
          prompt: () => (interactive ? rl?.prompt() : undefined),
          ...(flags.session ? { sessionId: flags.session } : {}),
        });
        rl?.close();
        if (failures > 0 && !interactive) process.exitCode = 1;
      }),
    );
}
