import { beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_MAX, SESSION_ID_PATTERN } from '../../functions/core/chat/http.js';
import { chatSettings } from '../../functions/core/shared/config/chat-env.js';
import { ACCESS_LOG_FORMAT, AGENT_TIMEOUT_MS, GATEWAY_ERROR_TEMPLATE } from '../../stacks/chat-api.js';
import {
  type AgentSynth,
  attachedPolicies,
  getAtt,
  resourcesOf,
  statementsOf,
  synthesizeAgentStack,
} from './agent-synth.js';
import { acknowledgements, agentOf, configFor, logicalIdOf, nagFindings, only } from './synth.js';

const ONE_ORIGIN = ['https://mall.example.cl'];
const TWO_ORIGINS = ['https://mall.example.cl', 'https://www.mall.example.cl'];
const chatOverrides = (chat: Record<string, unknown>) => ({ cloud: { chat } });

let none: AgentSynth;
let one: AgentSynth;
let two: AgentSynth;

beforeAll(() => {
  none = synthesizeAgentStack({ env: 'dev', overrides: chatOverrides({ allowedOrigins: [] }) });
  one = synthesizeAgentStack({ env: 'dev', overrides: chatOverrides({ allowedOrigins: ONE_ORIGIN }) });
  two = synthesizeAgentStack({
    env: 'prod',
    // The API-key route alone (the visitors' route of the reference prod: chat-visitors.test.ts).
    overrides: chatOverrides({
      allowedOrigins: TWO_ORIGINS,
      waf: { enabled: true, ipRateLimit: 800 },
      visitorTokens: { enabled: false },
    }),
  });
});

const methods = (s: AgentSynth): Array<Record<string, unknown> & { id: string }> =>
  resourcesOf(s, 'AWS::ApiGateway::Method').map(([id, m]) => ({ ...m.Properties, id }));
const postChat = (s: AgentSynth) => {
  const found = methods(s).filter((m) => m.HttpMethod === 'POST');
  if (found.length !== 1) throw new Error(`expected one POST method, found ${found.length}`);
  return found[0] as Record<string, unknown> & { id: string };
};
/** The chat Lambda: what the POST method's proxy integration invokes. */
function chatFunction(s: AgentSynth) {
  const uri = JSON.stringify((postChat(s).Integration as { Uri: unknown }).Uri);
  const found = resourcesOf(s, 'AWS::Lambda::Function').filter(([id]) => uri.includes(`"${id}"`));
  if (found.length !== 1) throw new Error('the POST integration does not point at one function');
  const [logicalId, fn] = found[0] as [string, { Properties: Record<string, unknown> }];
  return { logicalId, fn };
}
const variablesOf = (fn: { Properties: Record<string, unknown> }) =>
  (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
const stageOf = (s: AgentSynth) => only(s.template, 'AWS::ApiGateway::Stage');
const apiId = (s: AgentSynth) => only(s.template, 'AWS::ApiGateway::RestApi').logicalId;

describe('POST /chat', () => {
  it('is a Lambda proxy integration that requires an API key and times out at 29 s', () => {
    const chatResource = only(none.template, 'AWS::ApiGateway::Resource');
    expect(chatResource.Properties).toMatchObject({ PathPart: 'chat', RestApiId: { Ref: apiId(none) } });
    const post = postChat(none);
    expect(post).toMatchObject({
      ResourceId: { Ref: chatResource.logicalId },
      ApiKeyRequired: true,
      AuthorizationType: 'NONE',
      Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', TimeoutInMillis: 29_000 },
    });
    expect(JSON.stringify(post.Integration)).toContain(`"${chatFunction(none).logicalId}"`);
    // Without browser origins there is nothing to preflight: POST is the only method.
    expect(methods(none).map((m) => m.HttpMethod)).toEqual(['POST']);
  });

  it('checks the body against a model before the Lambda runs, whatever the Content-Type', () => {
    const post = postChat(none);
    const validator = only(none.template, 'AWS::ApiGateway::RequestValidator');
    expect(post.RequestValidatorId).toEqual({ Ref: validator.logicalId });
    expect(validator.Properties).toMatchObject({
      ValidateRequestBody: true,
      RestApiId: { Ref: apiId(none) },
    });
    const model = only(none.template, 'AWS::ApiGateway::Model');
    expect(post.RequestModels).toEqual({ $default: { Ref: model.logicalId } });
    const schema = model.Properties.Schema as {
      type: string;
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { type: string; minLength?: number; maxLength?: number; pattern?: string }>;
    };
    expect(schema).toMatchObject({ type: 'object', required: ['message'], additionalProperties: false });
    expect(Object.keys(schema.properties).sort()).toEqual(['message', 'sessionId']);
    expect(schema.properties.message).toMatchObject({ type: 'string', minLength: 1 });
    // Never stricter than the handler (which trims before counting), but bounded.
    expect(schema.properties.message?.maxLength).toBeGreaterThanOrEqual(MESSAGE_MAX);
    expect(schema.properties.message?.maxLength).toBeLessThanOrEqual(4 * MESSAGE_MAX);
    // The session id rule is InvokeAgent's, exactly as the handler applies it.
    const pattern = new RegExp(schema.properties.sessionId?.pattern ?? '(?!)');
    for (const id of ['ab', '9b2f-1c.x:y_z', 'a'.repeat(100)]) {
      expect(pattern.test(id), id).toBe(SESSION_ID_PATTERN.test(id));
      expect(pattern.test(id), id).toBe(true);
    }
    for (const id of ['a', 'a'.repeat(101), 'con espacio', 'ñandú']) {
      expect(pattern.test(id), id).toBe(false);
    }
  });

  it('is invoked only by this API, from its stage, for POST /chat', () => {
    const { logicalId } = chatFunction(none);
    const permissions = resourcesOf(none, 'AWS::Lambda::Permission').filter(
      ([, p]) => JSON.stringify(p.Properties.FunctionName) === JSON.stringify(getAtt(logicalId, 'Arn')),
    );
    expect(permissions).toHaveLength(1);
    const [, permission] = permissions[0] as [string, { Properties: Record<string, unknown> }];
    expect(permission.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
    });
    const sourceArn = JSON.stringify(permission.Properties.SourceArn);
    expect(sourceArn).toContain(`{"Ref":"${apiId(none)}"}`);
    expect(sourceArn).toContain(`{"Ref":"${stageOf(none).logicalId}"}`);
    expect(sourceArn).toMatch(/"\/POST\/chat"\]/);
  });
});

describe('the chat Lambda', () => {
  it('runs the chat handler on Node 22 ARM64 with 256 MB, 29 s, X-Ray and its own log group', () => {
    const { fn } = chatFunction(none);
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 29,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
    });
    const logGroupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(none.json.Resources[logGroupId]?.Properties.RetentionInDays).toBe(30);
  });

  it('reserves the configured concurrency (the reference prod: 25), and none by default (small accounts cannot reserve)', () => {
    expect(chatFunction(two).fn.Properties.ReservedConcurrentExecutions).toBe(25);
    expect(chatFunction(none).fn.Properties).not.toHaveProperty('ReservedConcurrentExecutions');
    const three = synthesizeAgentStack({ env: 'dev', overrides: chatOverrides({ reservedConcurrency: 3 }) });
    expect(chatFunction(three).fn.Properties.ReservedConcurrentExecutions).toBe(3);
    // Only the chat Lambda: the pipeline and action group functions share the account's pool.
    expect(
      resourcesOf(two, 'AWS::Lambda::Function').filter(
        ([, f]) => 'ReservedConcurrentExecutions' in f.Properties,
      ),
    ).toHaveLength(1);
  });

  it('gets the agent, its stable alias, the origins and the freshness filter settings, in the environment the handler validates', () => {
    const { fn } = chatFunction(two);
    const variables = variablesOf(fn);
    expect(variables).toMatchObject({
      ASSISTANT_ENGINE: 'agent',
      AGENT_ID: getAtt(logicalIdOf(agentOf(two.stack).agent), 'AgentId'),
      AGENT_ALIAS_ID: getAtt(logicalIdOf(agentOf(two.stack).alias), 'AgentAliasId'),
      ALLOWED_ORIGINS: TWO_ORIGINS.join(','),
      AGENT_TIMEOUT_MS: String(AGENT_TIMEOUT_MS),
      STREAM_FINAL_RESPONSE: 'true',
      LOG_USER_MESSAGES: 'false',
      REQUIRE_API_KEY: 'true',
      KNOWLEDGE_BASE_ID: getAtt(logicalIdOf(two.stack.knowledgeBase), 'KnowledgeBaseId'),
      SITE_TIME_ZONE: configFor('prod').site.timeZone,
      POWERTOOLS_SERVICE_NAME: 'wpkb-chat',
    });
    const deployed = {
      ...variables,
      AGENT_ID: 'ABCDEFGHIJ',
      AGENT_ALIAS_ID: 'KLMNOPQRST',
      KNOWLEDGE_BASE_ID: 'UVWXYZ0123',
    } as Record<string, string>;
    expect(chatSettings(deployed)).toMatchObject({
      assistant: {
        engine: 'agent',
        agentId: 'ABCDEFGHIJ',
        agentAliasId: 'KLMNOPQRST',
        streamFinalResponse: true,
      },
      allowedOrigins: TWO_ORIGINS,
      agentTimeoutMs: AGENT_TIMEOUT_MS,
      logUserMessages: false,
      requireApiKey: true,
      knowledgeBaseId: 'UVWXYZ0123',
      siteTimeZone: configFor('prod').site.timeZone,
    });
    // The agent gives up before Lambda and the integration do.
    expect(AGENT_TIMEOUT_MS).toBeLessThan((fn.Properties.Timeout as number) * 1000);
    // No origins configured: an empty list, which the handler reads as "no browser may call".
    expect(variablesOf(chatFunction(none).fn).ALLOWED_ORIGINS).toBe('');
    expect(chatSettings({ ...deployed, ALLOWED_ORIGINS: '' }).allowedOrigins).toEqual([]);
  });

  it('may invoke the alias and nothing else in Bedrock', () => {
    const { fn } = chatFunction(none);
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const role = none.json.Resources[roleId];
    if (!role) throw new Error('no role');
    const statements = statementsOf(role).map(({ Sid: _sid, ...rest }) => rest);
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('bedrock:'))).toEqual([
      {
        Effect: 'Allow',
        Action: 'bedrock:InvokeAgent',
        Resource: getAtt(logicalIdOf(agentOf(none.stack).alias), 'AgentAliasArn'),
      },
    ]);
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual([
      'bedrock:InvokeAgent',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    expect(attachedPolicies(none, roleId)).toEqual([]);
  });
});

describe('API key and usage plan', () => {
  it('binds one key to a plan on the stage with the configured throttle and quota (defaults 5 rps, burst 10, 10,000 a day)', () => {
    const plan = only(none.template, 'AWS::ApiGateway::UsagePlan');
    expect(plan.Properties).toMatchObject({
      UsagePlanName: 'wpkb-dev-chat',
      Throttle: { RateLimit: 5, BurstLimit: 10 },
      Quota: { Limit: 10_000, Period: 'DAY' },
      ApiStages: [{ ApiId: { Ref: apiId(none) }, Stage: { Ref: stageOf(none).logicalId } }],
    });
    const key = only(none.template, 'AWS::ApiGateway::ApiKey');
    expect(key.Properties).toMatchObject({ Enabled: true, Name: 'wpkb-dev-chat' });
    expect(key.Properties.Value).toBeUndefined();
    expect(only(none.template, 'AWS::ApiGateway::UsagePlanKey').Properties).toEqual({
      KeyId: { Ref: key.logicalId },
      KeyType: 'API_KEY',
      UsagePlanId: { Ref: plan.logicalId },
    });

    const tuned = synthesizeAgentStack({
      overrides: chatOverrides({
        throttle: { rateLimit: 2, burstLimit: 4 },
        quota: { limit: 500, period: 'MONTH' },
        stageThrottle: { rateLimit: 8, burstLimit: 16 },
      }),
    });
    expect(only(tuned.template, 'AWS::ApiGateway::UsagePlan').Properties).toMatchObject({
      Throttle: { RateLimit: 2, BurstLimit: 4 },
      Quota: { Limit: 500, Period: 'MONTH' },
    });
    expect(stageOf(tuned).Properties.MethodSettings).toEqual([
      expect.objectContaining({ ThrottlingRateLimit: 8, ThrottlingBurstLimit: 16 }),
    ]);
  });

  it('outputs the URL, the key id and the command that prints the key', () => {
    const outputs = none.json.Outputs ?? {};
    const url = JSON.stringify(outputs.ChatApiUrl?.Value);
    expect(url).toContain(`{"Ref":"${apiId(none)}"}`);
    expect(url).toContain('.execute-api.');
    expect(url).toMatch(/\/chat"\]\]\}$/);
    const keyId = only(none.template, 'AWS::ApiGateway::ApiKey').logicalId;
    expect(outputs.ChatApiKeyId?.Value).toEqual({ Ref: keyId });
    const command = JSON.stringify(outputs.ChatApiKeyCommand?.Value);
    expect(command).toContain('aws apigateway get-api-key --api-key ');
    expect(command).toContain(`{"Ref":"${keyId}"}`);
    expect(command).toContain(' --include-value');
    // No duplicate stage URL output from RestApi itself.
    expect(
      Object.keys(outputs)
        .filter((name) => name.startsWith('ChatApi'))
        .sort(),
    ).toEqual(['ChatApiKeyCommand', 'ChatApiKeyId', 'ChatApiUrl']);
  });
});

describe('CORS', () => {
  const gatewayResponses = (s: AgentSynth) =>
    Object.fromEntries(
      resourcesOf(s, 'AWS::ApiGateway::GatewayResponse').map(([, r]) => [
        r.Properties.ResponseType,
        r.Properties,
      ]),
    ) as Record<
      string,
      { ResponseParameters: Record<string, string>; ResponseTemplates: Record<string, string> }
    >;

  it('answers preflights for the configured origin only, with the methods and headers the page needs', () => {
    const options = methods(one).find((m) => m.HttpMethod === 'OPTIONS');
    expect(options).toMatchObject({ ApiKeyRequired: false, AuthorizationType: 'NONE' });
    const integration = options?.Integration as
      | { IntegrationResponses: Array<{ ResponseParameters: Record<string, string> }> }
      | undefined;
    const response = integration?.IntegrationResponses[0]?.ResponseParameters;
    expect(response).toMatchObject({
      'method.response.header.Access-Control-Allow-Origin': "'https://mall.example.cl'",
      'method.response.header.Access-Control-Allow-Methods': "'POST,OPTIONS'",
      'method.response.header.Access-Control-Allow-Headers': "'Content-Type,X-Api-Key'",
    });
    expect(variablesOf(chatFunction(one).fn).ALLOWED_ORIGINS).toBe('https://mall.example.cl');
  });

  it('with several origins, answers each allowed origin with itself', () => {
    const options = methods(two).find((m) => m.HttpMethod === 'OPTIONS');
    const template = JSON.stringify(options?.Integration);
    for (const origin of TWO_ORIGINS) expect(template).toContain(origin);
    expect(template).not.toContain('https://evil.example');
  });

  it("returns API Gateway's own 4XX/5XX in the handler's error shape, with CORS from the allow-list only", () => {
    // One origin: that origin, as a static value. Several: no CORS header (a gateway response cannot
    // choose among them per request, and echoing the request's Origin would let any site read errors).
    for (const [s, headers] of [
      [one, { 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://mall.example.cl'" }],
      [two, {}],
    ] as const) {
      const responses = gatewayResponses(s);
      for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
        expect(responses[type]?.ResponseParameters).toEqual({
          ...headers,
          'gatewayresponse.header.Cache-Control': "'no-store'",
        });
        expect(responses[type]?.ResponseTemplates).toEqual({ 'application/json': GATEWAY_ERROR_TEMPLATE });
      }
    }
    // Nowhere a request value: every header is a quoted literal.
    for (const s of [none, one, two]) {
      for (const value of Object.values(gatewayResponses(s)).flatMap((r) =>
        Object.values(r.ResponseParameters),
      )) {
        expect(value).toMatch(/^'[^']*'$/);
      }
    }
    // The template is the handler's `{error: {code, message}, requestId}` once API Gateway fills it in.
    const filled = GATEWAY_ERROR_TEMPLATE.replace('$context.error.responseType', 'THROTTLED')
      .replace('$context.error.messageString', '"Too Many Requests"')
      .replace('$context.requestId', 'c0ffee');
    expect(JSON.parse(filled)).toEqual({
      error: { code: 'THROTTLED', message: 'Too Many Requests' },
      requestId: 'c0ffee',
    });
    // No origins: the same responses, and no browser is let in.
    const closed = gatewayResponses(none);
    expect(Object.keys(closed).sort()).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX']);
    expect(JSON.stringify(closed)).not.toContain('Access-Control-Allow-Origin');
    const any = synthesizeAgentStack({ overrides: chatOverrides({ allowedOrigins: ['*'] }) });
    expect(gatewayResponses(any).DEFAULT_4XX?.ResponseParameters).toMatchObject({
      'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
    });
  });
});

describe('stage', () => {
  it('logs errors and access lines without bodies, traces with X-Ray, and throttles all keys together', () => {
    const stage = stageOf(none);
    expect(stage.Properties).toMatchObject({ StageName: 'v1', TracingEnabled: true });
    expect(stage.Properties.MethodSettings).toEqual([
      {
        HttpMethod: '*',
        ResourcePath: '/*',
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        MetricsEnabled: true,
        ThrottlingRateLimit: 20,
        ThrottlingBurstLimit: 40,
      },
    ]);
    const access = stage.Properties.AccessLogSetting as { DestinationArn: unknown; Format: string };
    expect(access.Format).toBe(ACCESS_LOG_FORMAT);
    const fields = Object.keys(JSON.parse(access.Format) as Record<string, string>);
    expect(fields).toEqual(expect.arrayContaining(['requestId', 'apiKeyId', 'status', 'latencyMs']));
    expect(access.Format).not.toMatch(/body|requestOverride|input/i);
    const [accessLogs] = resourcesOf(none, 'AWS::Logs::LogGroup').filter(([id]) =>
      JSON.stringify(access.DestinationArn).includes(`"${id}"`),
    );
    expect(accessLogs?.[1].Properties.RetentionInDays).toBe(30);
  });

  it("sets API Gateway's CloudWatch Logs role unless the account already has one", () => {
    const account = only(none.template, 'AWS::ApiGateway::Account');
    expect(JSON.stringify(account.Properties.CloudWatchRoleArn)).toContain('CloudWatchRole');
    const without = synthesizeAgentStack({ overrides: chatOverrides({ cloudWatchRole: false }) });
    expect(resourcesOf(without, 'AWS::ApiGateway::Account')).toEqual([]);
    expect(nagFindings(without.app)).toEqual([]);
  });
});

describe('AWS WAF', () => {
  it('is off by default', () => {
    expect(resourcesOf(none, 'AWS::WAFv2::WebACL')).toEqual([]);
    expect(resourcesOf(none, 'AWS::WAFv2::WebACLAssociation')).toEqual([]);
  });

  it('when enabled, guards the stage: IP reputation, the configured rate per IP, bodies over 16 KB', () => {
    const acl = only(two.template, 'AWS::WAFv2::WebACL');
    expect(acl.Properties).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    const rules = acl.Properties.Rules as Array<{ Name: string; Statement: Record<string, unknown> }>;
    expect(rules.map((r) => r.Name)).toEqual(['AmazonIpReputationList', 'RateLimitPerIp', 'BodyOver16KB']);
    expect(rules[1]?.Statement).toEqual({
      RateBasedStatement: { Limit: 800, AggregateKeyType: 'IP', EvaluationWindowSec: 300 },
    });
    expect(rules[2]?.Statement).toMatchObject({
      SizeConstraintStatement: { ComparisonOperator: 'GT', Size: 16_384 },
    });
    const association = only(two.template, 'AWS::WAFv2::WebACLAssociation');
    expect(association.Properties.WebACLArn).toEqual(getAtt(acl.logicalId, 'Arn'));
    const resourceArn = JSON.stringify(association.Properties.ResourceArn);
    expect(resourceArn).toContain(`{"Ref":"${apiId(two)}"}`);
    expect(resourceArn).toContain(`{"Ref":"${stageOf(two).logicalId}"}`);
  });
});

describe('alarms', () => {
  const alarmsOf = (s: AgentSynth) =>
    Object.fromEntries(
      resourcesOf(s, 'AWS::CloudWatch::Alarm').map(([, a]) => [a.Properties.AlarmName, a.Properties]),
    );
  const topicRef = (s: AgentSynth) => [{ Ref: only(s.template, 'AWS::SNS::Topic').logicalId }];

  it('alarm the alert topic on 5XX answers and on a p95 latency near the 29 s timeout', () => {
    const alarms = alarmsOf(none);
    expect(alarms['wpkb-dev-chat-5xx']).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Dimensions: [{ Name: 'ApiName', Value: 'wpkb-dev-chat' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 5,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: topicRef(none),
      OKActions: topicRef(none),
    });
    expect(alarms['wpkb-dev-chat-latency']).toMatchObject({
      MetricName: 'Latency',
      ExtendedStatistic: 'p95',
      Threshold: 20_000,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      AlarmActions: topicRef(none),
    });
  });

  it('are not built without the endpoint', () => {
    const off = synthesizeAgentStack({ overrides: chatOverrides({ enabled: false }) });
    expect(Object.keys(alarmsOf(off)).filter((name) => String(name).includes('-chat-'))).toEqual([]);
  });
});

describe('disabled', () => {
  it('builds no API, no chat Lambda and no outputs with cloud.chat.enabled false', () => {
    const off = synthesizeAgentStack({ overrides: chatOverrides({ enabled: false }) });
    for (const type of [
      'AWS::ApiGateway::RestApi',
      'AWS::ApiGateway::ApiKey',
      'AWS::ApiGateway::UsagePlan',
    ]) {
      expect(resourcesOf(off, type), type).toEqual([]);
    }
    expect(JSON.stringify(off.json.Resources)).not.toContain('bedrock:InvokeAgent');
    expect(Object.keys(off.json.Outputs ?? {}).filter((name) => name.startsWith('ChatApi'))).toEqual([]);
    // The action group is independent of the endpoint.
    expect(only(off.template, 'AWS::Bedrock::Agent').Properties.ActionGroups).toHaveLength(1);
    expect(nagFindings(off.app)).toEqual([]);
  });
});

describe('cdk-nag AwsSolutions with the chat endpoint', () => {
  it('reports nothing unacknowledged: no origins, one origin, several with WAF, and a targeted deploy', () => {
    expect(nagFindings(none.app)).toEqual([]);
    expect(nagFindings(one.app)).toEqual([]);
    expect(nagFindings(two.app)).toEqual([]);
    const targeted = synthesizeAgentStack({
      env: 'prod',
      target: { account: '111111111111', region: 'us-east-1' },
    });
    expect(nagFindings(targeted.app)).toEqual([]);
  });

  it('acknowledges exactly: API key instead of user authorization, WAF when off, the logs role, X-Ray, runtime', () => {
    const acksOf = (s: AgentSynth) =>
      acknowledgements(s.app)
        .filter((a) => a.path.includes('/ChatApi/'))
        .map((a) => `${a.path.replace(/^wpkb-\w+\/ChatApi\//, '')} ${a.id.replace(/^\w+::/, '')}`)
        .sort();
    const common = [
      'Api/CloudWatchRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      'Api/Default/chat/POST AwsSolutions-APIG4',
      'Api/Default/chat/POST AwsSolutions-COG4',
      'Handler/Function AwsSolutions-L1',
      'Handler/Role AwsSolutions-IAM5[Resource::*]',
    ];
    expect(acksOf(none)).toEqual([...common, 'Api/DeploymentStage.v1 AwsSolutions-APIG3'].sort());
    expect(acksOf(two)).toEqual(common);
    for (const ack of acknowledgements(none.app).filter((a) => a.path.includes('/ChatApi/'))) {
      expect(ack.reason.length).toBeGreaterThanOrEqual(40);
    }
  });
});
