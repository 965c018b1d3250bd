import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { beforeAll, describe, expect, it } from 'vitest';
import { AlertTopic } from '../../stacks/alert-topic.js';
import { DataBucket } from '../../stacks/data-bucket.js';
import {
  acknowledgements,
  agentOf,
  bareStack,
  find,
  INSTRUCTION,
  logicalIdOf,
  mallDirectoryOf,
  nagFindings,
  only,
  type Synthesized,
  synthesizeStack,
} from './synth.js';

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synthesizeStack({ env: 'dev' });
  prod = synthesizeStack({ env: 'prod' });
});

const resourcesOf = (s: Synthesized, type: string) => Object.entries(s.template.findResources(type));
const dataBucketId = (s: Synthesized) => logicalIdOf(s.stack.data.bucket);
const getAtt = (logicalId: string, attribute: string) => ({ 'Fn::GetAtt': [logicalId, attribute] });
const statementsOf = (role: { Properties: Record<string, unknown> }) =>
  (
    role.Properties.Policies as Array<{ PolicyDocument: { Statement: Array<Record<string, unknown>> } }>
  ).flatMap((p) => p.PolicyDocument.Statement);
const roleOf = (s: Synthesized, construct: import('constructs').IConstruct) =>
  s.template.findResources('AWS::IAM::Role')[logicalIdOf(construct)] as {
    Properties: Record<string, unknown>;
  };

describe('data bucket', () => {
  it('is private, encrypted, TLS-only, versioned and logs access to a separate bucket', () => {
    const id = dataBucketId(dev);
    const logId = logicalIdOf(dev.stack.data.logBucket);
    expect(id).not.toBe(logId);
    dev.template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: logId }, LogFilePrefix: 'data-bucket/' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      }),
      DeletionPolicy: 'Retain',
    });
    for (const bucket of [id, logId]) {
      dev.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucket },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
    // The log bucket: only S3's log delivery may write, under the data bucket's prefix.
    dev.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': getAtt(id, 'Arn') } }),
          }),
        ]),
      },
    });
  });

  it('expires raw/ and noncurrent versions after the configured days', () => {
    const { stack } = bareStack();
    const data = new DataBucket(stack, 'Data', {
      rawExpirationDays: 7,
      noncurrentVersionExpirationDays: 12,
      accessLogExpirationDays: 45,
    });
    const template = Template.fromStack(stack);
    const rules = (
      template.toJSON().Resources[logicalIdOf(data.bucket)].Properties.LifecycleConfiguration as {
        Rules: Array<Record<string, unknown>>;
      }
    ).Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({ Prefix: 'raw/', ExpirationInDays: 7, Status: 'Enabled' }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 12 }, Status: 'Enabled' }),
    );
    // Nothing but raw/ expires: documents, catalog and reports stay.
    expect(rules.filter((r) => 'ExpirationInDays' in r).map((r) => r.Prefix)).toEqual(['raw/']);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 45 })]) },
    });
  });
});

describe('curated knowledge upload', () => {
  it('mirrors knowledge/ into curated/ only, pruning there', () => {
    dev.template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: dataBucketId(dev) },
      DestinationBucketKeyPrefix: 'curated/',
      Prune: true,
      RetainOnDelete: true,
    });
  });

  it('uploads the curated files but not the README or dot-files', () => {
    const files = find(dev.stack, 'CuratedKnowledge/Files') as s3assets.Asset;
    const staged = path.join(dev.app.outdir, files.assetPath);
    expect(readdirSync(staged).sort()).toEqual(['faq.csv']);
  });

  it('lets the upload function write and delete under curated/ only', () => {
    const role = roleOf(dev, find(dev.stack, 'CuratedKnowledge/Role'));
    const statements = statementsOf(role);
    const writes = statements.filter((s) => JSON.stringify(s.Action).includes('s3:PutObject'));
    expect(writes).toHaveLength(1);
    expect(writes[0]?.Resource).toEqual({
      'Fn::Join': ['', [getAtt(dataBucketId(dev), 'Arn'), '/curated/*']],
    });
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': ['curated/', 'curated/*'] } },
      }),
    );
    // BucketDeployment's own whole-bucket grants are dropped: no policy resource, nothing in the bucket policy.
    const curatedRole = logicalIdOf(find(dev.stack, 'CuratedKnowledge/Role'));
    const attached = resourcesOf(dev, 'AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(p.Properties.Roles).includes(`"${curatedRole}"`),
    );
    expect(attached).toEqual([]);
    const bucketPolicy = JSON.stringify(dev.template.findResources('AWS::S3::BucketPolicy'));
    expect(bucketPolicy).not.toContain(curatedRole);
  });
});

describe('alert topic', () => {
  it('is encrypted with a rotating key and refuses plain HTTP publishing', () => {
    const keyId = logicalIdOf(dev.stack.alerts.key);
    dev.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    dev.template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'wpkb-dev-alerts',
      KmsMasterKeyId: getAtt(keyId, 'Arn'),
    });
    dev.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('allows CloudWatch nothing while no alarm notifies it, and refuses an unnamed alarm that does', () => {
    // A topic no alarm notifies: neither policy names CloudWatch.
    const quiet = bareStack().stack;
    new AlertTopic(quiet, 'Alerts', { topicName: 'quiet-alerts' });
    const quietTemplate = Template.fromStack(quiet);
    expect(JSON.stringify(quietTemplate.findResources('AWS::KMS::Key'))).toContain('kms:');
    expect(JSON.stringify(quietTemplate.findResources('AWS::KMS::Key'))).not.toContain('cloudwatch');
    expect(JSON.stringify(quietTemplate.findResources('AWS::SNS::TopicPolicy'))).not.toContain('cloudwatch');

    const { stack } = bareStack();
    const alerts = new AlertTopic(stack, 'Alerts', { topicName: 'test-alerts' });
    const alarm = new cloudwatch.Alarm(stack, 'Unnamed', {
      metric: new cloudwatch.Metric({ namespace: 'wpkb', metricName: 'Test' }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    alarm.addAlarmAction(new cloudwatchActions.SnsAction(alerts.topic));
    expect(() => Template.fromStack(stack)).toThrow(/Unnamed.* has no explicit alarmName/);
  });

  it('subscribes the configured e-mail only where one is configured', () => {
    expect(resourcesOf(dev, 'AWS::SNS::Subscription')).toEqual([]);
    prod.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'alertas@mall.example.cl',
      TopicArn: { Ref: logicalIdOf(prod.stack.alerts.topic) },
    });
  });
});

describe('Pinecone index custom resource', () => {
  it('passes the index settings from configuration, never the key', () => {
    const index = only(dev.template, 'Custom::PineconeIndex');
    expect(index.Properties).toEqual({
      ServiceToken: expect.anything(),
      IndexName: 'wpkb-dev',
      Dimension: 1024,
      Metric: 'cosine',
      Cloud: 'aws',
      Region: 'us-east-1',
      SecretId: 'wpkb/dev/pinecone',
      RemovalPolicy: 'delete',
    });
    expect(only(prod.template, 'Custom::PineconeIndex').Properties).toMatchObject({
      IndexName: 'wpkb-prod',
      SecretId: 'wpkb/prod/pinecone',
      RemovalPolicy: 'retain',
    });
  });

  it('runs a Node 22 ARM64 handler through the provider framework', () => {
    const handlerId = logicalIdOf(dev.stack.index.handler);
    const handler = dev.template.toJSON().Resources[handlerId];
    expect(handler.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    expect(handler.Properties.Timeout).toBeGreaterThanOrEqual(300);
    const index = only(dev.template, 'Custom::PineconeIndex');
    const providerFn = (index.Properties.ServiceToken as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(
      dev.template.toJSON().Resources[providerFn].Properties.Environment.Variables.USER_ON_EVENT_FUNCTION_ARN,
    ).toEqual(getAtt(handlerId, 'Arn'));
  });

  it('gives the provider exactly the right to call the handler, and the handler the one secret', () => {
    const providerRole = roleOf(dev, find(dev.stack, 'PineconeIndex/ProviderRole'));
    const invoke = statementsOf(providerRole).find((s) => s.Sid === 'InvokeHandler');
    expect(invoke).toMatchObject({
      Action: ['lambda:GetFunction', 'lambda:InvokeFunction'],
      Resource: getAtt(logicalIdOf(dev.stack.index.handler), 'Arn'),
    });
    const handlerRole = roleOf(dev, find(dev.stack, 'PineconeIndex/HandlerRole'));
    const secret = statementsOf(handlerRole).find((s) => s.Action === 'secretsmanager:GetSecretValue');
    expect(JSON.stringify(secret?.Resource)).toContain(':secret:wpkb/dev/pinecone-??????');
  });
});

describe('knowledge base', () => {
  it('stores vectors in Pinecone at the index host the custom resource reports', () => {
    const indexId = logicalIdOf(dev.stack.index.node.findChild('Resource'));
    const kb = only(dev.template, 'AWS::Bedrock::KnowledgeBase');
    expect(kb.Properties.StorageConfiguration).toEqual({
      Type: 'PINECONE',
      PineconeConfiguration: {
        ConnectionString: getAtt(indexId, 'ConnectionString'),
        CredentialsSecretArn: getAtt(indexId, 'SecretArn'),
        Namespace: 'dev',
        FieldMapping: { TextField: 'text', MetadataField: 'metadata' },
      },
    });
    expect(only(prod.template, 'AWS::Bedrock::KnowledgeBase').Properties.StorageConfiguration).toMatchObject({
      PineconeConfiguration: { Namespace: 'prod' },
    });
  });

  it('embeds with Titan Text Embeddings V2 at the configured dimensions', () => {
    const kb = only(dev.template, 'AWS::Bedrock::KnowledgeBase');
    const config = kb.Properties.KnowledgeBaseConfiguration as {
      VectorKnowledgeBaseConfiguration: Record<string, unknown>;
    };
    expect(JSON.stringify(config.VectorKnowledgeBaseConfiguration.EmbeddingModelArn)).toMatch(
      /:bedrock:",\{"Ref":"AWS::Region"\},"::foundation-model\/amazon\.titan-embed-text-v2:0"/,
    );
    expect(config.VectorKnowledgeBaseConfiguration.EmbeddingModelConfiguration).toEqual({
      BedrockEmbeddingModelConfiguration: { Dimensions: 1024 },
    });
  });

  it("retains a data source's vectors in prod and deletes them in dev (cdk.json environments)", () => {
    expect(only(prod.template, 'AWS::Bedrock::DataSource').Properties.DataDeletionPolicy).toBe('RETAIN');
    expect(only(dev.template, 'AWS::Bedrock::DataSource').Properties.DataDeletionPolicy).toBe('DELETE');
  });

  it('has one S3 data source on kb/ with the configured chunking and deletion policy', () => {
    const source = only(dev.template, 'AWS::Bedrock::DataSource');
    expect(source.Properties).toMatchObject({
      KnowledgeBaseId: getAtt(logicalIdOf(dev.stack.knowledgeBase), 'KnowledgeBaseId'),
      DataDeletionPolicy: 'DELETE',
      DataSourceConfiguration: {
        Type: 'S3',
        S3Configuration: { BucketArn: getAtt(dataBucketId(dev), 'Arn'), InclusionPrefixes: ['kb/'] },
      },
      VectorIngestionConfiguration: {
        ChunkingConfiguration: {
          ChunkingStrategy: 'FIXED_SIZE',
          FixedSizeChunkingConfiguration: { MaxTokens: 300, OverlapPercentage: 20 },
        },
      },
    });
  });

  it('runs under a role that can do exactly: embed, read kb/, read the one secret', () => {
    const role = roleOf(dev, dev.stack.knowledgeBase.role);
    const trust = (role.Properties.AssumeRolePolicyDocument as { Statement: unknown[] }).Statement;
    expect(trust).toEqual([
      expect.objectContaining({
        Principal: { Service: 'bedrock.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': expect.objectContaining({ 'Fn::Join': expect.anything() }) },
        },
      }),
    ]);
    expect(JSON.stringify(trust)).toContain(':knowledge-base/*');
    const bucketArn = getAtt(dataBucketId(dev), 'Arn');
    const statements = statementsOf(role).map(({ Sid: _sid, ...rest }) => rest);
    expect(statements).toHaveLength(4);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'bedrock:InvokeModel',
      Resource: (
        only(dev.template, 'AWS::Bedrock::KnowledgeBase').Properties.KnowledgeBaseConfiguration as {
          VectorKnowledgeBaseConfiguration: { EmbeddingModelArn: unknown };
        }
      ).VectorKnowledgeBaseConfiguration.EmbeddingModelArn,
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucketArn,
      Condition: {
        StringLike: { 's3:prefix': ['kb/', 'kb/*'] },
        StringEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } },
      },
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', [bucketArn, '/kb/*']] },
      Condition: { StringEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':secretsmanager:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':secret:wpkb/dev/pinecone-??????',
          ],
        ],
      },
    });
  });

  it('references the Pinecone secret, never its value', () => {
    const text = JSON.stringify(dev.json);
    expect(resourcesOf(dev, 'AWS::SecretsManager::Secret')).toEqual([]);
    expect(text).not.toMatch(/resolve:secretsmanager/);
    expect(text).not.toMatch(/"ApiKey"|"apiKey"/);
  });
});

describe('agent', () => {
  it('uses the instruction file, the configured model and session TTL, and prepares itself', () => {
    const agent = only(dev.template, 'AWS::Bedrock::Agent');
    expect(agent.Properties).toMatchObject({
      AgentName: 'wpkb-dev-agent',
      Instruction: INSTRUCTION.trim(),
      FoundationModel: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      IdleSessionTTLInSeconds: 600,
      AutoPrepare: true,
      AgentResourceRoleArn: getAtt(logicalIdOf(agentOf(dev.stack).role), 'Arn'),
    });
  });

  it('is associated with the knowledge base, with a description', () => {
    const agent = only(dev.template, 'AWS::Bedrock::Agent');
    expect(agent.Properties.KnowledgeBases).toEqual([
      {
        KnowledgeBaseId: getAtt(logicalIdOf(dev.stack.knowledgeBase), 'KnowledgeBaseId'),
        Description: expect.stringMatching(/.{20,}/),
        KnowledgeBaseState: 'ENABLED',
      },
    ]);
  });

  it('has exactly one alias, pointing at the agent without a fixed routing', () => {
    const alias = only(dev.template, 'AWS::Bedrock::AgentAlias');
    expect(alias.Properties).toMatchObject({
      AgentAliasName: 'live',
      AgentId: getAtt(logicalIdOf(agentOf(dev.stack)), 'AgentId'),
      Description: expect.stringMatching(/definition [0-9a-f]{16}$/),
    });
    expect(alias.Properties.RoutingConfiguration).toBeUndefined();
  });

  it('has no guardrail in dev and a versioned guardrail in prod', () => {
    expect(resourcesOf(dev, 'AWS::Bedrock::Guardrail')).toEqual([]);
    expect(only(dev.template, 'AWS::Bedrock::Agent').Properties.GuardrailConfiguration).toBeUndefined();

    const guardrail = only(prod.template, 'AWS::Bedrock::Guardrail');
    expect(guardrail.Properties).toMatchObject({
      Name: 'wpkb-prod-guardrail',
      ContentPolicyConfig: {
        FiltersConfig: [{ Type: 'PROMPT_ATTACK', InputStrength: 'HIGH', OutputStrength: 'NONE' }],
      },
      TopicPolicyConfig: {
        TopicsConfig: expect.arrayContaining([
          expect.objectContaining({ Name: 'Politica y religion', Type: 'DENY' }),
        ]),
      },
    });
    const version = only(prod.template, 'AWS::Bedrock::GuardrailVersion');
    expect(version.Properties.GuardrailIdentifier).toEqual(getAtt(guardrail.logicalId, 'GuardrailId'));
    expect(only(prod.template, 'AWS::Bedrock::Agent').Properties.GuardrailConfiguration).toEqual({
      GuardrailIdentifier: getAtt(guardrail.logicalId, 'GuardrailId'),
      GuardrailVersion: getAtt(version.logicalId, 'Version'),
    });
    const agentRole = roleOf(prod, agentOf(prod.stack).role);
    expect(statementsOf(agentRole)).toContainEqual(
      expect.objectContaining({
        Action: 'bedrock:ApplyGuardrail',
        Resource: getAtt(guardrail.logicalId, 'GuardrailArn'),
      }),
    );
  });

  it('lets the agent retrieve from its own knowledge base only', () => {
    const statements = statementsOf(roleOf(dev, agentOf(dev.stack).role));
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'bedrock:Retrieve',
        Resource: getAtt(logicalIdOf(dev.stack.knowledgeBase), 'KnowledgeBaseArn'),
      }),
    );
  });
});

describe('environments', () => {
  it('names every environment-specific resource after its environment', () => {
    for (const [s, env] of [
      [dev, 'dev'],
      [prod, 'prod'],
    ] as const) {
      expect(s.stack.stackName).toBe(`wpkb-${env}`);
      expect(only(s.template, 'AWS::Bedrock::Agent').Properties.AgentName).toBe(`wpkb-${env}-agent`);
      expect(only(s.template, 'AWS::Bedrock::KnowledgeBase').Properties.Name).toMatch(
        new RegExp(`^wpkb-${env}-kb-[0-9a-f]{8}$`),
      );
      expect(only(s.template, 'AWS::Bedrock::DataSource').Properties.Name).toMatch(
        new RegExp(`^wpkb-${env}-`),
      );
      expect(only(s.template, 'AWS::SNS::Topic').Properties.TopicName).toBe(`wpkb-${env}-alerts`);
      expect(only(s.template, 'AWS::SNS::Topic').Properties.Tags).toEqual(
        expect.arrayContaining([
          { Key: 'project', Value: 'wpkb' },
          { Key: 'environment', Value: env },
        ]),
      );
    }
  });

  it('hard-codes no account and stays environment-agnostic', () => {
    for (const s of [dev, prod]) {
      expect(Token.isUnresolved(s.stack.account)).toBe(true);
      expect(Token.isUnresolved(s.stack.region)).toBe(true);
      expect(JSON.stringify(s.json)).not.toMatch(/\b\d{12}\b/);
    }
  });

  it('exports what operators and the pipeline need', () => {
    for (const name of [
      'DataBucketName',
      'KnowledgeBaseId',
      'DataSourceId',
      'AgentId',
      'AgentAliasId',
      'AlertTopicArn',
    ]) {
      dev.template.hasOutput(name, {});
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports nothing unacknowledged, in either environment', () => {
    expect(nagFindings(dev.app)).toEqual([]);
    expect(nagFindings(prod.app)).toEqual([]);
  });

  it('reports nothing unacknowledged when the CLI knows account and region (deploy)', () => {
    const targeted = synthesizeStack({
      env: 'prod',
      target: { account: '111111111111', region: 'us-east-1' },
    });
    expect(targeted.stack.region).toBe('us-east-1');
    expect(nagFindings(targeted.app)).toEqual([]);
  });

  it('acknowledges only specific findings on specific resources, each with a reason', () => {
    // The pipeline's, the action group's and the chat endpoint's own are listed by their tests.
    const acks = acknowledgements(prod.app).filter(
      (a) => !/^wpkb-prod\/(Pipeline|MallDirectory|ChatApi|ChatAlarms)\//.test(a.path),
    );
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      // Never the whole stack or app.
      expect(ack.path.split('/').length).toBeGreaterThan(1);
      expect(ack.reason.length).toBeGreaterThanOrEqual(40);
      // IAM wildcards are acknowledged one finding at a time.
      if (ack.id.includes('IAM5')) expect(ack.id).toMatch(/IAM5\[Resource::.+\]$/);
    }
    const bucket = dataBucketId(prod);
    expect(acks.map((a) => a.id.replace(/^\w+::/, '')).sort()).toEqual([
      `AwsSolutions-IAM5[Resource::<${bucket}.Arn>/curated/*]`,
      `AwsSolutions-IAM5[Resource::<${bucket}.Arn>/kb/*]`,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0]',
      'AwsSolutions-L1',
      'AwsSolutions-L1',
    ]);
  });
});

describe('synthesis', () => {
  it('is deterministic: the same configuration gives the same template', () => {
    expect(synthesizeStack({ env: 'dev' }).json).toEqual(dev.json);
  });

  it('builds the pipeline, the action group and the chat endpoint on its own bucket, knowledge base and agent', () => {
    const variables = (construct: import('constructs').IConstruct) =>
      (
        dev.template.findResources('AWS::Lambda::Function')[logicalIdOf(construct)] as {
          Properties: { Environment: { Variables: Record<string, unknown> } };
        }
      ).Properties.Environment.Variables;
    const bucket = { Ref: dataBucketId(dev) };
    const knowledgeBaseId = getAtt(logicalIdOf(dev.stack.knowledgeBase), 'KnowledgeBaseId');
    const agentId = getAtt(logicalIdOf(agentOf(dev.stack)), 'AgentId');

    expect(variables(dev.stack.pipeline.functions.sync)).toMatchObject({
      DATA_BUCKET: bucket,
      KNOWLEDGE_BASE_ID: knowledgeBaseId,
      DATA_SOURCE_ID: getAtt(logicalIdOf(dev.stack.knowledgeBase.dataSource), 'DataSourceId'),
      AGENT_ID: agentId,
      PINECONE_NAMESPACE: 'dev',
    });
    expect(variables(mallDirectoryOf(dev.stack).function.fn)).toMatchObject({ DATA_BUCKET: bucket });
    expect(only(dev.template, 'AWS::Bedrock::Agent').Properties.ActionGroups).toEqual([
      expect.objectContaining({
        ActionGroupName: 'mall-directory',
        ActionGroupExecutor: { Lambda: getAtt(logicalIdOf(mallDirectoryOf(dev.stack).function.fn), 'Arn') },
      }),
    ]);
    const chat = dev.stack.chat;
    if (!chat) throw new Error('dev has the chat endpoint enabled');
    expect(variables(chat.function.fn)).toMatchObject({
      AGENT_ID: agentId,
      AGENT_ALIAS_ID: getAtt(logicalIdOf(agentOf(dev.stack).alias), 'AgentAliasId'),
      KNOWLEDGE_BASE_ID: knowledgeBaseId,
    });
  });
});
