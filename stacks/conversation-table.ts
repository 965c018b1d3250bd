import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { HISTORY_KEY, HISTORY_TTL_ATTRIBUTE } from '../functions/core/assistant/dynamodb-history.js';
import { acknowledge } from './nag.js';

export interface ConversationTableProps {
  /** Continuous backups (35 days of point-in-time restore). */
  pointInTimeRecovery: boolean;
}

/**
 * The knowledge-base engine's conversation history (functions/core/assistant/dynamodb-history.ts): one
 * item per chat session, keyed by `sessionId`, deleted by DynamoDB's TTL after `expiresAt`. On demand
 * (pay per request: chat traffic is bursty and small), encrypted with the AWS managed key, removed with
 * the stack — conversations expire within minutes to hours, there is nothing to keep.
 */
export class ConversationTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ConversationTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: HISTORY_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: HISTORY_TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    if (!props.pointInTimeRecovery) {
      acknowledge(
        this.table,
        'AwsSolutions-DDB3',
        'cloud.assistant.historyPointInTimeRecovery is off for this environment: the table holds chat sessions that expire after minutes of inactivity.',
      );
    }
  }
}
