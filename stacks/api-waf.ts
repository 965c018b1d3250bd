import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { acknowledge } from './nag.js';

export interface ApiWafProps {
  /** Web ACL name and metric prefix (`wpkb-dev-chat`). */
  name: string;
  description: string;
  stage: apigw.Stage;
  /** Requests per client IP in any 5 minutes before answering 429. */
  ipRateLimit: number;
  /** Bodies over this many bytes are answered 413 (default 16 KB, what both handlers accept). */
  bodyLimitBytes?: number;
}

/**
 * AWS WAF on a REST API stage: AWS's IP reputation list, a rate limit per client IP (429), bodies over
 * 16 KB (413). Created in `scope` as `WebAcl` + `WafAssociation`, so each API keeps its logical ids.
 */
export function apiWebAcl(scope: Construct, props: ApiWafProps): wafv2.CfnWebACL {
  const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
    cloudWatchMetricsEnabled: true,
    metricName,
    sampledRequestsEnabled: true,
  });
  const webAcl = new wafv2.CfnWebACL(scope, 'WebAcl', {
    name: props.name,
    description: props.description,
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: visibility(props.name),
    rules: [
      {
        name: 'AmazonIpReputationList',
        priority: 0,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesAmazonIpReputationList' },
        },
        visibilityConfig: visibility('ip-reputation'),
      },
      {
        name: 'RateLimitPerIp',
        priority: 1,
        action: { block: { customResponse: { responseCode: 429 } } },
        statement: {
          rateBasedStatement: { limit: props.ipRateLimit, aggregateKeyType: 'IP', evaluationWindowSec: 300 },
        },
        visibilityConfig: visibility('rate-limit-per-ip'),
      },
      {
        name: 'BodyOver16KB',
        priority: 2,
        action: { block: { customResponse: { responseCode: 413 } } },
        statement: {
          sizeConstraintStatement: {
            fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
            comparisonOperator: 'GT',
            size: props.bodyLimitBytes ?? 16_384,
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
        visibilityConfig: visibility('body-size'),
      },
    ],
  });
  const association = new wafv2.CfnWebACLAssociation(scope, 'WafAssociation', {
    resourceArn: props.stage.stageArn,
    webAclArn: webAcl.attrArn,
  });
  association.node.addDependency(props.stage);
  return webAcl;
}

export interface StageProtectionProps {
  /** `cloud.<api>.waf`. */
  waf: { enabled: boolean; ipRateLimit: number };
  /** Web ACL name and metric prefix. */
  name: string;
  description: string;
  /** Why the stage is acceptable without WAF (the cdk-nag APIG3 acknowledgement). */
  withoutWaf: string;
}

/**
 * What every REST API of the stack does about its stage: AWS WAF when configured (else the APIG3 finding
 * acknowledged with the API's own reason), and the acknowledgement of API Gateway's account-wide logs
 * role when this API creates it.
 */
export function protectStage(scope: Construct, api: apigw.RestApi, props: StageProtectionProps) {
  const stage = api.deploymentStage;
  let webAcl: wafv2.CfnWebACL | undefined;
  if (props.waf.enabled) {
    webAcl = apiWebAcl(scope, {
      name: props.name,
      description: props.description,
      stage,
      ipRateLimit: props.waf.ipRateLimit,
    });
  } else {
    acknowledge(stage, 'AwsSolutions-APIG3', props.withoutWaf);
  }
  const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole) {
    acknowledge(
      cloudWatchRole,
      'AwsSolutions-IAM4',
      "API Gateway's account-wide CloudWatch Logs role must write to every API's log groups in the account and region; AWS provides AmazonAPIGatewayPushToCloudWatchLogs for exactly that role.",
      // The managed policy's ARN always carries the AWS::Partition pseudo parameter.
      'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    );
  }
  return webAcl;
}
