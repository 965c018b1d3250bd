import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';

export interface CuratedKnowledgeProps {
  /** Directory of curated files (the repository's `knowledge/`). */
  sourceDir: string;
  bucket: s3.IBucket;
  /** Destination prefix, `curated/`. */
  prefix: string;
}

/**
 * Uploads the curated knowledge files (FAQ CSV…) to `curated/` on every deploy. Pruning removes files
 * deleted from the repository, only under that prefix. Transform turns them into `kb/faq/…` documents.
 *
 * BucketDeployment would grant its handler read/write/delete on the whole bucket; here its role only
 * reads the uploaded asset and lists, writes and deletes under `curated/` (the role is handed over
 * without policy updates, so the construct's own broad grants are dropped).
 */
export class CuratedKnowledge extends Construct {
  readonly deployment: s3deploy.BucketDeployment;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: CuratedKnowledgeProps) {
    super(scope, id);
    const prefix = props.prefix.replace(/\/?$/, '/');
    const files = new s3assets.Asset(this, 'Files', { path: props.sourceDir, exclude: ['README*', '.*'] });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Uploads curated knowledge to ${prefix} of the data bucket`,
      inlinePolicies: {
        CuratedUpload: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ReadUploadedFiles',
              actions: ['s3:GetObject'],
              resources: [files.bucket.arnForObjects(files.s3ObjectKey)],
            }),
            new iam.PolicyStatement({
              sid: 'ListCurated',
              actions: ['s3:ListBucket'],
              resources: [props.bucket.bucketArn],
              conditions: { StringLike: { 's3:prefix': [prefix, `${prefix}*`] } },
            }),
            new iam.PolicyStatement({
              sid: 'SyncCurated',
              actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
              resources: [props.bucket.arnForObjects(`${prefix}*`)],
            }),
            new iam.PolicyStatement({
              sid: 'WriteOwnLogs',
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [logGroup.logGroupArn],
            }),
          ],
        }),
      },
    });

    this.deployment = new s3deploy.BucketDeployment(this, 'Upload', {
      sources: [s3deploy.Source.bucket(files.bucket, files.s3ObjectKey)],
      destinationBucket: props.bucket,
      destinationKeyPrefix: prefix,
      prune: true,
      extract: true,
      retainOnDelete: true,
      memoryLimit: 256,
      role: this.role.withoutPolicyUpdates(),
      logGroup,
    });

    const stack = Stack.of(this);
    acknowledge(
      this.role,
      'AwsSolutions-IAM5',
      'The upload mirrors knowledge/ into curated/ (add, replace, prune): file names change with the repository.',
      `Resource::<${stack.getLogicalId(props.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/${prefix}*`,
    );
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (handler) {
      acknowledge(
        handler,
        'AwsSolutions-L1',
        "BucketDeployment's handler is a Python function whose runtime aws-cdk-lib chooses; this project has no say in it.",
      );
    }
  }
}
