import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { Command } from 'commander';
import { loadConfig } from '../../functions/core/shared/config/load.js';
import { oneLine, WpkbError } from '../../functions/core/shared/errors.js';
import {
  agentIdsFromOutputs,
  type ChatBackend,
  directBackend,
  endpointBackend,
  runTerminalChat,
} from '../../functions/local/chat/terminal.js';
import { readCdkContext } from '../cdk-context.js';
import { exitOnError } from '../exit-on-error.js';
import { bedrockId, integer, sessionId } from '../options.js';

interface ChatFlags {
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

/** Agent and alias ids: flags, else a `cdk deploy --outputs-file` file, else the stack's outputs. */
async function agentIds(flags: ChatFlags): Promise<{ agentId: string; agentAliasId: string; from: string }> {
  if (flags.agentId && flags.aliasId)
    return { agentId: flags.agentId, agentAliasId: flags.aliasId, from: 'flags' };
  let outputs: Record<string, string>;
  let from: string;
  if (flags.outputsFile) {
    const file = JSON.parse(readFileSync(flags.outputsFile, 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    const stacks = Object.keys(file);
    const name = flags.stack ?? (stacks.length === 1 ? stacks[0] : undefined);
    if (!name || !file[name])
      throw new WpkbError(
        `${flags.outputsFile}: name the stack with --stack (it has: ${stacks.join(', ') || 'none'})`,
      );
    outputs = file[name];
    from = `${flags.outputsFile} (${name})`;
  } else {
    const env = flags.env ?? loadConfig({ context: readCdkContext(), env: process.env }).env;
    const stack = flags.stack ?? `wpkb-${env}`;
    const cfn = new CloudFormationClient(flags.region ? { region: flags.region } : {});
    const result = await cfn.send(new DescribeStacksCommand({ StackName: stack })).catch((cause: unknown) => {
      throw new WpkbError(`cannot read the outputs of stack ${stack}: ${oneLine(cause)}`, { cause });
    });
    outputs = Object.fromEntries(
      (result.Stacks?.[0]?.Outputs ?? []).flatMap((o) =>
        o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [],
      ),
    );
    from = `stack ${stack}`;
  }
  const ids = agentIdsFromOutputs(outputs);
  const agentId = flags.agentId ?? ids.agentId;
  const agentAliasId = flags.aliasId ?? ids.agentAliasId;
  if (!agentId || !agentAliasId) throw new WpkbError(`${from} has no AgentId / AgentAliasId outputs`);
  return { agentId, agentAliasId, from };
}

/**
 * `wpkb chat`: talk to the deployed agent from a terminal. By default InvokeAgent with your AWS
 * credentials (ids from the stack outputs); `--endpoint` goes through the HTTP endpoint instead, as a
 * website does. One session for the whole conversation; sources printed under each answer.
 */
export function registerChat(program: Command): void {
  program
    .command('chat')
    .description('interactive chat with the deployed Bedrock agent (stack outputs or flags)')
    .option('--env <name>', 'environment whose stack (wpkb-<env>) holds the agent (default: configured env)')
    .option('--stack <name>', 'CloudFormation stack name (default wpkb-<env>)')
    .option('--region <region>', 'AWS region (default: AWS_REGION / your profile)')
    .option('--agent-id <id>', 'agent id (skips the stack lookup with --alias-id)', bedrockId)
    .option('--alias-id <id>', 'agent alias id', bedrockId)
    .option('--outputs-file <file>', 'read the ids from `cdk deploy --outputs-file` output instead')
    .option(
      '--endpoint <url>',
      'talk through the chat endpoint (POST {message, sessionId}) instead of InvokeAgent',
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
          const ids = await agentIds(flags);
          backend = directBackend({
            client: new BedrockAgentRuntimeClient(flags.region ? { region: flags.region } : {}),
            agentId: ids.agentId,
            agentAliasId: ids.agentAliasId,
            streamFinalResponse: true,
            timeoutMs: flags.timeout * 1000,
          });
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
