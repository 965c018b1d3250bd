import { Aws, Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { SYNC_ERRORS } from '../../functions/core/sync/contract.js';
import { SERVICE_RETRY, type StateKit } from './kit.js';
import { PENDING_SYNC_KEY, STATES } from './names.js';

/** Transient errors of the sync Lambda's dependencies (SYNC_ERRORS marks which are retryable). */
const SYNC_TRANSIENT = [
  SYNC_ERRORS.throttling,
  SYNC_ERRORS.internalServer,
  SYNC_ERRORS.pineconeStats,
  SYNC_ERRORS.storage,
  'ServiceUnavailableException',
];

/** One action of the sync Lambda: `{action, runId, ...extra}`, its result at `resultPath`. */
export function syncTask(
  kit: StateKit,
  fn: lambda.IFunction,
  name: string,
  action: string,
  extra: Record<string, unknown>,
  resultPath: string,
): tasks.LambdaInvoke {
  return kit.invoke(
    name,
    fn,
    { action, runId: sfn.JsonPath.stringAt('$.runId'), ...extra },
    { resultPath, transient: SYNC_TRANSIENT },
  );
}

/**
 * A deploy updating the agent while the run prepares it (AgentBusyError: PrepareAgent's
 * ConflictException): retried with backoff — 30 s, 1, 2, 4 min, … about 15 minutes in all, longer than
 * a CloudFormation update of the agent takes — before the failure path alerts.
 */
export const AGENT_BUSY_RETRY: sfn.RetryProps = {
  errors: [SYNC_ERRORS.agentBusy],
  interval: Duration.seconds(30),
  backoffRate: 2,
  maxAttempts: 5,
  maxDelay: Duration.minutes(8),
  jitterStrategy: sfn.JitterType.FULL,
};

export interface SyncLoopProps {
  sync: lambda.IFunction;
  /**
   * The agent engine: after the ingestion, prepare the agent's DRAFT and wait for it. The
   * knowledge-base engine has no agent: the loop goes from the ingestion straight to the verification.
   */
  agentSteps: boolean;
  /** The data bucket, for the pending-sync marker (PENDING_SYNC_KEY). */
  dataBucket: s3.IBucket;
  ingestionPollSeconds: number;
  agentPollSeconds: number;
  /** What follows `Clear pending sync`: Synced, or the canaries first. */
  afterSync: sfn.IChainable;
}

/**
 * Check pending sync → Any changes? (changes, `forceSync`, or a sync left pending by an earlier run;
 * otherwise No changes) → Mark sync pending → Start ingestion (BUSY: wait, start again) → wait/poll
 * until COMPLETE → [agent engine: Prepare agent DRAFT → wait/poll until PREPARED →] Verify index → Clear
 * pending sync → `afterSync`. FAILED / STOPPED jobs and failed preparations make the sync Lambda throw
 * (caught into the failure path), so each Choice only tells "done" from "poll again"; a deploy racing
 * the preparation is retried (AGENT_BUSY_RETRY), and a DRAFT a deploy reset to NOT_PREPARED is prepared
 * again by `Check agent DRAFT` (the count travels in `$.agent.reprepared`). Returns the first state.
 *
 * Why the agent step is there at all: users talk to the alias, which serves the numbered version the
 * last deploy made, and every version reads the knowledge base at query time — new documents reach
 * users without it. PrepareAgent refreshes the DRAFT (the console's test window) and shows the agent
 * still prepares against the synced knowledge base; it never moves the alias.
 */
export function syncLoopStates(scope: Construct, kit: StateKit, props: SyncLoopProps): sfn.IChainable {
  const bucket = props.dataBucket;
  // ---- pending-sync marker (S3 SDK integrations, no Lambda) ----------------------------------------
  // ListObjectsV2 on the one key (GetObject of a missing key answers 403, not 404, without a
  // bucket-wide ListBucket grant; a listing limited to this prefix needs only that prefix).
  const checkPendingSync = new sfn.CustomState(scope, STATES.checkPendingSync, {
    stateJson: {
      Type: 'Task',
      Comment: `Is ${PENDING_SYNC_KEY} there (a sync an earlier run did not finish)?`,
      Resource: `arn:${Aws.PARTITION}:states:::aws-sdk:s3:listObjectsV2`,
      Parameters: { Bucket: bucket.bucketName, Prefix: PENDING_SYNC_KEY, MaxKeys: 1 },
      ResultSelector: { 'count.$': '$.KeyCount' },
      ResultPath: '$.pendingSync',
    },
  });
  checkPendingSync.addRetry(SERVICE_RETRY);
  kit.catchInto(checkPendingSync, STATES.checkPendingSync);
  const markSyncPending = kit.catchInto(
    new tasks.CallAwsService(scope, STATES.markSyncPending, {
      comment: `Writes ${PENDING_SYNC_KEY} (the run id) until the sync is verified`,
      service: 's3',
      action: 'putObject',
      parameters: {
        Bucket: bucket.bucketName,
        Key: PENDING_SYNC_KEY,
        Body: sfn.JsonPath.stringAt('$.runId'),
        ContentType: 'text/plain; charset=utf-8',
      },
      iamAction: 's3:PutObject',
      iamResources: [bucket.arnForObjects(PENDING_SYNC_KEY)],
      resultPath: sfn.JsonPath.DISCARD,
    }).addRetry(SERVICE_RETRY),
    STATES.markSyncPending,
  );
  const clearPendingSync = kit.catchInto(
    new tasks.CallAwsService(scope, STATES.clearPendingSync, {
      comment: `Deletes ${PENDING_SYNC_KEY}: the knowledge base and the agent are current`,
      service: 's3',
      action: 'deleteObject',
      parameters: { Bucket: bucket.bucketName, Key: PENDING_SYNC_KEY },
      iamAction: 's3:DeleteObject',
      iamResources: [bucket.arnForObjects(PENDING_SYNC_KEY)],
      resultPath: sfn.JsonPath.DISCARD,
    }).addRetry(SERVICE_RETRY),
    STATES.clearPendingSync,
  );

  // ---- ingestion, agent, verification ---------------------------------------------------------------
  const sync = (name: string, action: string, extra: Record<string, unknown>, resultPath: string) =>
    syncTask(kit, props.sync, name, action, extra, resultPath);
  const startIngestion = sync(
    STATES.startIngestion,
    'start',
    { executionId: sfn.JsonPath.executionId },
    '$.ingestion',
  );
  const checkIngestion = sync(
    STATES.checkIngestion,
    'status',
    { jobId: sfn.JsonPath.stringAt('$.ingestion.jobId') },
    '$.ingestion',
  );
  const verify = sync(STATES.verify, 'verify', {}, '$.verify');

  const waitForRunningJob = new sfn.Wait(scope, STATES.waitForRunningJob, {
    comment: 'Another ingestion job of this data source runs: start again after it',
    time: sfn.WaitTime.duration(Duration.seconds(props.ingestionPollSeconds)),
  });
  const waitForIngestion = new sfn.Wait(scope, STATES.waitForIngestion, {
    time: sfn.WaitTime.duration(Duration.seconds(props.ingestionPollSeconds)),
  });
  const noChanges = new sfn.Succeed(scope, STATES.noChanges, {
    comment: 'Nothing changed under kb/: no ingestion job, no agent preparation',
  });

  const ingestionComplete = new sfn.Choice(scope, STATES.ingestionComplete)
    .when(
      sfn.Condition.stringEquals('$.ingestion.status', 'COMPLETE'),
      props.agentSteps ? agentDraftStates(scope, kit, props, verify) : verify,
    )
    .otherwise(waitForIngestion);
  waitForIngestion.next(checkIngestion).next(ingestionComplete);
  verify.next(clearPendingSync);
  clearPendingSync.next(props.afterSync);

  const ingestionStarted = new sfn.Choice(scope, STATES.ingestionStarted)
    .when(sfn.Condition.stringEquals('$.ingestion.status', 'BUSY'), waitForRunningJob)
    .otherwise(waitForIngestion);
  waitForRunningJob.next(startIngestion);
  startIngestion.next(ingestionStarted);

  const anyChanges = new sfn.Choice(scope, STATES.anyChanges)
    .when(
      sfn.Condition.or(
        sfn.Condition.numberGreaterThan('$.transform.changes', 0),
        sfn.Condition.booleanEquals('$.options.forceSync', true),
        sfn.Condition.numberGreaterThan('$.pendingSync.count', 0),
      ),
      markSyncPending,
    )
    .otherwise(noChanges);
  markSyncPending.next(startIngestion);
  checkPendingSync.next(anyChanges);
  return checkPendingSync;
}

/**
 * Prepare agent DRAFT → Agent DRAFT prepared? (PREPARED: `next`) → Wait for agent DRAFT → Check agent
 * DRAFT → … Both Lambda steps retry AgentBusyError with backoff: a deploy changing the agent meanwhile is
 * waited out, not alerted.
 */
function agentDraftStates(
  scope: Construct,
  kit: StateKit,
  props: SyncLoopProps,
  next: sfn.IChainable,
): sfn.IChainable {
  const prepareAgent = syncTask(kit, props.sync, STATES.prepareAgent, 'prepare', {}, '$.agent');
  const checkAgent = syncTask(
    kit,
    props.sync,
    STATES.checkAgent,
    'agentStatus',
    { reprepared: sfn.JsonPath.numberAt('$.agent.reprepared') },
    '$.agent',
  );
  prepareAgent.addRetry(AGENT_BUSY_RETRY);
  checkAgent.addRetry(AGENT_BUSY_RETRY);
  const waitForAgent = new sfn.Wait(scope, STATES.waitForAgent, {
    time: sfn.WaitTime.duration(Duration.seconds(props.agentPollSeconds)),
  });
  const agentPrepared = new sfn.Choice(scope, STATES.agentPrepared)
    .when(sfn.Condition.stringEquals('$.agent.agentStatus', 'PREPARED'), next)
    .otherwise(waitForAgent);
  waitForAgent.next(checkAgent).next(agentPrepared);
  prepareAgent.next(agentPrepared);
  return prepareAgent;
}
