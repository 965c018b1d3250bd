import { type CfnElement, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { DATA_PREFIXES } from './data-bucket.js';
import { acknowledge } from './nag.js';

/**
 * Read-only access to `catalog/<type>.json` — what the mall-directory operations read, whether the
 * action group Lambda or the chat Lambda (knowledge-base engine) runs them: list the prefix, get its
 * objects, nothing else.
 */
export function catalogReadStatements(bucket: s3.IBucket): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ListCatalog',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': `${DATA_PREFIXES.catalog}*` } },
    }),
    new iam.PolicyStatement({
      sid: 'ReadCatalog',
      actions: ['s3:GetObject'],
      resources: [bucket.arnForObjects(`${DATA_PREFIXES.catalog}*`)],
    }),
  ];
}

/** The one wildcard of those statements (the objects under catalog/), acknowledged on the role holding them. */
export function acknowledgeCatalogRead(role: IConstruct, bucket: s3.IBucket): void {
  // cdk-nag names an object ARN by the bucket's logical id: `<DataBucketE3889A50.Arn>/catalog/*`.
  const bucketArnId = `${Stack.of(role).getLogicalId(bucket.node.defaultChild as CfnElement)}.Arn`;
  acknowledge(
    role,
    'AwsSolutions-IAM5',
    'The mall-directory operations read catalog/<type>.json, one object per content type, rewritten nightly: read-only on the catalog/ prefix.',
    `Resource::<${bucketArnId}>/${DATA_PREFIXES.catalog}*`,
  );
}
