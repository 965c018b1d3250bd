import { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as bedrock from 'aws-cdk-lib/aws-bedrock';
import { describe, expect, it } from 'vitest';
import type { DeniedTopicConfig } from '../../functions/core/shared/config/cloud-schema.js';
import { ConfigError } from '../../functions/core/shared/errors.js';
import { WpkbAgent, type WpkbAgentProps } from '../../stacks/agent.js';
import { AgentGuardrail } from '../../stacks/guardrail.js';
import { bareStack, INSTRUCTION, only } from './synth.js';

/**
 * The agent alone in a bare stack (fast: no bundling), with a stand-in knowledge base whose id is a
 * real deploy-time token, as in the full stack.
 */
interface Variant {
  agent?: Partial<Omit<WpkbAgentProps, 'knowledgeBase' | 'guardrail'>>;
  knowledgeBaseFingerprint?: string;
  guardrail?: { deniedTopics: DeniedTopicConfig[] } | false;
}

function synth(variant: Variant = {}) {
  const { app, stack } = bareStack();
  const kb = new CfnResource(stack, 'KnowledgeBase', {
    type: 'Custom::StandInKnowledgeBase',
    properties: { ServiceToken: 'arn:aws:lambda:us-east-1:000000000000:function:stand-in' },
  });
  const guardrail =
    variant.guardrail === false || variant.guardrail === undefined
      ? undefined
      : new AgentGuardrail(stack, 'Guardrail', {
          name: 'wpkb-test-guardrail',
          promptAttackStrength: 'HIGH',
          deniedTopics: variant.guardrail.deniedTopics,
          blockedInputMessage: 'No puedo ayudarte con eso.',
          blockedOutputMessage: 'No puedo responder eso.',
        });
  const agent = new WpkbAgent(stack, 'Agent', {
    agentName: 'wpkb-test-agent',
    description: 'Asistente de prueba',
    instruction: INSTRUCTION,
    foundationModel: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    idleSessionTtlSeconds: 600,
    aliasName: 'live',
    knowledgeBase: {
      knowledgeBaseId: kb.getAtt('KnowledgeBaseId').toString(),
      knowledgeBaseArn: kb.getAtt('KnowledgeBaseArn').toString(),
      description: 'Eventos, tiendas y restaurantes del mall',
      fingerprint: variant.knowledgeBaseFingerprint ?? 'kb-v1',
    },
    guardrail,
    ...variant.agent,
  });
  const template = Template.fromStack(stack);
  const alias = only(template, 'AWS::Bedrock::AgentAlias');
  return { app, stack, agent, template, alias, json: template.toJSON() };
}

const topic = (name: string): DeniedTopicConfig => ({
  name,
  definition: `Preguntas sobre ${name.toLowerCase()}, que no tienen relación con el mall.`,
  examples: [],
});

describe('alias definition hash', () => {
  const base = synth();

  it('is identical for identical input, across separate apps', () => {
    const again = synth();
    expect(again.alias.Properties.Description).toBe(base.alias.Properties.Description);
    expect(again.json).toEqual(base.json);
  });

  it.each<[string, Variant]>([
    ['the instruction', { agent: { instruction: `${INSTRUCTION}\n10. Responde siempre con una sonrisa.` } }],
    ['the foundation model', { agent: { foundationModel: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' } }],
    ['the session TTL', { agent: { idleSessionTtlSeconds: 1800 } }],
    ['the knowledge base (replaced)', { knowledgeBaseFingerprint: 'kb-v2' }],
    ['the guardrail (added)', { guardrail: { deniedTopics: [] } }],
    [
      'the action groups',
      {
        agent: {
          actionGroups: [
            {
              actionGroupName: 'catalogo',
              description: 'Consulta el catálogo de tiendas',
              actionGroupExecutor: { lambda: 'arn:aws:lambda:us-east-1:000000000000:function:catalogo' },
              apiSchema: { payload: '{"openapi":"3.0.0"}' },
            },
          ],
        },
      },
    ],
  ])('changes when %s changes, on the same alias resource', (_what, variant) => {
    const changed = synth(variant);
    expect(changed.alias.Properties.Description).not.toBe(base.alias.Properties.Description);
    expect(changed.alias.logicalId).toBe(base.alias.logicalId);
    expect(changed.alias.Properties.AgentAliasName).toBe('live');
    expect(changed.alias.Properties.RoutingConfiguration).toBeUndefined();
  });

  it('is what the construct reports', () => {
    expect(base.alias.Properties.Description).toContain(base.agent.definitionHash);
  });
});

describe('guardrail versions', () => {
  const one = synth({ guardrail: { deniedTopics: [topic('Politica')] } });

  it('attaches a numbered guardrail version, not the draft', () => {
    const version = only(one.template, 'AWS::Bedrock::GuardrailVersion');
    const guardrail = only(one.template, 'AWS::Bedrock::Guardrail');
    expect(only(one.template, 'AWS::Bedrock::Agent').Properties.GuardrailConfiguration).toEqual({
      GuardrailIdentifier: { 'Fn::GetAtt': [guardrail.logicalId, 'GuardrailId'] },
      GuardrailVersion: { 'Fn::GetAtt': [version.logicalId, 'Version'] },
    });
    expect(guardrail.Properties).toMatchObject({
      ContentPolicyConfig: {
        FiltersConfig: [{ Type: 'PROMPT_ATTACK', InputStrength: 'HIGH', OutputStrength: 'NONE' }],
      },
      TopicPolicyConfig: {
        TopicsConfig: [{ Name: 'Politica', Type: 'DENY', Definition: expect.any(String) }],
      },
    });
  });

  it('cuts a new version (and moves the alias) when the guardrail changes, and only then', () => {
    const same = synth({ guardrail: { deniedTopics: [topic('Politica')] } });
    const two = synth({ guardrail: { deniedTopics: [topic('Politica'), topic('Religion')] } });
    const versionId = (s: ReturnType<typeof synth>) =>
      only(s.template, 'AWS::Bedrock::GuardrailVersion').logicalId;
    expect(versionId(same)).toBe(versionId(one));
    expect(versionId(two)).not.toBe(versionId(one));
    expect(only(same.template, 'AWS::Bedrock::Guardrail').logicalId).toBe(
      only(two.template, 'AWS::Bedrock::Guardrail').logicalId,
    );
    expect(two.alias.Properties.Description).not.toBe(one.alias.Properties.Description);
    expect(same.alias.Properties.Description).toBe(one.alias.Properties.Description);
  });

  it('omits the topic policy when no topics are denied', () => {
    const none = synth({ guardrail: { deniedTopics: [] } });
    expect(only(none.template, 'AWS::Bedrock::Guardrail').Properties.TopicPolicyConfig).toBeUndefined();
  });
});

describe('agent definition', () => {
  it('refuses an instruction outside 40-4000 characters', () => {
    expect(() => synth({ agent: { instruction: 'Responde preguntas del mall.' } })).toThrow(ConfigError);
    expect(() => synth({ agent: { instruction: 'x'.repeat(4001) } })).toThrow(
      /40-4000 characters \(got 4001\)/,
    );
    const padded = synth({ agent: { instruction: `\n\n  ${INSTRUCTION}  \n` } });
    expect(only(padded.template, 'AWS::Bedrock::Agent').Properties.Instruction).toBe(INSTRUCTION.trim());
  });

  const invokeResources = (s: ReturnType<typeof synth>) => {
    const role = only(s.template, 'AWS::IAM::Role');
    const statements = (
      role.Properties.Policies as Array<{ PolicyDocument: { Statement: Array<Record<string, unknown>> } }>
    ).flatMap((p) => p.PolicyDocument.Statement);
    return {
      statements,
      invoke: JSON.stringify(statements.find((st) => st.Sid === 'InvokeFoundationModel')?.Resource),
    };
  };

  it('may invoke a plain model in its own region only', () => {
    const s = synth({ agent: { foundationModel: 'anthropic.claude-3-haiku-20240307-v1:0' } });
    const { statements, invoke } = invokeResources(s);
    expect(invoke).toBe(
      JSON.stringify({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':bedrock:',
            { Ref: 'AWS::Region' },
            '::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
          ],
        ],
      }),
    );
    expect(statements.map((st) => st.Sid)).not.toContain('UseInferenceProfile');
    expect(statements.find((st) => st.Sid === 'ReadFoundationModel')).toMatchObject({
      Action: 'bedrock:GetFoundationModel',
      Resource: JSON.parse(invoke),
    });
  });

  it('may invoke an inference profile and its model in the regions the profile routes to', () => {
    const { statements, invoke } = invokeResources(synth());
    expect(invoke).toContain(':inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(invoke).toContain(':bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(statements.find((st) => st.Sid === 'UseInferenceProfile')?.Action).toBe(
      'bedrock:GetInferenceProfile',
    );
    // And the model definitions behind the profile, in every region it routes to.
    const read = statements.find((st) => st.Sid === 'ReadFoundationModel');
    expect(read?.Action).toBe('bedrock:GetFoundationModel');
    expect(JSON.stringify(read?.Resource)).toContain(
      ':bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
    );
  });

  it('trusts Bedrock only for agents of this account', () => {
    const role = only(synth().template, 'AWS::IAM::Role');
    const trust = JSON.stringify(role.Properties.AssumeRolePolicyDocument);
    expect(trust).toContain('"Service":"bedrock.amazonaws.com"');
    expect(trust).toContain('"aws:SourceAccount":{"Ref":"AWS::AccountId"}');
    expect(trust).toContain(':agent/*');
  });

  it('passes action groups through unchanged', () => {
    const group: bedrock.CfnAgent.AgentActionGroupProperty = {
      actionGroupName: 'catalogo',
      description: 'Consulta el catálogo de tiendas',
      actionGroupExecutor: { lambda: 'arn:aws:lambda:us-east-1:000000000000:function:catalogo' },
      apiSchema: { payload: '{"openapi":"3.0.0"}' },
    };
    const s = synth({ agent: { actionGroups: [group] } });
    expect(only(s.template, 'AWS::Bedrock::Agent').Properties.ActionGroups).toEqual([
      {
        ActionGroupName: 'catalogo',
        Description: 'Consulta el catálogo de tiendas',
        ActionGroupExecutor: { Lambda: 'arn:aws:lambda:us-east-1:000000000000:function:catalogo' },
        ApiSchema: { Payload: '{"openapi":"3.0.0"}' },
      },
    ]);
  });
});
