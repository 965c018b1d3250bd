import { beforeAll, describe, expect, it } from 'vitest';
import { ASSISTANT_DEFINITION_GLOBAL } from '../../functions/core/shared/config/assistant-definition.js';
import { chatSettings } from '../../functions/core/shared/config/chat-env.js';
import { BUNDLED_CONFIG_GLOBAL } from '../../functions/core/shared/config/lambda-env.js';
import {
  acknowledgements,
  logicalIdOf,
  nagFindings,
  only,
  type Synthesized,
  synthesizeStack,
} from './synth.js';

/*
 * The two assistant engines as `cdk synth -c env=<env> [-c wpkb.cloud.assistant.engine=knowledge-base]`
 * builds them: the knowledge-base stacks must hold no agent at all, and give the chat Lambda exactly
 * what Retrieve + Converse + the directory + the history need.
 */

const KB_ENGINE = { cloud: { assistant: { engine: 'knowledge-base' } } };

let agentProd: Synthesized;
let kbProd: Synthesized;
let kbDev: Synthesized;

beforeAll(() => {
  agentProd = synthesizeStack({ env: 'prod' });
  // prod: guardrail on (cdk.json); dev: no guardrail, and point-in-time recovery turned off.
  kbProd = synthesizeStack({ env: 'prod', overrides: KB_ENGINE });
  kbDev = synthesizeStack({
    env: 'dev',
    overrides: { cloud: { assistant: { engine: 'knowledge-base', historyPointInTimeRecovery: false } } },
  });
});

type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = (s: Synthesized) => (s.json as { Resources: Record<string, Resource> }).Resources;
const ofType = (s: Synthesized, type: string) =>
  Object.entries(resources(s)).filter(([, r]) => r.Type === type);
const getAtt = (logicalId: string, attribute: string) => ({ 'Fn::GetAtt': [logicalId, attribute] });
const outputs = (s: Synthesized) => (s.json as { Outputs: Record<string, { Value: unknown }> }).Outputs;

/** The chat Lambda (the POST /chat integration's function) and its role's statements. */
function chatLambda(s: Synthesized) {
  const chat = s.stack.chat;
  if (!chat) throw new Error('no chat endpoint');
  const fnId = logicalIdOf(chat.function.fn);
  const fn = resources(s)[fnId];
  const roleId = logicalIdOf(chat.function.role);
  const role = resources(s)[roleId];
  if (!fn || !role) throw new Error('chat function or role missing');
  const statements = (
    role.Properties.Policies as Array<{ PolicyDocument: { Statement: Array<Record<string, unknown>> } }>
  ).flatMap((p) => p.PolicyDocument.Statement);
  return { fn, fnId, roleId, statements, function: chat.function };
}
const actionsOf = (statements: Array<Record<string, unknown>>) =>
  statements.flatMap((st) => [st.Action].flat() as string[]).sort();

describe('knowledge-base engine: no Bedrock agent in the template', () => {
  it('has no agent, alias, action group Lambda, agent role or Bedrock invoke permission (the agent engine has them)', () => {
    // The same checks find them in the agent engine's template: they cannot pass by matching nothing.
    expect(ofType(agentProd, 'AWS::Bedrock::Agent')).toHaveLength(1);
    expect(ofType(agentProd, 'AWS::Bedrock::AgentAlias')).toHaveLength(1);
    const bedrockInvokes = (s: Synthesized) =>
      ofType(s, 'AWS::Lambda::Permission').filter(
        ([, p]) => p.Properties.Principal === 'bedrock.amazonaws.com',
      );
    const agentRoles = (s: Synthesized) =>
      ofType(s, 'AWS::IAM::Role').filter(([, r]) =>
        JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes(':agent/*'),
      );
    const actionGroupFunctions = (s: Synthesized) =>
      ofType(s, 'AWS::Lambda::Function').filter(([, f]) =>
        String(f.Properties.Description).includes('action group'),
      );
    expect(bedrockInvokes(agentProd)).toHaveLength(1);
    expect(agentRoles(agentProd)).toHaveLength(1);
    expect(actionGroupFunctions(agentProd)).toHaveLength(1);

    for (const s of [kbProd, kbDev]) {
      expect(ofType(s, 'AWS::Bedrock::Agent')).toEqual([]);
      expect(ofType(s, 'AWS::Bedrock::AgentAlias')).toEqual([]);
      expect(bedrockInvokes(s)).toEqual([]);
      expect(agentRoles(s)).toEqual([]);
      expect(actionGroupFunctions(s)).toEqual([]);
      expect(JSON.stringify(s.json)).not.toMatch(/bedrock:(InvokeAgent|PrepareAgent|GetAgent)\b/);
      // The knowledge base, its data source and the guardrail (prod) stay.
      expect(ofType(s, 'AWS::Bedrock::KnowledgeBase')).toHaveLength(1);
      expect(ofType(s, 'AWS::Bedrock::DataSource')).toHaveLength(1);
    }
    expect(ofType(kbProd, 'AWS::Bedrock::Guardrail')).toHaveLength(1);
  });

  it('says which engine runs in the outputs, with what wpkb chat needs and no agent ids', () => {
    const kb = outputs(kbProd);
    expect(kb.AssistantEngine?.Value).toBe('knowledge-base');
    expect(kb.AssistantModelId?.Value).toBe('us.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(kb.ConversationTableName?.Value).toEqual({
      Ref: logicalIdOf(kbProd.stack.knowledgeBaseAssistant?.conversations.table ?? kbProd.stack),
    });
    expect(kb.GuardrailVersion?.Value).toEqual(expect.objectContaining({ 'Fn::GetAtt': expect.any(Array) }));
    expect(Object.keys(kb)).not.toEqual(expect.arrayContaining(['AgentId']));
    expect(Object.keys(kb)).not.toContain('AgentAliasId');
    expect(outputs(agentProd).AssistantEngine?.Value).toBe('agent');
    expect(Object.keys(outputs(agentProd))).toEqual(expect.arrayContaining(['AgentId', 'AgentAliasId']));
  });
});

describe('knowledge-base engine: the chat Lambda', () => {
  it('is granted exactly Retrieve on the KB, InvokeModel on the profile and its model, the table, catalog/ and the guardrail', () => {
    const { statements } = chatLambda(kbProd);
    const kbArn = getAtt(logicalIdOf(kbProd.stack.knowledgeBase), 'KnowledgeBaseArn');
    const table = kbProd.stack.knowledgeBaseAssistant?.conversations.table;
    const guardrail = kbProd.stack.guardrail;
    if (!table || !guardrail) throw new Error('table or guardrail missing');
    const bySid = Object.fromEntries(statements.map(({ Sid, ...rest }) => [String(Sid), rest]));
    expect(bySid.RetrieveFromKnowledgeBase).toEqual({
      Effect: 'Allow',
      Action: 'bedrock:Retrieve',
      Resource: kbArn,
    });
    expect(bySid.ConversationHistory).toEqual({
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      Resource: getAtt(logicalIdOf(table), 'Arn'),
    });
    expect(bySid.ApplyGuardrail).toEqual({
      Effect: 'Allow',
      Action: 'bedrock:ApplyGuardrail',
      Resource: getAtt(logicalIdOf(guardrail.guardrail), 'GuardrailArn'),
    });
    const model = JSON.stringify(bySid.ConverseWithModel);
    expect(bySid.ConverseWithModel?.Action).toBe('bedrock:InvokeModel');
    expect(model).toContain(':inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(model).toContain(':bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(JSON.stringify(bySid.ReadCatalog)).toContain('/catalog/*');
    expect(bySid.ListCatalog).toMatchObject({ Condition: { StringLike: { 's3:prefix': 'catalog/*' } } });
    // The reference prod turns visitor tokens on: the site's secret, that one only.
    expect(
      JSON.stringify(
        bySid.SiteSecret ?? statements.filter((st) => JSON.stringify(st).includes('secretsmanager')),
      ),
    ).toContain('secret:wpkb/prod/');
    // And nothing else: no agent, no other table, no write to the bucket.
    expect(actionsOf(statements)).toEqual([
      'bedrock:ApplyGuardrail',
      'bedrock:InvokeModel',
      'bedrock:Retrieve',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:GetObject',
      's3:ListBucket',
      'secretsmanager:GetSecretValue',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('gets no ApplyGuardrail where no guardrail is configured', () => {
    expect(kbDev.stack.guardrail).toBeUndefined();
    expect(actionsOf(chatLambda(kbDev).statements)).not.toContain('bedrock:ApplyGuardrail');
    expect(chatLambda(kbDev).fn.Properties.Environment).not.toHaveProperty('Variables.GUARDRAIL_ID');
  });

  it('has the environment its handler validates as the knowledge-base engine, and its definition in the bundle', () => {
    const { fn, function: chat } = chatLambda(kbProd);
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    // Deploy-time values (tokens) as CloudFormation would fill them in.
    const deployed = Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [
        name,
        typeof value === 'string'
          ? value
          : ({
              KNOWLEDGE_BASE_ID: 'KB12345678',
              HISTORY_TABLE: 'wpkb-prod-AssistantConversationsTable-1A2B3C',
              DATA_BUCKET: 'wpkb-prod-data-1a2b3c',
              GUARDRAIL_ID: 'gr1234abcd',
              GUARDRAIL_VERSION: '1',
            }[name] ?? 'unexpected-token'),
      ]),
    );
    const settings = chatSettings(deployed);
    expect(settings.assistant).toEqual({
      engine: 'knowledge-base',
      knowledgeBaseId: 'KB12345678',
      modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      historyTable: 'wpkb-prod-AssistantConversationsTable-1A2B3C',
      dataBucket: 'wpkb-prod-data-1a2b3c',
      guardrail: { id: 'gr1234abcd', version: '1' },
      historyTurns: 10,
      sessionTtlSeconds: 600,
      maxToolRounds: 4,
      retrievalResults: 5,
      maxAnswerTokens: 1024,
      catalogCheckSeconds: 60,
      maxBodyBytes: 20_000,
    });
    expect(Object.values(deployed)).not.toContain('unexpected-token');
    // The system prompt and tools, and the directory's configuration, travel in the code.
    expect(Object.keys(chat.define).sort()).toEqual(
      [ASSISTANT_DEFINITION_GLOBAL, BUNDLED_CONFIG_GLOBAL].sort(),
    );
    expect(JSON.parse(JSON.parse(chat.define[ASSISTANT_DEFINITION_GLOBAL] ?? '""'))).toEqual(
      kbProd.stack.knowledgeBaseAssistant?.definition,
    );
  });
});

describe('knowledge-base engine: the conversation table and the rest of the stack', () => {
  it('is one encrypted on-demand table with the TTL attribute, point-in-time recovery per environment', () => {
    for (const [s, pitr] of [
      [kbProd, true],
      [kbDev, false],
    ] as const) {
      const table = only(s.template, 'AWS::DynamoDB::Table');
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: pitr },
      });
    }
    expect(ofType(agentProd, 'AWS::DynamoDB::Table')).toEqual([]);
  });

  it('gives the sync Lambda no agent: no AGENT_ID, no PrepareAgent grant', () => {
    const syncFn = (s: Synthesized) => resources(s)[logicalIdOf(s.stack.pipeline.functions.sync)];
    const vars = (s: Synthesized) =>
      (syncFn(s)?.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    expect(vars(agentProd)).toHaveProperty('AGENT_ID');
    expect(vars(kbProd)).not.toHaveProperty('AGENT_ID');
    expect(JSON.stringify(resources(kbProd))).not.toContain('bedrock:PrepareAgent');
  });

  it('passes cdk-nag with every finding acknowledged where it arises', () => {
    expect(nagFindings(kbProd.app)).toEqual([]);
    expect(nagFindings(kbDev.app)).toEqual([]);
    // On the chat Lambda's role: X-Ray's '*', the objects under catalog/, the profile's model in any region.
    const onChatRole = acknowledgements(kbProd.app)
      .filter((a) => a.path.endsWith('ChatApi/Handler/Role'))
      .map((a) => a.id.replace(/^Annotation::/, ''))
      .sort();
    expect(onChatRole).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
      `AwsSolutions-IAM5[Resource::<${logicalIdOf(kbProd.stack.data.bucket)}.Arn>/catalog/*]`,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0]',
    ]);
    const ddb3 = (s: Synthesized) =>
      acknowledgements(s.app).filter((a) => a.id.endsWith('AwsSolutions-DDB3'));
    expect(ddb3(kbDev)).toHaveLength(1);
    expect(ddb3(kbProd)).toEqual([]);
  });
});
