import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

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
