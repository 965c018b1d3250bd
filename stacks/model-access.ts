import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { acknowledge } from './nag.js';
import { parseModelReference } from './settings.js';

/** IAM resources of a configured model. */
export interface ModelResources {
  /** What `bedrock:InvokeModel` needs: the model, or the profile plus its model in every region. */
  invoke: string[];
  /** Inference profiles among them (for `bedrock:GetInferenceProfile`). */
  profiles: string[];
  /** The foundation models behind it (for `bedrock:GetFoundationModel`). */
  models: string[];
}

/**
 * The resources of a model id, inference profile id or ARN (`cloud.agent.foundationModel`). A
 * cross-region inference profile routes each request to the model in any region of its geography, so
 * the foundation model is granted in every region (the model id is exact).
 */
export function modelResources(scope: IConstruct, foundationModel: string): ModelResources {
  const stack = Stack.of(scope);
  const foundationModelArn = (modelId: string, region?: string) =>
    stack.formatArn({
      service: 'bedrock',
      account: '',
      region,
      resource: 'foundation-model',
      resourceName: modelId,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  const model = parseModelReference(foundationModel);
  switch (model.kind) {
    case 'foundation-model':
      return {
        invoke: [foundationModelArn(model.modelId)],
        profiles: [],
        models: [foundationModelArn(model.modelId)],
      };
    case 'inference-profile': {
      const profile = stack.formatArn({
        service: 'bedrock',
        resource: 'inference-profile',
        resourceName: model.profileId,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
      const models = [foundationModelArn(model.modelId, '*')];
      return { invoke: [profile, ...models], profiles: [profile], models };
    }
    case 'arn':
      if (model.arn.includes(':inference-profile/'))
        return { invoke: [model.arn], profiles: [model.arn], models: [] };
      return {
        invoke: [model.arn],
        profiles: [],
        models: model.arn.includes(':foundation-model/') ? [model.arn] : [],
      };
  }
}

/** Acknowledges the one wildcard an inference profile needs (the model's region) on a role that invokes it. */
export function acknowledgeModelRegions(role: IConstruct, foundationModel: string): void {
  const model = parseModelReference(foundationModel);
  if (model.kind !== 'inference-profile') return;
  const stack = Stack.of(role);
  // cdk-nag names the finding after the rendered ARN: the partition is a literal once the region is known.
  const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
  acknowledge(
    role,
    'AwsSolutions-IAM5',
    'A cross-region inference profile routes each request to the model in any region of its geography; the model ARN is exact, only its region is open.',
    `Resource::arn:${partition}:bedrock:*::foundation-model/${model.modelId}`,
  );
}
