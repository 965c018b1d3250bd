import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { checkedInstruction } from '../functions/core/assistant/build-definition.js';
import { acknowledgeModelRegions, modelResources } from './model-access.js';
import { fingerprint } from './settings.js';

export interface AgentKnowledgeBaseRef {
  knowledgeBaseId: string;
  knowledgeBaseArn: string;
  /** Tells the agent when to use it (required by Bedrock). */
  description: string;
  /** Changes when the knowledge base is replaced. */
  fingerprint: string;
}

export interface AgentGuardrailRef {
  guardrailId: string;
  guardrailArn: string;
  versionNumber: string;
  fingerprint: string;
}

export interface WpkbAgentProps {
  agentName: string;
  description: string;
  /** 40–4000 characters. */
  instruction: string;
  /** Model id, inference profile id or ARN. */
  foundationModel: string;
  idleSessionTtlSeconds: number;
  aliasName: string;
  knowledgeBase: AgentKnowledgeBaseRef;
  guardrail?: AgentGuardrailRef;
  /** The agent's action groups; part of the definition hash like everything else. */
  actionGroups?: bedrock.CfnAgent.AgentActionGroupProperty[];
}

/**
 * The Bedrock agent, its service role, its knowledge base association and ONE stable alias.
 *
 * Getting changes to users: `autoPrepare` prepares the DRAFT after every agent update, but an alias
 * keeps serving the version it points to. An `AWS::Bedrock::AgentAlias` without `RoutingConfiguration`
 * has Bedrock snapshot DRAFT into a new numbered version whenever the alias is created or updated
 * (UpdateAgentAlias without a routing configuration). So the alias's description carries a hash of the
 * agent's whole definition (instruction, model, session TTL, knowledge base, guardrail version, action
 * groups): when the definition changes, the description changes, CloudFormation updates the alias after
 * the agent (it depends on it), and users get the new version under the same alias id. When nothing
 * changes, the template is identical and no version is created. The alias's logical id never changes,
 * so deploys do not multiply aliases.
 */
export class WpkbAgent extends Construct {
  readonly agent: bedrock.CfnAgent;
  readonly alias: bedrock.CfnAgentAlias;
  readonly role: iam.Role;
  readonly agentId: string;
  readonly agentArn: string;
  readonly aliasId: string;
  readonly aliasArn: string;
  /** Hash of the agent definition, as written into the alias description. */
  readonly definitionHash: string;

  constructor(scope: Construct, id: string, props: WpkbAgentProps) {
    super(scope, id);
    const stack = Stack.of(this);

    const instruction = checkedInstruction(props.instruction, 'agent instruction');

    const models = modelResources(this, props.foundationModel);
    const statements = [
      new iam.PolicyStatement({
        sid: 'InvokeFoundationModel',
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: models.invoke,
      }),
      new iam.PolicyStatement({
        sid: 'QueryKnowledgeBase',
        actions: ['bedrock:Retrieve'],
        resources: [props.knowledgeBase.knowledgeBaseArn],
      }),
    ];
    if (models.profiles.length) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'UseInferenceProfile',
          actions: ['bedrock:GetInferenceProfile'],
          resources: models.profiles,
        }),
      );
    }
    // What the console's cross-region inference policy grants next to GetInferenceProfile: reading the
    // model definitions the profile (or the plain model id) resolves to.
    if (models.models.length) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'ReadFoundationModel',
          actions: ['bedrock:GetFoundationModel'],
          resources: models.models,
        }),
      );
    }
    if (props.guardrail) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'ApplyGuardrail',
          actions: ['bedrock:ApplyGuardrail'],
          resources: [props.guardrail.guardrailArn],
        }),
      );
    }
    this.role = new iam.Role(this, 'Role', {
      description: `Service role of the ${props.agentName} Bedrock agent`,
      assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'bedrock',
              resource: 'agent',
              resourceName: '*',
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
            }),
          },
        },
      }),
      inlinePolicies: { Agent: new iam.PolicyDocument({ statements }) },
    });
    acknowledgeModelRegions(this.role, props.foundationModel);

    const agentProps: bedrock.CfnAgentProps = {
      agentName: props.agentName,
      description: props.description,
      agentResourceRoleArn: this.role.roleArn,
      foundationModel: props.foundationModel,
      instruction,
      idleSessionTtlInSeconds: props.idleSessionTtlSeconds,
      autoPrepare: true,
      knowledgeBases: [
        {
          knowledgeBaseId: props.knowledgeBase.knowledgeBaseId,
          description: props.knowledgeBase.description,
          knowledgeBaseState: 'ENABLED',
        },
      ],
      guardrailConfiguration: props.guardrail
        ? {
            guardrailIdentifier: props.guardrail.guardrailId,
            guardrailVersion: props.guardrail.versionNumber,
          }
        : undefined,
      actionGroups: props.actionGroups?.length ? props.actionGroups : undefined,
    };
    this.agent = new bedrock.CfnAgent(this, 'Resource', agentProps);

    // Tokens resolve to their CloudFormation form ({"Fn::GetAtt": …}), stable from one synth to the next;
    // the fingerprints stand for what a token hides (a replaced knowledge base, a new guardrail version).
    this.definitionHash = fingerprint(
      stack.resolve({
        agent: agentProps,
        knowledgeBase: props.knowledgeBase.fingerprint,
        guardrail: props.guardrail?.fingerprint ?? null,
      }),
    );

    this.alias = new bedrock.CfnAgentAlias(this, 'Alias', {
      agentId: this.agent.attrAgentId,
      agentAliasName: props.aliasName,
      // No routingConfiguration: see the class comment. The hash is what moves the alias.
      description: `${props.agentName} for users; definition ${this.definitionHash}`,
    });

    this.agentId = this.agent.attrAgentId;
    this.agentArn = this.agent.attrAgentArn;
    this.aliasId = this.alias.attrAgentAliasId;
    this.aliasArn = this.alias.attrAgentAliasArn;
  }
}
