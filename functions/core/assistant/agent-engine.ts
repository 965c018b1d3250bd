import type { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { askAgent } from '../chat/agent.js';
import { freshnessFilter } from '../retrieval/freshness.js';
import type { Clock } from '../shared/clock.js';
import type { Assistant } from './assistant.js';

export interface AgentEngineOptions {
  client: Pick<BedrockAgentRuntimeClient, 'send'>;
  agentId: string;
  agentAliasId: string;
  /** `streamingConfigurations.streamFinalResponse`: the final answer arrives in several chunks. */
  streamFinalResponse: boolean;
  /** The agent's knowledge base: each turn filters its retrieval for freshness (past events hidden). */
  knowledgeBaseId?: string;
  /** The site's time zone: when "today" turns for that filter. */
  siteTimeZone: string;
  clock: Clock;
}

/**
 * The `agent` engine: one InvokeAgent per turn on the alias (functions/chat/agent.ts). The agent keeps
 * the conversation itself (per sessionId, `idleSessionTtlInSeconds`) and calls the mall-directory
 * action group and the knowledge base on its own.
 */
export function agentAssistant(options: AgentEngineOptions): Assistant {
  const { client, agentId, agentAliasId, streamFinalResponse, knowledgeBaseId, siteTimeZone, clock } =
    options;
  return {
    engine: 'agent',
    description: `agent ${agentId}, alias ${agentAliasId}`,
    ask: (turn) =>
      askAgent(
        {
          client,
          agentId,
          agentAliasId,
          streamFinalResponse,
          timeoutMs: turn.timeoutMs,
          // "Today" is read at every turn: a warm container lives past midnight.
          ...(knowledgeBaseId
            ? {
                knowledgeBaseFilter: {
                  knowledgeBaseId,
                  filter: freshnessFilter({ clock, timeZone: siteTimeZone }),
                },
              }
            : {}),
        },
        turn,
      ),
  };
}
