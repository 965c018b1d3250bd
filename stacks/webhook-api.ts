import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { InstantUpdatesCloudConfig } from '../functions/core/shared/config/cloud-schema.js';
import { protectStage } from './api-waf.js';
import { ACCESS_LOG_FORMAT, GATEWAY_ERROR_TEMPLATE } from './chat-api.js';
import { acknowledge } from './nag.js';
import { secretReadStatements } from './pinecone-index.js';
import { WpkbFunction } from './wpkb-function.js';

/** The receiver only verifies and enqueues: it answers well within this. */
const RECEIVER_TIMEOUT = Duration.seconds(10);

export interface WebhookApiProps {
  settings: InstantUpdatesCloudConfig;
  namePrefix: string;
  env: string;
  /** The webhook secret's name or ARN (`cloud.instantUpdates.secret`, default the site's shared secret). */
  secret: string;
  /** Its customer-managed KMS key, if any. */
  secretKmsKeyArn?: string;
  queue: sqs.IQueue;
  /** The configuration the receiver validates hints against (site, content types), compiled into its bundle. */
  bundledConfig: Record<string, unknown>;
  /** Source maps in the bundle (`cloud.sourceMaps`). */
  sourceMaps: boolean;
  /**
   * Set API Gateway's account-level CloudWatch Logs role. Only when no other API of the stack does (the
   * chat endpoint sets it by default): there is one per account and region.
   */
  cloudWatchRole: boolean;
}

/**
 * `POST /webhook` for the WordPress plugin's notifications: API Gateway REST API → the receiver Lambda
 * (functions/handlers/webhook-receiver.ts), which verifies the signature and enqueues the hint. No API
 * key and no authorizer: the HMAC signature over the body is the authentication, checked in the Lambda.
 * A stage-wide throttle, API Gateway's errors in the handler's JSON shape, access logs without bodies,
 * X-Ray, and optionally AWS WAF (IP reputation, rate per IP, 16 KB bodies) as for the chat endpoint.
 */
export class WebhookApi extends Construct {
  readonly function: WpkbFunction;
  readonly api: apigw.RestApi;
  readonly method: apigw.Method;
  readonly accessLogs: logs.LogGroup;
  readonly webAcl?: wafv2.CfnWebACL;
  /** `https://<api-id>.execute-api.<region>.amazonaws.com/<stage>/webhook` */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    const { settings, namePrefix } = props;

    this.function = new WpkbFunction(this, 'Receiver', {
      functionName: `${namePrefix}-webhook-receiver`,
      entry: 'handlers/webhook-receiver.ts',
      description: `wpkb ${props.env}: POST /webhook, verifies a WordPress change notification and queues it`,
      memorySize: 256,
      timeout: RECEIVER_TIMEOUT,
      environment: {
        WEBHOOK_SECRET: props.secret,
        QUEUE_URL: props.queue.queueUrl,
        POWERTOOLS_SERVICE_NAME: 'wpkb-webhook',
      },
      statements: [
        new iam.PolicyStatement({
          sid: 'QueueHints',
          actions: ['sqs:SendMessage'],
          resources: [props.queue.queueArn],
        }),
        ...secretReadStatements(this, props.secret, props.secretKmsKeyArn, 'WebhookSecret'),
      ],
      logRetentionDays: settings.logRetentionDays,
      bundledConfig: props.bundledConfig,
      sourceMaps: props.sourceMaps,
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: settings.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: `${namePrefix}-webhook`,
      description: `wpkb ${props.env}: change notifications from the WordPress plugin (POST /webhook, signed)`,
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      cloudWatchRole: props.cloudWatchRole,
      cloudWatchRoleRemovalPolicy: props.cloudWatchRole ? RemovalPolicy.RETAIN : undefined,
      deployOptions: {
        stageName: settings.stageName,
        description: `wpkb ${props.env} webhook`,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: settings.throttle.rateLimit,
        throttlingBurstLimit: settings.throttle.burstLimit,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });
    for (const [gatewayId, type] of [
      ['Default4xx', apigw.ResponseType.DEFAULT_4XX],
      ['Default5xx', apigw.ResponseType.DEFAULT_5XX],
    ] as const) {
      this.api.addGatewayResponse(gatewayId, {
        type,
        responseHeaders: { 'Cache-Control': "'no-store'" },
        templates: { 'application/json': GATEWAY_ERROR_TEMPLATE },
      });
    }

    this.method = this.api.root.addResource('webhook').addMethod(
      'POST',
      new apigw.LambdaIntegration(this.function.fn, {
        proxy: true,
        timeout: RECEIVER_TIMEOUT,
        allowTestInvoke: false,
      }),
      { operationName: 'Webhook' },
    );
    acknowledge(
      this.method,
      'AwsSolutions-APIG4',
      "The caller is the site's WordPress server: every request must carry an HMAC-SHA256 signature over its body with a shared secret and a timestamp within 5 minutes, checked by the receiver (401 otherwise); see docs/instant-updates.md.",
    );
    acknowledge(
      this.method,
      'AwsSolutions-COG4',
      'No Cognito: the caller is a WordPress server authenticated by the HMAC signature of each request.',
    );
    acknowledge(
      this.api,
      'AwsSolutions-APIG2',
      'No request model: an unsigned or wrongly signed request must be answered 401, not 400, so the receiver checks the signature before the body; it then validates the body with zod.',
    );

    this.webAcl = protectStage(this, this.api, {
      waf: settings.waf,
      name: `${namePrefix}-webhook`,
      description: 'wpkb webhook: IP reputation, rate limit per client IP, body size',
      withoutWaf:
        'AWS WAF is optional (cloud.instantUpdates.waf.enabled): without it the stage throttles every caller together and the receiver refuses bodies over 16 KB and unsigned requests before doing any work.',
    });
    this.url = this.api.urlForPath('/webhook');
    this.api.node.tryRemoveChild('Endpoint');
  }
}
