import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { MESSAGE_MAX, SESSION_ID_PATTERN, VISITOR_CHAT_RESOURCE } from '../functions/core/chat/http.js';
import type { ChatCloudConfig } from '../functions/core/shared/config/cloud-schema.js';
import { protectStage } from './api-waf.js';
import type { ChatAssistant } from './chat-assistant.js';
import { acknowledge } from './nag.js';
import { secretReadStatements } from './pinecone-index.js';
import { WpkbFunction } from './wpkb-function.js';

/** API Gateway's longest REST integration timeout without a quota increase. */
export const INTEGRATION_TIMEOUT = Duration.seconds(29);
/** The chat Lambda gives up on a turn after this long, well before the integration gives up. */
export const AGENT_TIMEOUT_MS = 25_000;
/** Headers a browser may send (the API key travels in X-Api-Key). */
export const CORS_ALLOW_HEADERS = ['Content-Type', 'X-Api-Key'];
/** Headers the widget sends on the visitors' route (the visitor token travels in Authorization). */
export const VISITOR_CORS_ALLOW_HEADERS = ['Content-Type', 'Authorization'];

/**
 * Access log line (JSON): who called, with which key, what came back and how long it took. Never the
 * body (users' messages) — `dataTraceEnabled` stays off for the same reason.
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  apiKeyId: '$context.identity.apiKeyId',
  method: '$context.httpMethod',
  path: '$context.resourcePath',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationStatus: '$context.integration.status',
  errorType: '$context.error.responseType',
  wafStatus: '$context.waf.status',
  xrayTraceId: '$context.xrayTraceId',
});

/** API Gateway's own errors (bad key, throttled, invalid body…) in the chat handler's error shape. */
export const GATEWAY_ERROR_TEMPLATE =
  '{"error":{"code":"$context.error.responseType","message":$context.error.messageString},"requestId":"$context.requestId"}';

/**
 * `Access-Control-Allow-Origin` for API Gateway's own error responses (bad or missing key, throttled,
 * invalid body, integration timeout): from the configured allow-list only, never the request's Origin.
 * A gateway response holds static values (it can copy a request header, which is what echoing Origin did:
 * any site could then read the error bodies), so:
 * - `["*"]`: `*`;
 * - one origin: that origin;
 * - several: no CORS header at all. A browser on an allowed site then sees a network error instead of
 *   the error body (the widget shows its generic error); the chat answers and the handler's own errors
 *   come from the Lambda, which answers each allowed origin with itself.
 */
export function gatewayCorsHeaders(origins: readonly string[]): Record<string, string> {
  const [only, ...others] = origins;
  if (only === undefined || others.length > 0) return {};
  return { 'Access-Control-Allow-Origin': `'${only}'` };
}

/** The visitors' route (`cloud.chat.visitorTokens`), resolved: which secret, which site, how fast. */
export interface VisitorTokensProps {
  /** Existing Secrets Manager secret (name or ARN) holding the site's shared secret. */
  secret: string;
  /** Its customer-managed KMS key, if any. */
  secretKmsKeyArn?: string;
  /** The site tokens are bound to (WordPress's home_url()). */
  site: string;
  /** The route's throttle, every visitor together. */
  throttle: { rateLimit: number; burstLimit: number };
}

export interface ChatApiProps {
  settings: ChatCloudConfig;
  /** `POST /visitor/chat` for the widget, with visitor tokens instead of an API key. Default: none. */
  visitorTokens?: VisitorTokensProps;
  namePrefix: string;
  env: string;
  /** The engine behind the endpoint: its environment, grant and bundled data (chat-assistant.ts). */
  assistant: ChatAssistant;
  /** IANA time zone of the site: when "today" turns for the freshness filter. */
  siteTimeZone: string;
  /** Source maps in the chat Lambda (`cloud.sourceMaps`). Default true. */
  sourceMaps?: boolean;
}

/**
 * The chat endpoint: API Gateway REST API, `POST /chat` (Lambda proxy, API key required, body checked
 * against a model) → the chat Lambda (functions/handlers/chat.ts) → the assistant engine (`InvokeAgent`
 * on the alias, or Retrieve + Converse with the mall-directory tools). One API
 * key on a usage plan (throttle + quota), a stage-wide throttle, CORS for the configured origins only,
 * API Gateway's errors in the handler's JSON shape with CORS headers, access and error logs without
 * bodies, X-Ray, and optionally AWS WAF (rate limit per IP, IP reputation, body size).
 */
export class ChatApi extends Construct {
  readonly function: WpkbFunction;
  readonly api: apigw.RestApi;
  readonly method: apigw.Method;
  /** `POST /visitor/chat`, with `visitorTokens`. */
  readonly visitorMethod?: apigw.Method;
  readonly usagePlan: apigw.UsagePlan;
  readonly apiKey: apigw.ApiKey;
  readonly accessLogs: logs.LogGroup;
  readonly webAcl?: wafv2.CfnWebACL;
  /** `https://<api-id>.execute-api.<region>.amazonaws.com/<stage>/chat` */
  readonly url: string;
  /** `https://<api-id>.execute-api.<region>.amazonaws.com/<stage>/visitor/chat`, with `visitorTokens`. */
  readonly visitorUrl?: string;

  constructor(scope: Construct, id: string, props: ChatApiProps) {
    super(scope, id);
    const { settings, namePrefix, visitorTokens: visitor } = props;
    const origins = settings.allowedOrigins;

    this.function = new WpkbFunction(this, 'Handler', {
      entry: 'handlers/chat.ts',
      description: `wpkb ${props.env}: POST /chat, ${props.assistant.description}`,
      memorySize: 256,
      timeout: INTEGRATION_TIMEOUT,
      environment: {
        ...props.assistant.environment,
        ALLOWED_ORIGINS: origins.join(','),
        AGENT_TIMEOUT_MS: String(AGENT_TIMEOUT_MS),
        LOG_USER_MESSAGES: String(settings.logUserMessages),
        REQUIRE_API_KEY: 'true',
        SITE_TIME_ZONE: props.siteTimeZone,
        POWERTOOLS_SERVICE_NAME: 'wpkb-chat',
        ...(visitor ? { VISITOR_TOKEN_SECRET: visitor.secret, VISITOR_TOKEN_SITE: visitor.site } : {}),
      },
      statements: [
        ...props.assistant.statements,
        // The site's shared secret, and no other, to verify visitor tokens.
        ...(visitor ? secretReadStatements(this, visitor.secret, visitor.secretKmsKeyArn, 'SiteSecret') : []),
      ],
      ...(props.assistant.define ? { define: props.assistant.define } : {}),
      ...(props.assistant.bundledConfig ? { bundledConfig: props.assistant.bundledConfig } : {}),
      logRetentionDays: settings.logRetentionDays,
      // Bundled, not the runtime's copy: InvokeAgent's streamingConfigurations and Converse's tool use
      // need recent clients, and the bundle is the version the handler was tested with.
      externalModules: [],
      ...(settings.reservedConcurrency === null ? {} : { reservedConcurrency: settings.reservedConcurrency }),
      sourceMaps: props.sourceMaps,
    });
    props.assistant.acknowledge(this.function.role);

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: settings.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: `${namePrefix}-chat`,
      description: `wpkb ${props.env}: chat with the mall's virtual assistant (POST /chat with an API key${visitor ? ', POST /visitor/chat with a visitor token' : ''})`,
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      cloudWatchRole: settings.cloudWatchRole,
      // Kept when the stack goes: other APIs in the account may log through it by then.
      cloudWatchRoleRemovalPolicy: settings.cloudWatchRole ? RemovalPolicy.RETAIN : undefined,
      deployOptions: {
        stageName: settings.stageName,
        description: `wpkb ${props.env} chat endpoint`,
        // Errors only, and never request or response bodies (users' messages).
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: settings.stageThrottle.rateLimit,
        throttlingBurstLimit: settings.stageThrottle.burstLimit,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
        // The visitors' route has no API key, so no usage plan: its own throttle, every visitor together.
        ...(visitor
          ? {
              methodOptions: {
                [`${VISITOR_CHAT_RESOURCE}/POST`]: {
                  throttlingRateLimit: visitor.throttle.rateLimit,
                  throttlingBurstLimit: visitor.throttle.burstLimit,
                },
              },
            }
          : {}),
      },
    });

    const gatewayHeaders = { ...gatewayCorsHeaders(origins), 'Cache-Control': "'no-store'" };
    for (const [gatewayId, type] of [
      ['Default4xx', apigw.ResponseType.DEFAULT_4XX],
      ['Default5xx', apigw.ResponseType.DEFAULT_5XX],
    ] as const) {
      this.api.addGatewayResponse(gatewayId, {
        type,
        responseHeaders: gatewayHeaders,
        templates: { 'application/json': GATEWAY_ERROR_TEMPLATE },
      });
    }

    const chat = this.api.root.addResource('chat', {
      defaultCorsPreflightOptions: origins.length
        ? {
            allowOrigins: origins,
            allowMethods: ['POST', 'OPTIONS'],
            allowHeaders: CORS_ALLOW_HEADERS,
            maxAge: Duration.minutes(10),
          }
        : undefined,
    });

    // A coarse gate before the Lambda: a JSON object with a string message and an optional session id,
    // nothing else. The handler's own checks (message trimmed, 1–2,000 characters; 16 KB) stay the rule:
    // the message bound here is looser because the handler trims and normalises before counting.
    const requestModel = this.api.addModel('ChatRequest', {
      modelName: 'ChatRequest',
      contentType: 'application/json',
      description: 'POST /chat body: {"message": "…", "sessionId": "…"}',
      schema: {
        schema: apigw.JsonSchemaVersion.DRAFT4,
        title: 'ChatRequest',
        type: apigw.JsonSchemaType.OBJECT,
        required: ['message'],
        additionalProperties: false,
        properties: {
          message: { type: apigw.JsonSchemaType.STRING, minLength: 1, maxLength: 2 * MESSAGE_MAX },
          sessionId: { type: apigw.JsonSchemaType.STRING, pattern: SESSION_ID_PATTERN.source },
        },
      },
    });
    const validator = this.api.addRequestValidator('BodyValidator', {
      requestValidatorName: 'chat-body',
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    // One integration per method (each gets its own invoke permission), the same body check, and the
    // reason why it has no user authorization (cdk-nag APIG4, COG4).
    const addChatMethod = (
      resource: apigw.IResource,
      options: { operationName: string; apiKeyRequired: boolean },
      why: { authorization: string; cognito: string },
    ) => {
      const method = resource.addMethod(
        'POST',
        new apigw.LambdaIntegration(this.function.fn, {
          proxy: true,
          timeout: INTEGRATION_TIMEOUT,
          // Only the deployed stage may invoke the function, not the console's test-invoke.
          allowTestInvoke: false,
        }),
        {
          ...options,
          requestValidator: validator,
          // `$default`: the model applies whatever Content-Type the client sends.
          requestModels: { $default: requestModel },
        },
      );
      acknowledge(method, 'AwsSolutions-APIG4', why.authorization);
      acknowledge(method, 'AwsSolutions-COG4', why.cognito);
      return method;
    };
    this.method = addChatMethod(
      chat,
      { operationName: 'Chat', apiKeyRequired: true },
      {
        authorization:
          'Server-to-server clients: the method requires an API key tied to a usage plan (throttle, quota) instead of user authorization; see docs/agent.md "Authentication".',
        cognito:
          'No Cognito user pool: the callers are servers holding an API key on a usage plan; pages use the visitors\' route (docs/agent.md "Authentication").',
      },
    );

    if (visitor) {
      // The widget's route: no API key (none a page could keep); the chat Lambda checks the page origin
      // and the visitor token itself (docs/threat-model.md says why not a Lambda authorizer).
      const visitorChat = this.api.root.resourceForPath(VISITOR_CHAT_RESOURCE);
      visitorChat.addCorsPreflight({
        allowOrigins: origins,
        allowMethods: ['POST', 'OPTIONS'],
        allowHeaders: VISITOR_CORS_ALLOW_HEADERS,
        maxAge: Duration.minutes(10),
      });
      this.visitorMethod = addChatMethod(
        visitorChat,
        { operationName: 'VisitorChat', apiKeyRequired: false },
        {
          authorization:
            "The widget's route: before anything else the chat Lambda requires an allowed page origin and a visitor token signed with the site's secret (docs/threat-model.md); throttled for the route and per IP by WAF.",
          cognito:
            'No Cognito user pool: mall visitors never sign in. A short-lived visitor token from the WordPress site stands in (docs/threat-model.md).',
        },
      );
      this.visitorUrl = this.api.urlForPath(VISITOR_CHAT_RESOURCE);
    }

    this.apiKey = new apigw.ApiKey(this, 'ApiKey', {
      apiKeyName: `${namePrefix}-chat`,
      description: `wpkb ${props.env}: chat endpoint key (server-to-server clients)`,
      enabled: true,
    });
    this.usagePlan = this.api.addUsagePlan('UsagePlan', {
      name: `${namePrefix}-chat`,
      description: 'Per-key throttle and quota of the chat endpoint',
      throttle: settings.throttle,
      quota: { limit: settings.quota.limit, period: apigw.Period[settings.quota.period] },
      apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
    });
    this.usagePlan.addApiKey(this.apiKey);

    this.webAcl = protectStage(this, this.api, {
      waf: settings.waf,
      name: `${namePrefix}-chat`,
      description: 'wpkb chat endpoint: IP reputation, rate limit per client IP, body size',
      withoutWaf:
        'AWS WAF is optional (cloud.chat.waf.enabled, on in the reference prod): without it the usage plan still throttles and caps each key, the stage throttles all keys together, and the body is validated.',
    });

    this.url = this.api.urlForPath('/chat');
    // RestApi's own `Endpoint` output (the stage URL) would duplicate ChatApiUrl.
    this.api.node.tryRemoveChild('Endpoint');
  }
}
