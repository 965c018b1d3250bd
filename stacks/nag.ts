import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag v3 acknowledgements go through CDK's own `Validations.of(…).acknowledge()`. One finding of
 * one rule on one construct (and what is below it), with the reason next to the resource it concerns.
 * `finding` is the part in brackets of a finding id, e.g. `Resource::<DataBucketE3889A50.Arn>/kb/*`
 * for `AwsSolutions-IAM5[Resource::<DataBucketE3889A50.Arn>/kb/*]`.
 */
export function acknowledge(scope: IConstruct, rule: string, reason: string, finding?: string): void {
  Validations.of(scope).acknowledge({ id: finding === undefined ? rule : `${rule}[${finding}]`, reason });
}
