import { ArnFormat, Aspects, Aws, type IAspect, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';

export interface AlertTopicProps {
  topicName: string;
  /** Optional address subscribed to every alert (it must confirm the subscription e-mail). */
  email?: string;
}

/** The service principal CloudWatch alarms publish as. */
export const CLOUDWATCH_PRINCIPAL = 'cloudwatch.amazonaws.com';

/**
 * The alert topic every pipeline failure and every alarm publishes to, encrypted with its own rotating
 * KMS key (service principals cannot use the AWS-managed `aws/sns` key).
 *
 * Who may publish:
 * - IAM principals of the account (the state machine's role): `topic.grantPublish(…)`, which also grants
 *   the key; the key policy's account statement lets IAM policies grant it.
 * - CloudWatch alarms of this stack. The topic policy that `enforceSSL` creates REPLACES SNS's default
 *   policy, so without an explicit Allow no alarm could publish ("no resource-based policy allows"). Both
 *   the topic policy and the key policy allow `cloudwatch.amazonaws.com` for exactly the alarms that
 *   notify this topic, by ARN (`aws:SourceArn`) and account (`aws:SourceAccount`). The list is collected
 *   when the app is synthesized, from every alarm in the stack whose actions name the topic, so alarms
 *   added anywhere (pipeline, chat endpoint, later ones) are covered without being registered here. The
 *   ARNs are built from the alarms' names (a `Fn::GetAtt` in the key policy would be a dependency cycle:
 *   key → alarm → topic → key), so an alarm notifying the topic must have an explicit `alarmName`.
 */
export class AlertTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);

    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the ${props.topicName} SNS topic`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.topic = new sns.Topic(this, 'Topic', {
      topicName: props.topicName,
      displayName: `wpkb alerts (${props.topicName})`,
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));

    // Runs once the whole stack is built, when every alarm and its actions exist.
    Aspects.of(this).add(new AllowAlarmsToPublish(this));
  }

  /** Names of the stack's alarms that notify this topic (alarm, OK or insufficient-data actions). */
  alarmNames(): string[] {
    const topicArn = Stack.of(this).resolve(this.topic.topicArn);
    const names: string[] = [];
    for (const node of Stack.of(this).node.findAll()) {
      if (!(node instanceof cloudwatch.CfnAlarm)) continue;
      const actions = [node.alarmActions, node.okActions, node.insufficientDataActions].flatMap((list) =>
        asList(Stack.of(this).resolve(list)),
      );
      if (!actions.some((action) => JSON.stringify(action) === JSON.stringify(topicArn))) continue;
      const name = node.alarmName;
      if (name === undefined || Token.isUnresolved(name)) {
        throw new Error(
          `alarm ${node.node.path} notifies ${this.topic.node.path} but has no explicit alarmName: the topic and key policies allow alarms by name`,
        );
      }
      names.push(name);
    }
    return [...new Set(names)].sort();
  }
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Adds the CloudWatch statements to the topic and key policies, once, with the alarms found then. */
class AllowAlarmsToPublish implements IAspect {
  private done = false;

  constructor(private readonly alerts: AlertTopic) {}

  visit(node: IConstruct): void {
    if (this.done || node !== this.alerts) return;
    this.done = true;
    const names = this.alerts.alarmNames();
    // No alarm notifies the topic (a stack without the pipeline): nothing to allow.
    if (names.length === 0) return;
    const stack = Stack.of(this.alerts);
    const alarmArns = names.map((name) =>
      stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
    const conditions = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnEquals: { 'aws:SourceArn': alarmArns },
    };
    const principals = [new iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)];
    this.alerts.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisStacksAlarmsToPublish',
        principals,
        actions: ['sns:Publish'],
        resources: [this.alerts.topic.topicArn],
        conditions,
      }),
    );
    this.alerts.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisStacksAlarmsToUseTheKey',
        principals,
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions,
      }),
    );
  }
}

/** Sends an alarm's state changes — ALARM and back to OK — to the alert topic. */
export function notifyAlerts(topic: sns.ITopic, ...alarms: cloudwatch.Alarm[]): void {
  const notify = new actions.SnsAction(topic);
  for (const alarm of alarms) {
    alarm.addAlarmAction(notify);
    alarm.addOkAction(notify);
  }
}
