import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import { Construct } from 'constructs';
import type { DeniedTopicConfig } from '../functions/core/shared/config/cloud-schema.js';
import { fingerprint } from './settings.js';

export interface AgentGuardrailProps {
  name: string;
  promptAttackStrength: 'LOW' | 'MEDIUM' | 'HIGH';
  deniedTopics: DeniedTopicConfig[];
  blockedInputMessage: string;
  blockedOutputMessage: string;
}

/**
 * A guardrail for the agent: the prompt-attack filter on user input and the configured denied topics.
 * The agent uses a numbered version, never the mutable DRAFT: a version's logical id carries the
 * fingerprint of the definition, so every change creates a new version (and the agent, then its alias,
 * move to it); the superseded version is deleted by CloudFormation once nothing in the template uses it.
 */
export class AgentGuardrail extends Construct {
  readonly guardrail: bedrock.CfnGuardrail;
  readonly version: bedrock.CfnGuardrailVersion;
  readonly guardrailId: string;
  readonly guardrailArn: string;
  readonly versionNumber: string;
  readonly fingerprint: string;

  constructor(scope: Construct, id: string, props: AgentGuardrailProps) {
    super(scope, id);

    const definition: bedrock.CfnGuardrailProps = {
      name: props.name,
      description: 'wpkb agent guardrail: prompt attacks and off-limits topics',
      blockedInputMessaging: props.blockedInputMessage,
      blockedOutputsMessaging: props.blockedOutputMessage,
      contentPolicyConfig: {
        // Prompt attacks are judged on input only: the output strength must be NONE.
        filtersConfig: [
          { type: 'PROMPT_ATTACK', inputStrength: props.promptAttackStrength, outputStrength: 'NONE' },
        ],
      },
      topicPolicyConfig: props.deniedTopics.length
        ? {
            topicsConfig: props.deniedTopics.map((topic) => ({
              name: topic.name,
              definition: topic.definition,
              type: 'DENY',
              ...(topic.examples.length ? { examples: topic.examples } : {}),
            })),
          }
        : undefined,
    };
    this.fingerprint = fingerprint(definition);
    this.guardrail = new bedrock.CfnGuardrail(this, 'Resource', definition);
    this.version = new bedrock.CfnGuardrailVersion(this, `Version${this.fingerprint.slice(0, 8)}`, {
      guardrailIdentifier: this.guardrail.attrGuardrailId,
      description: `definition ${this.fingerprint}`,
    });
    this.guardrailId = this.guardrail.attrGuardrailId;
    this.guardrailArn = this.guardrail.attrGuardrailArn;
    this.versionNumber = this.version.attrVersion;
  }
}
