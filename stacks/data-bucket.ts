import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface DataBucketProps {
  /** `raw/` audit copies expire after this many days. */
  rawExpirationDays: number;
  /** Noncurrent object versions are deleted after this many days. */
  noncurrentVersionExpirationDays: number;
  /** Access logs are kept this many days. */
  accessLogExpirationDays: number;
}

/** Key prefixes of the data contract (docs/DESIGN.md). */
export const DATA_PREFIXES = {
  raw: 'raw/',
  kb: 'kb/',
  curated: 'curated/',
  catalog: 'catalog/',
  exports: 'exports/',
  runs: 'runs/',
  /** The instant-update ledger (functions/core/instant/ledger.ts): one object per applied hint. */
  instant: 'instant/',
  /**
   * Per content type, its last complete run (what the next run's incremental read compares with, and the
   * boilerplate blocks an instant update leaves out).
   */
  state: 'state/',
} as const;

/** The data lock every writer of shared objects takes (functions/core/storage/data-lock.ts). */
export const DATA_LOCK_OBJECT = 'locks/data.json';

/**
 * The data bucket (raw, kb, curated, catalog, exports, runs) and its server access log bucket.
 * Private, TLS only, SSE-S3, versioned; both buckets are retained when the stack is deleted.
 */
export class DataBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataBucketProps) {
    super(scope, id);

    // The log bucket needs no access logs of its own: cdk-nag (S1) recognises it as a log target.
    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      // Server access logging only delivers to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(props.accessLogExpirationDays) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new s3.Bucket(this, 'Data', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'data-bucket/',
      lifecycleRules: [
        {
          id: 'expire-raw',
          prefix: DATA_PREFIXES.raw,
          expiration: Duration.days(props.rawExpirationDays),
          // An expired raw file becomes a noncurrent version: drop it the next day.
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionExpirationDays),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      // Documents, catalog and run reports are data: a stack deletion must not take them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
