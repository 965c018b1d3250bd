import { type BedrockAgentClient, GetAgentCommand, PrepareAgentCommand } from '@aws-sdk/client-bedrock-agent';
import type { Clock } from '../shared/clock.js';
import { WpkbError } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import type { Storage } from '../storage/port.js';
import { AGENT_POLL_STATUSES, type AgentOutput, type AgentStatus } from './contract.js';
import { AgentPrepareError } from './errors.js';
import { updateRunReport } from './run-report.js';

export interface AgentDeps {
  bedrock: Pick<BedrockAgentClient, 'send'>;
  agentId: string;
  storage: Storage;
  log: Log;
  clock: Clock;
}

/**
 * PrepareAgent (builds the DRAFT version from the agent's current knowledge). A ConflictException
 * means the agent is already preparing or updating: `{agentStatus: 'PREPARING'}`, and the state
 * machine polls `agentStatus` as after a normal prepare.
 */
export async function prepareAgent(deps: AgentDeps): Promise<AgentOutput> {
  try {
    const out = await deps.bedrock.send(new PrepareAgentCommand({ agentId: deps.agentId }));
    if (out.agentStatus === undefined) {
      throw new WpkbError(`PrepareAgent ${deps.agentId} returned no agentStatus`);
    }
    deps.log.info('Agent preparation requested', { agentId: deps.agentId, agentStatus: out.agentStatus });
    return { agentStatus: out.agentStatus as AgentStatus };
  } catch (error) {
    if ((error as Error | undefined)?.name !== 'ConflictException') throw error;
    deps.log.info('PrepareAgent conflict: the agent is already preparing or updating', {
      agentId: deps.agentId,
      message: (error as Error).message,
    });
    return { agentStatus: 'PREPARING' };
  }
}

/**
 * GetAgent after a prepare.
 * - CREATING / PREPARING / VERSIONING / UPDATING → returned: the state machine waits and polls again.
 * - PREPARED → an `agent` section in the run report, returned.
 * - FAILED → AgentPrepareError with the agent's failureReasons.
 * - NOT_PREPARED → AgentPrepareError too: after a prepare request it means the preparation did not
 *   take (e.g. the agent was updated meanwhile, which resets it to NOT_PREPARED); re-run the sync.
 * - DELETING or an unknown status → AgentPrepareError (never poll forever).
 */
export async function agentStatus(deps: AgentDeps, runId: string): Promise<AgentOutput> {
  const { agentId, log } = deps;
  const out = await deps.bedrock.send(new GetAgentCommand({ agentId }));
  const agent = out.agent;
  const status = agent?.agentStatus as AgentStatus | undefined;
  if (agent === undefined || status === undefined) {
    throw new WpkbError(`GetAgent ${agentId} returned no agentStatus`);
  }
  if ((AGENT_POLL_STATUSES as readonly string[]).includes(status)) {
    log.debug('Agent not prepared yet', { agentId, agentStatus: status });
    return { agentStatus: status };
  }
  const failureReasons = agent.failureReasons ?? [];
  const section = {
    agentId,
    agentStatus: status,
    agentVersion: agent.agentVersion,
    preparedAt: agent.preparedAt?.toISOString(),
    failureReasons,
  };
  if (status === 'PREPARED') {
    await updateRunReport(deps.storage, runId, log, (report) => ({ ...report, agent: section }));
    log.info('Agent prepared', { agentId, preparedAt: section.preparedAt });
    return { agentStatus: status };
  }

  const reasons = failureReasons.length ? failureReasons.join('; ') : 'no failure reason given';
  const message =
    status === 'FAILED'
      ? `agent ${agentId} FAILED to prepare: ${reasons}`
      : status === 'NOT_PREPARED'
        ? `agent ${agentId} is NOT_PREPARED after a prepare request (updated meanwhile?): ${reasons}`
        : `agent ${agentId} is ${status}, not PREPARED: ${reasons}`;
  const oneLine = message.replace(/\s+/g, ' ').trim();
  await updateRunReport(deps.storage, runId, log, (report) => ({
    ...report,
    status: 'failed',
    error: oneLine,
    finishedAt: deps.clock.now().toISOString(),
    agent: section,
  }));
  throw new AgentPrepareError(oneLine, status, failureReasons);
}
