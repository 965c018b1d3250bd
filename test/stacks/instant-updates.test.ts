import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { instantUpdatesSchema } from '../../functions/core/shared/config/cloud-schema.js';
import { receiverSettings, workerEnvSettings } from '../../functions/core/shared/config/webhook-env.js';
import { AlertTopic } from '../../stacks/alert-topic.js';
import { DataBucket } from '../../stacks/data-bucket.js';
import { InstantUpdateQueue } from '../../stacks/instant-update-queue.js';
import { InstantUpdateWorker, workerTimeout } from '../../stacks/instant-update-worker.js';
import { lambdaConfig } from '../../stacks/pipeline-functions.js';
import { WebhookApi } from '../../stacks/webhook-api.js';
import { acknowledgements, bareStack, configFor, nagFindings, only, synthesizeStack } from './synth.js';

const KB_ARN = 'arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB12345678';

type Resource = { Type: string; Properties: Record<string, unknown> };

/** The three instant-update constructs as the stack composes them, in a bare stack. */
function build(settingsInput: Record<string, unknown> = {}, options: { password?: string } = {}) {
  const { app, stack } = bareStack();
  const config = configFor('dev');
  const settings = instantUpdatesSchema.parse({ enabled: true, ...settingsInput });
  const data = new DataBucket(stack, 'Data', config.cloud.dataBucket);
  const alerts = new AlertTopic(stack, 'Alerts', { topicName: 'wpkb-dev-alerts' });
  const queue = new InstantUpdateQueue(stack, 'InstantUpdateQueue', {
    namePrefix: 'wpkb-dev',
    visibilityTimeout: workerTimeout(settings).plus(workerTimeout(settings)),
    maxReceiveCount: settings.maxReceiveCount,
    alertTopic: alerts.topic,
  });
  const bundledConfig = lambdaConfig(config);
  const api = new WebhookApi(stack, 'WebhookApi', {
    settings,
    namePrefix: 'wpkb-dev',
    env: 'dev',
    secret: 'wpkb/dev/webhook',
    queue: queue.queue,
    bundledConfig,
    sourceMaps: true,
    cloudWatchRole: false,
  });
  const worker = new InstantUpdateWorker(stack, 'InstantUpdateWorker', {
    settings,
    namePrefix: 'wpkb-dev',
    env: 'dev',
    queue: queue.queue,
    dataBucket: data.bucket,
    knowledgeBaseId: 'KB12345678',
    knowledgeBaseArn: KB_ARN,
    dataSourceId: 'DS12345678',
    bundledConfig,
    sourceMaps: true,
    ...(options.password ? { wordpressPasswordSecret: options.password } : {}),
    alertTopic: alerts.topic,
  });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const id = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);
  return { app, stack, template, resources, api, worker, queue, settings, id, data, alerts };
}

type Built = ReturnType<typeof build>;
let built: Built;
beforeAll(() => {
  built = build();
});

/** Every statement of a role's inline policies, by Sid. */
function statements(b: Built, roleLogicalId: string): Record<string, { Action: unknown; Resource: unknown }> {
  const role = b.resources[roleLogicalId];
  const policies = (role?.Properties.Policies ?? []) as {
    PolicyDocument: { Statement: { Sid: string }[] };
  }[];
  return Object.fromEntries(
    policies.flatMap((p) => p.PolicyDocument.Statement).map((s) => [s.Sid, s as never]),
  );
}
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** A function's environment variables (fails when the function is not in the template). */
function variablesOf(b: Built, fn: { node: { defaultChild?: unknown } }): Record<string, unknown> {
  const resource = b.resources[b.id(fn)];
  if (!resource) throw new Error('function not in the template');
  return (resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

/** Deploy-time tokens replaced by plausible values, so the handlers' own validation can run on them. */
function runtimeEnv(variables: Record<string, unknown>): Record<string, string> {
  const plausible: Record<string, string> = {
    DATA_BUCKET: 'wpkb-dev-data-bucket',
    QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/wpkb-dev-instant-updates.fifo',
  };
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : (plausible[name] ?? ''),
    ]),
  );
}

describe('POST /webhook', () => {
  it('is a Lambda proxy integration without API key or authorizer (the signature authenticates), on a throttled stage', () => {
    const { template, resources } = built;
    const resource = only(template, 'AWS::ApiGateway::Resource');
    expect(resource.Properties.PathPart).toBe('webhook');
    const method = only(template, 'AWS::ApiGateway::Method');
    expect(method.Properties).toMatchObject({
      HttpMethod: 'POST',
      AuthorizationType: 'NONE',
      ResourceId: { Ref: resource.logicalId },
      Integration: { Type: 'AWS_PROXY', TimeoutInMillis: 10_000 },
    });
    expect(method.Properties.ApiKeyRequired).not.toBe(true);
    const receiverId = built.id(built.api.function.fn);
    expect(JSON.stringify(method.Properties.Integration)).toContain(`"${receiverId}"`);
    expect(template.findResources('AWS::ApiGateway::UsagePlan')).toEqual({});
    const stage = only(template, 'AWS::ApiGateway::Stage');
    expect(stage.Properties).toMatchObject({
      StageName: 'v1',
      TracingEnabled: true,
      MethodSettings: [
        expect.objectContaining({
          ThrottlingRateLimit: 10,
          ThrottlingBurstLimit: 50,
          DataTraceEnabled: false,
        }),
      ],
    });
    expect(
      Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::GatewayResponse'),
    ).toHaveLength(2);
    expect(template.findResources('AWS::WAFv2::WebACL')).toEqual({});
  });

  it('puts AWS WAF on the stage when asked (IP reputation, rate per IP, 16 KB bodies)', () => {
    const withWaf = build({ waf: { enabled: true, ipRateLimit: 1200 } });
    const acl = only(withWaf.template, 'AWS::WAFv2::WebACL');
    const rules = acl.Properties.Rules as {
      Name: string;
      Statement: Record<string, Record<string, unknown>>;
    }[];
    expect(rules.map((r) => r.Name)).toEqual(['AmazonIpReputationList', 'RateLimitPerIp', 'BodyOver16KB']);
    expect(rules[1]?.Statement.RateBasedStatement?.Limit).toBe(1200);
    expect(rules[2]?.Statement.SizeConstraintStatement?.Size).toBe(16_384);
    const association = only(withWaf.template, 'AWS::WAFv2::WebACLAssociation');
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain(
      withWaf.stack.getLogicalId(withWaf.api.api.deploymentStage.node.defaultChild as never),
    );
    expect(nagFindings(withWaf.app)).toEqual([]);
  });

  it('gives the receiver exactly SendMessage on the queue and the webhook secret, and an environment its handler accepts', () => {
    const settings = receiverSettings(
      runtimeEnv(variablesOf(built, built.api.function.fn)),
      built.api.function.bundledConfig,
    );
    expect(settings.secretId).toBe('wpkb/dev/webhook');
    expect(settings.config.contentTypes.map((t) => t.name)).toEqual(['event', 'stores', 'restaurant']);
    expect(built.resources[built.id(built.api.function.fn)]?.Properties.FunctionName).toBe(
      'wpkb-dev-webhook-receiver',
    );
    expect(built.resources[built.id(built.worker.function.fn)]?.Properties.FunctionName).toBe(
      'wpkb-dev-instant-worker',
    );
    const roleId = built.id(built.api.function.role);
    const sids = statements(built, roleId);
    expect(Object.keys(sids).sort()).toEqual([
      'QueueHints',
      'ReadWebhookSecret',
      'WriteOwnLogs',
      'WriteTraces',
    ]);
    expect(sids.QueueHints?.Action).toBe('sqs:SendMessage');
    expect(sids.QueueHints?.Resource).toEqual({ 'Fn::GetAtt': [built.id(built.queue.queue), 'Arn'] });
    expect(JSON.stringify(sids.ReadWebhookSecret?.Resource)).toContain(':secret:wpkb/dev/webhook-??????');
  });
});

describe('instant-update queue', () => {
  it('is FIFO with receiver-given dedup ids, SQS encryption, a FIFO dead-letter queue after maxReceiveCount', () => {
    const { resources } = built;
    const queue = resources[built.id(built.queue.queue)];
    const dlqId = built.id(built.queue.deadLetterQueue);
    expect(queue?.Properties).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: false,
      SqsManagedSseEnabled: true,
      QueueName: 'wpkb-dev-instant-updates.fifo',
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 30 },
    });
    expect(resources[dlqId]?.Properties).toMatchObject({
      FifoQueue: true,
      MessageRetentionPeriod: 14 * 86_400,
      SqsManagedSseEnabled: true,
    });
    // A visibility timeout shorter than the worker's timeout would hand a hint to a second worker.
    const worker = resources[built.id(built.worker.function.fn)];
    expect(Number(queue?.Properties.VisibilityTimeout)).toBeGreaterThanOrEqual(
      Number(worker?.Properties.Timeout),
    );
    // TLS only, on both queues.
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(2);
    for (const policy of policies)
      expect(JSON.stringify(policy.Properties)).toContain('"aws:SecureTransport":"false"');
  });

  it('alarms to the alert topic as soon as one hint is dead-lettered', () => {
    const alarm = built.resources[built.id(built.queue.deadLetterAlarm)];
    expect(alarm?.Properties).toMatchObject({
      AlarmName: 'wpkb-dev-instant-updates-dlq',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: built.id(built.alerts.topic) }],
      OKActions: [{ Ref: built.id(built.alerts.topic) }],
    });
    expect(JSON.stringify(alarm?.Properties.Dimensions)).toContain(built.id(built.queue.deadLetterQueue));
  });
});

describe('instant-update worker', () => {
  it('consumes the queue with partial batch responses and bounded concurrency', () => {
    const mapping = only(built.template, 'AWS::Lambda::EventSourceMapping');
    expect(mapping.Properties).toMatchObject({
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
      EventSourceArn: { 'Fn::GetAtt': [built.id(built.queue.queue), 'Arn'] },
    });
  });

  it('has an environment its handler accepts: pacing within 5 requests/s across workers, lock outliving the timeout', () => {
    const worker = built.resources[built.id(built.worker.function.fn)];
    const settings = workerEnvSettings(
      runtimeEnv(variablesOf(built, built.worker.function.fn)),
      built.worker.function.bundledConfig,
    );
    expect(settings).toMatchObject({
      knowledgeBaseId: 'KB12345678',
      dataSourceId: 'DS12345678',
      indexWaitMs: 60_000,
      minIntervalMs: 400, // 2 workers × 400 ms apart = 5 calls/s per API at most
      busyDelaySeconds: 120,
    });
    expect(settings.lockTtlMs / 1000).toBeGreaterThan(Number(worker?.Properties.Timeout));
    const four = build({ workerConcurrency: 4 });
    const fourVars = variablesOf(four, four.worker.function.fn);
    expect((1000 / Number(fourVars.INGEST_MIN_INTERVAL_MS)) * 4).toBeLessThanOrEqual(5);
  });

  it('may touch only what an item update touches: no raw/, runs/ or curated/, Bedrock on this knowledge base only', () => {
    const sids = statements(built, built.id(built.worker.function.role));
    const resources = (sid: string) => JSON.stringify(asList(sids[sid]?.Resource));
    for (const sid of ['ReadItemObjects', 'WriteItemObjects', 'DeleteGoneDocuments']) {
      const text = resources(sid);
      for (const forbidden of ['/raw/', '/runs/', '/curated/', '"*"'])
        expect(text, sid).not.toContain(forbidden);
    }
    expect(resources('DeleteGoneDocuments')).toContain('/kb/*');
    expect(resources('DeleteGoneDocuments')).toContain('/locks/data.json');
    expect(resources('DeleteGoneDocuments')).not.toContain('/catalog/');
    // The types' state (boilerplate blocks) is read, never written: only a complete run writes it.
    expect(resources('ReadItemObjects')).toContain('/state/*');
    expect(resources('WriteItemObjects')).not.toContain('/state/');
    expect(asList(sids.DirectIngestion?.Resource)).toEqual([KB_ARN]);
    expect(asList(sids.DirectIngestion?.Action)).toEqual(
      expect.arrayContaining([
        'bedrock:IngestKnowledgeBaseDocuments',
        'bedrock:DeleteKnowledgeBaseDocuments',
        'bedrock:GetKnowledgeBaseDocuments',
        'bedrock:ListIngestionJobs',
      ]),
    );
    expect(sids.ConsumeHints?.Resource).toEqual({ 'Fn::GetAtt': [built.id(built.queue.queue), 'Arn'] });
    expect(sids.ReadWordPressPassword).toBeUndefined();
    const withPassword = build({}, { password: 'wpkb/dev/wordpress' });
    const passwordSids = statements(withPassword, withPassword.id(withPassword.worker.function.role));
    expect(JSON.stringify(passwordSids.ReadWordPressPassword?.Resource)).toContain(
      'wpkb/dev/wordpress-??????',
    );
  });

  it('alarms on worker errors to the alert topic', () => {
    const alarm = built.resources[built.id(built.worker.errors)];
    expect(alarm?.Properties).toMatchObject({
      AlarmName: 'wpkb-dev-instant-updates-worker-errors',
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      AlarmActions: [{ Ref: built.id(built.alerts.topic) }],
    });
  });
});

describe('cdk-nag', () => {
  it('has no unacknowledged AwsSolutions finding, and every acknowledgement gives a reason', () => {
    expect(nagFindings(built.app)).toEqual([]);
    const acks = acknowledgements(built.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) expect(ack.reason.length, ack.id).toBeGreaterThan(40);
  });
});

describe('the stack with cloud.instantUpdates', () => {
  it('builds nothing of it by default', () => {
    const { template, json } = synthesizeStack({ env: 'dev' });
    expect(template.findResources('AWS::SQS::Queue')).toEqual({});
    expect(template.findResources('AWS::Lambda::EventSourceMapping')).toEqual({});
    expect(Object.keys(json.Outputs as object)).not.toContain('WebhookUrl');
  });

  it('composes webhook, queue and worker when enabled: outputs, alarms the alert topic lets publish, nag clean', () => {
    const enabled = synthesizeStack({
      env: 'dev',
      overrides: { cloud: { instantUpdates: { enabled: true, secret: 'wpkb/dev/plugin-secret' } } },
    });
    const { template, json, stack } = enabled;
    expect(Object.keys(template.findResources('AWS::SQS::Queue'))).toHaveLength(2);
    expect(Object.keys(json.Outputs as object)).toEqual(
      expect.arrayContaining(['WebhookUrl', 'InstantUpdatesDeadLetterQueue']),
    );
    const instant = stack.instantUpdates;
    if (!instant) throw new Error('instant updates not built');
    // The configured secret, and the knowledge base's own ids.
    const receiver =
      template.toJSON().Resources[stack.getLogicalId(instant.webhook.function.fn.node.defaultChild as never)];
    expect(receiver.Properties.Environment.Variables.WEBHOOK_SECRET).toBe('wpkb/dev/plugin-secret');
    // The chat endpoint owns the account's API Gateway logs role: the webhook API does not add a second.
    expect(Object.keys(template.findResources('AWS::ApiGateway::Account'))).toHaveLength(1);
    // The alert topic's policy names the instant-update alarms, so CloudWatch may publish them.
    const topicPolicy = JSON.stringify(template.findResources('AWS::SNS::TopicPolicy'));
    expect(topicPolicy).toContain('wpkb-dev-instant-updates-dlq');
    expect(topicPolicy).toContain('wpkb-dev-instant-updates-worker-errors');
    expect(nagFindings(enabled.app)).toEqual([]);
  });
});
