import { type BedrockAgentClient, GetAgentCommand, PrepareAgentCommand } from '@aws-sdk/client-bedrock-agent';
import type { Clock } from '../shared/clock.js';
import { WpkbError } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import type { Storage } from '../storage/port.js';
import { AGENT_POLL_STATUSES, type AgentOutput, type AgentStatus, MAX_REPREPARES } from './contract.js';
import { AgentBusyError, AgentPrepareError } from './errors.js';
import { updateRunReport } from './run-report.js';

export interface AgentDeps {
  bedrock: Pick<BedrockAgentClient, 'send'>;
  agentId: string;
  storage: Storage;
  log: Log;
  clock: Clock;
}

/**
 * What the pipeline's agent step does, and what it does not: PrepareAgent builds the agent's DRAFT — the
 * version the console's test window (alias TSTALIASID) runs — from its current definition. Users talk
 * to the `live` alias, which serves a numbered version made at deploy time (stacks/agent.ts); the
 * knowledge base is read at query time, so newly synced documents reach users without this step. The
 * step keeps the DRAFT current and shows that the agent still prepares against the synced knowledge
 * base; a deploy that changes the agent makes the new version itself.
 */

/**
 * PrepareAgent on the DRAFT. A ConflictException means someone else is changing the agent right now —
 * typically a deploy updating it, or its auto-prepare: AgentBusyError, which the state machine retries
 * with backoff (the deploy finishes, the next attempt is accepted) rather than alerting.
 */
export async function prepareAgent(deps: AgentDeps, reprepared = 0): Promise<AgentOutput> {
  try {
    const out = await deps.bedrock.send(new PrepareAgentCommand({ agentId: deps.agentId }));
    if (out.agentStatus === undefined) {
      throw new WpkbError(`PrepareAgent ${deps.agentId} returned no agentStatus`);
    }
    deps.log.info('Agent DRAFT preparation requested', {
      agentId: deps.agentId,
      agentStatus: out.agentStatus,
      reprepared,
    });
    return { agentStatus: out.agentStatus as AgentStatus, reprepared };
  } catch (error) {
    if ((error as Error | undefined)?.name !== 'ConflictException') throw error;
    const message = (error as Error).message;
    deps.log.info('PrepareAgent conflict: the agent is being changed (a deploy?); retrying later', {
      agentId: deps.agentId,
      message,
    });
    throw new AgentBusyError(`agent ${deps.agentId} is busy (ConflictException: ${message})`);
  }
}

/**
 * GetAgent after a prepare.
 * - CREATING / PREPARING / VERSIONING / UPDATING → returned: the state machine waits and polls again.
 * - PREPARED → an `agent` section in the run report, returned.
 * - NOT_PREPARED → the DRAFT changed after the prepare request (a deploy updated the agent meanwhile):
 *   prepared again and returned as such, at most MAX_REPREPARES times per run; then AgentPrepareError.
 * - FAILED → AgentPrepareError with the agent's failureReasons.
 * - DELETING or an unknown status → AgentPrepareError (never poll forever).
 */
export async function agentStatus(deps: AgentDeps, runId: string, reprepared = 0): Promise<AgentOutput> {
  const { agentId, log } = deps;
  const out = await deps.bedrock.send(new GetAgentCommand({ agentId }));
  const agent = out.agent;
  const status = agent?.agentStatus as AgentStatus | undefined;
  if (agent === undefined || status === undefined) {
    throw new WpkbError(`GetAgent ${agentId} returned no agentStatus`);
  }
  if ((AGENT_POLL_STATUSES as readonly string[]).includes(status)) {
    log.debug('Agent DRAFT not prepared yet', { agentId, agentStatus: status });
    return { agentStatus: status, reprepared };
  }
  if (status === 'NOT_PREPARED' && reprepared < MAX_REPREPARES) {
    log.warn('Agent DRAFT is NOT_PREPARED after a prepare request (updated meanwhile?); preparing it again', {
      agentId,
      reprepared: reprepared + 1,
    });
    return prepareAgent(deps, reprepared + 1);
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
    log.info('Agent DRAFT prepared', { agentId, preparedAt: section.preparedAt });
    return { agentStatus: status, reprepared };
  }

  const reasons = failureReasons.length ? failureReasons.join('; ') : 'no failure reason given';
  const message =
    status === 'FAILED'
      ? `agent ${agentId} FAILED to prepare: ${reasons}`
      : status === 'NOT_PREPARED'
        ? `agent ${agentId} is still NOT_PREPARED after ${reprepared} more prepare requests: ${reasons}`
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
