import { beforeAll, describe, expect, it } from 'vitest';
import { VISITOR_CHAT_RESOURCE } from '../../functions/core/chat/http.js';
import { chatSettings } from '../../functions/core/shared/config/chat-env.js';
import { ACCOUNT, REGION } from '../state-machine/harness.js';
import { type AgentSynth, getAtt, resourcesOf, synthesizeAgentStack } from './agent-synth.js';
import { identityAllows, roleDocuments } from './policy-walk.js';
import { acknowledgements, nagFindings, only } from './synth.js';

/**
 * The visitors' route of the chat API (`cloud.chat.visitorTokens`, on in the reference prod):
 * `POST /visitor/chat` without an API key, answered by the chat Lambda, which alone may read the site's
 * secret; its throttle, the WAF rule per IP on the stage, the output and the volume alarm.
 */

const KMS_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const secretArn = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}`;

let prod: AgentSynth;
let custom: AgentSynth;
let dev: AgentSynth;

beforeAll(() => {
  // The reference prod of cdk.json: visitor tokens on, WAF on, two origins.
  prod = synthesizeAgentStack({ env: 'prod' });
  custom = synthesizeAgentStack({
    env: 'prod',
    overrides: {
      cloud: {
        chat: {
          waf: { enabled: true, ipRateLimit: 300 },
          visitorTokens: {
            enabled: true,
            secret: 'mall/site-secret',
            secretKmsKeyArn: KMS_KEY,
            site: 'https://www.mall.example.cl/',
            throttle: { rateLimit: 2, burstLimit: 4 },
            alarmRequestsPerHour: 250,
          },
        },
      },
    },
  });
  dev = synthesizeAgentStack({ env: 'dev' });
});

type Row = [string, { Type: string; Properties: Record<string, unknown> }];
const api = (s: AgentSynth) => only(s.template, 'AWS::ApiGateway::RestApi');
const stage = (s: AgentSynth) => only(s.template, 'AWS::ApiGateway::Stage');

/** The resource at `path` under the API's root, walked part by part through ParentId. */
function resourceAt(s: AgentSynth, path: string): Row | undefined {
  let parent: unknown = getAtt(api(s).logicalId, 'RootResourceId');
  let found: Row | undefined;
  for (const part of path.split('/').filter(Boolean)) {
    found = resourcesOf(s, 'AWS::ApiGateway::Resource').find(
      ([, r]) =>
        r.Properties.PathPart === part && JSON.stringify(r.Properties.ParentId) === JSON.stringify(parent),
    ) as Row | undefined;
    if (!found) return undefined;
    parent = { Ref: found[0] };
  }
  return found;
}
const methodOn = (s: AgentSynth, path: string, verb: string): Row | undefined => {
  const resource = resourceAt(s, path);
  return resource
    ? (resourcesOf(s, 'AWS::ApiGateway::Method').find(
        ([, m]) =>
          m.Properties.HttpMethod === verb &&
          JSON.stringify(m.Properties.ResourceId) === JSON.stringify({ Ref: resource[0] }),
      ) as Row | undefined)
    : undefined;
};
/** The function a proxy integration invokes. */
function integratedFunction(s: AgentSynth, method: Row): string {
  const uri = JSON.stringify((method[1].Properties.Integration as { Uri: unknown }).Uri);
  const ids = resourcesOf(s, 'AWS::Lambda::Function')
    .map(([id]) => id)
    .filter((id) => uri.includes(`"${id}"`));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}
function propertiesOf(s: AgentSynth, logicalId: string): Record<string, unknown> {
  const resource = s.json.Resources[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId}`);
  return resource.Properties;
}
const roleOf = (s: AgentSynth, functionId: string) =>
  (propertiesOf(s, functionId).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
const variables = (s: AgentSynth, functionId: string) =>
  (propertiesOf(s, functionId).Environment as { Variables: Record<string, string> }).Variables;

describe('POST /visitor/chat', () => {
  it('is the same chat Lambda as POST /chat, without an API key, behind the same body model', () => {
    const visitor = methodOn(prod, VISITOR_CHAT_RESOURCE, 'POST');
    const keyed = methodOn(prod, '/chat', 'POST');
    if (!visitor || !keyed) throw new Error('both routes must exist');
    expect(visitor[1].Properties).toMatchObject({
      ApiKeyRequired: false,
      AuthorizationType: 'NONE',
      OperationName: 'VisitorChat',
      Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', TimeoutInMillis: 29_000 },
    });
    expect(keyed[1].Properties.ApiKeyRequired).toBe(true);
    expect(integratedFunction(prod, visitor)).toBe(integratedFunction(prod, keyed));
    for (const key of ['RequestValidatorId', 'RequestModels'])
      expect(visitor[1].Properties[key]).toEqual(keyed[1].Properties[key]);
  });

  it('may invoke the Lambda from this API and stage, for POST /visitor/chat only', () => {
    const fn = integratedFunction(prod, methodOn(prod, VISITOR_CHAT_RESOURCE, 'POST') as Row);
    const sources = resourcesOf(prod, 'AWS::Lambda::Permission')
      .filter(([, p]) => JSON.stringify(p.Properties.FunctionName) === JSON.stringify(getAtt(fn, 'Arn')))
      .map(([, p]) => JSON.stringify(p.Properties.SourceArn));
    expect(sources).toHaveLength(2);
    expect(sources.filter((a) => /"\/POST\/visitor\/chat"\]/.test(a))).toHaveLength(1);
    expect(sources.filter((a) => /"\/POST\/chat"\]/.test(a))).toHaveLength(1);
    for (const source of sources) expect(source).toContain(`{"Ref":"${stage(prod).logicalId}"}`);
  });

  it('answers preflights for the configured origins with the Authorization header the widget sends', () => {
    const options = methodOn(prod, VISITOR_CHAT_RESOURCE, 'OPTIONS');
    if (!options) throw new Error('no preflight on /visitor/chat');
    const responses = (
      options[1].Properties.Integration as {
        IntegrationResponses: Array<{ ResponseParameters: Record<string, string> }>;
      }
    ).IntegrationResponses;
    const headers = responses[0]?.ResponseParameters ?? {};
    expect(headers['method.response.header.Access-Control-Allow-Headers']).toBe(
      "'Content-Type,Authorization'",
    );
    expect(headers['method.response.header.Access-Control-Allow-Methods']).toBe("'POST,OPTIONS'");
    // Several origins: API Gateway's mock answers the listed one that asked (its template), never others.
    expect(JSON.stringify(options[1].Properties.Integration)).toContain('https://www.mall.example.cl');
    expect(options[1].Properties.AuthorizationType).toBe('NONE');
  });

  it('has its own throttle on the stage, every visitor together (default 5/s, burst 10; configurable)', () => {
    const throttleOf = (s: AgentSynth) =>
      (stage(s).Properties.MethodSettings as Array<Record<string, unknown>>).find(
        (m) => m.ResourcePath === '/~1visitor~1chat' && m.HttpMethod === 'POST',
      );
    expect(throttleOf(prod)).toMatchObject({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
    expect(throttleOf(custom)).toMatchObject({ ThrottlingRateLimit: 2, ThrottlingBurstLimit: 4 });
    // The whole stage keeps its own ceiling.
    expect(
      (stage(prod).Properties.MethodSettings as Array<Record<string, unknown>>).find(
        (m) => m.ResourcePath === '/*',
      ),
    ).toMatchObject({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
  });
});

describe('the site’s secret', () => {
  it('is named in the chat Lambda’s environment with the site, as the handler’s own validation reads it', () => {
    const fn = integratedFunction(prod, methodOn(prod, VISITOR_CHAT_RESOURCE, 'POST') as Row);
    const env = variables(prod, fn);
    expect(env).toMatchObject({
      VISITOR_TOKEN_SECRET: 'wpkb/prod/webhook',
      VISITOR_TOKEN_SITE: 'https://mall.example.cl',
    });
    const settings = chatSettings({
      ...env,
      AGENT_ID: 'AGENT12345',
      AGENT_ALIAS_ID: 'ALIAS12345',
      KNOWLEDGE_BASE_ID: 'KBTEST0001',
    });
    expect(settings.visitorTokens).toEqual({
      secretId: 'wpkb/prod/webhook',
      site: 'https://mall.example.cl',
    });
    expect(settings.allowedOrigins).toEqual(['https://mall.example.cl', 'https://www.mall.example.cl']);
    const customEnv = variables(
      custom,
      integratedFunction(custom, methodOn(custom, VISITOR_CHAT_RESOURCE, 'POST') as Row),
    );
    expect(customEnv).toMatchObject({
      VISITOR_TOKEN_SECRET: 'mall/site-secret',
      VISITOR_TOKEN_SITE: 'https://www.mall.example.cl/',
    });
  });

  it('only the chat Lambda may read it, and the chat Lambda no other secret (walked through every role)', () => {
    const resources = prod.json.Resources as Parameters<typeof roleDocuments>[0];
    const chatRole = roleOf(
      prod,
      integratedFunction(prod, methodOn(prod, VISITOR_CHAT_RESOURCE, 'POST') as Row),
    );
    const read = (roleId: string, arn: string) =>
      identityAllows(roleDocuments(resources, roleId), {
        principal: { aws: `arn:aws:iam::${ACCOUNT}:role/${roleId}` },
        action: 'secretsmanager:GetSecretValue',
        resource: arn,
        context: {},
      });
    const site = secretArn('wpkb/prod/webhook-AbCdEf');
    expect(read(chatRole, site)).toBe(true);
    for (const other of [
      secretArn('wpkb/prod/pinecone-AbCdEf'),
      secretArn('wpkb/prod/webhook-extra-AbCdEf'),
      secretArn('wpkb/prod/webhooks-AbCdEf'),
      secretArn('wpkb/dev/webhook-AbCdEf'),
    ])
      expect(read(chatRole, other), other).toBe(false);
    // Every role whose policies could touch Secrets Manager at all (by name or a wildcard action): of
    // those, only the chat Lambda's may read the site's secret.
    const policiesOf = (roleId: string) =>
      JSON.stringify([
        resources[roleId],
        ...resourcesOf(prod, 'AWS::IAM::Policy')
          .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
          .map(([, p]) => p),
      ]);
    const candidates = resourcesOf(prod, 'AWS::IAM::Role')
      .map(([id]) => id)
      .filter((id) => /secretsmanager|"Action":"\*"|"\*:\*"/i.test(policiesOf(id)));
    expect(candidates.length).toBeGreaterThan(1); // the Pinecone key's readers are among them
    expect(candidates.filter((id) => read(id, site))).toEqual([chatRole]);
    // No key of its own to decrypt with: Secrets Manager's default key needs no grant.
    expect(JSON.stringify(roleDocuments(resources, chatRole))).not.toContain('kms:');
  });

  it('with a customer key: kms:Decrypt on that key, through Secrets Manager only', () => {
    const resources = custom.json.Resources as Parameters<typeof roleDocuments>[0];
    const chatRole = roleOf(
      custom,
      integratedFunction(custom, methodOn(custom, VISITOR_CHAT_RESOURCE, 'POST') as Row),
    );
    const documents = roleDocuments(resources, chatRole);
    const decrypt = (context: Record<string, string>, key = KMS_KEY) =>
      identityAllows(documents, {
        principal: { aws: `arn:aws:iam::${ACCOUNT}:role/${chatRole}` },
        action: 'kms:Decrypt',
        resource: key,
        context,
      });
    expect(decrypt({ 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` })).toBe(true);
    expect(decrypt({ 'kms:ViaService': `s3.${REGION}.amazonaws.com` })).toBe(false);
    expect(decrypt({})).toBe(false);
    expect(decrypt({ 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` }, `${KMS_KEY}0`)).toBe(
      false,
    );
  });
});

describe('AWS WAF with visitor tokens', () => {
  it('the per-IP rate rule with the configured limit is on the web ACL attached to the visitors’ stage', () => {
    for (const [s, limit] of [
      [prod, 500],
      [custom, 300],
    ] as const) {
      const acl = only(s.template, 'AWS::WAFv2::WebACL');
      const rule = (
        acl.Properties.Rules as Array<{ Name: string; Statement: unknown; Action: unknown }>
      ).find((r) => r.Name === 'RateLimitPerIp');
      expect(rule?.Statement).toEqual({
        RateBasedStatement: { Limit: limit, AggregateKeyType: 'IP', EvaluationWindowSec: 300 },
      });
      expect(rule?.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429 } } });
      // Attached to the stage that serves /visitor/chat: same API, same stage resource.
      const association = only(s.template, 'AWS::WAFv2::WebACLAssociation');
      expect(association.Properties.WebACLArn).toEqual(getAtt(acl.logicalId, 'Arn'));
      const target = JSON.stringify(association.Properties.ResourceArn);
      expect(target).toContain(`{"Ref":"${api(s).logicalId}"}`);
      expect(target).toContain(`{"Ref":"${stage(s).logicalId}"}`);
      expect(stage(s).Properties.RestApiId).toEqual({ Ref: api(s).logicalId });
      expect(resourceAt(s, VISITOR_CHAT_RESOURCE)?.[1].Properties.RestApiId).toEqual({
        Ref: api(s).logicalId,
      });
    }
  });

  it('visitor tokens without the WAF, or without page origins, do not synthesize', () => {
    expect(() =>
      synthesizeAgentStack({
        overrides: {
          cloud: { chat: { allowedOrigins: ['https://mall.example.cl'], visitorTokens: { enabled: true } } },
        },
      }),
    ).toThrow(/cloud\.chat\.waf\.enabled: must be true when visitorTokens\.enabled is/);
    expect(() =>
      synthesizeAgentStack({
        overrides: {
          cloud: {
            chat: { allowedOrigins: ['*'], waf: { enabled: true }, visitorTokens: { enabled: true } },
          },
        },
      }),
    ).toThrow(/cloud\.chat\.allowedOrigins: must list the origins/);
  });
});

describe('outputs and alarms', () => {
  it('outputs the visitors’ URL for the plugin’s chat endpoint setting', () => {
    const url = JSON.stringify(prod.json.Outputs?.ChatVisitorUrl?.Value);
    expect(url).toContain(`{"Ref":"${api(prod).logicalId}"}`);
    expect(url).toContain(`{"Ref":"${stage(prod).logicalId}"}`);
    expect(url).toMatch(/\/visitor\/chat"\]/);
  });

  it('alarms the alert topic when the route gets the configured number of requests in an hour', () => {
    const alarmOf = (s: AgentSynth) =>
      resourcesOf(s, 'AWS::CloudWatch::Alarm').find(([, a]) =>
        String(a.Properties.AlarmName).endsWith('-chat-visitor-volume'),
      )?.[1].Properties;
    const topic = [{ Ref: only(prod.template, 'AWS::SNS::Topic').logicalId }];
    expect(alarmOf(prod)).toMatchObject({
      AlarmName: 'wpkb-prod-chat-visitor-volume',
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Count',
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 1000,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: topic,
      OKActions: topic,
    });
    const dimensions = Object.fromEntries(
      ((alarmOf(prod)?.Dimensions ?? []) as Array<{ Name: string; Value: unknown }>).map((d) => [
        d.Name,
        d.Value,
      ]),
    );
    expect(dimensions).toMatchObject({
      ApiName: 'wpkb-prod-chat',
      Method: 'POST',
      Resource: '/visitor/chat',
    });
    expect(JSON.stringify(dimensions.Stage)).toContain(stage(prod).logicalId);
    expect(alarmOf(custom)?.Threshold).toBe(250);
    const silent = synthesizeAgentStack({
      env: 'prod',
      overrides: { cloud: { chat: { visitorTokens: { enabled: true, alarmRequestsPerHour: null } } } },
    });
    expect(alarmOf(silent)).toBeUndefined();
  });
});

describe('without visitor tokens (the default)', () => {
  it('there is no visitors’ route, no secret, no output and no alarm', () => {
    expect(resourceAt(dev, VISITOR_CHAT_RESOURCE)).toBeUndefined();
    expect(resourceAt(dev, '/visitor')).toBeUndefined();
    const json = JSON.stringify(dev.json);
    expect(json).not.toContain('VISITOR_TOKEN');
    expect(json).not.toContain('ReadSiteSecret');
    expect(json).not.toContain('visitor-volume');
    expect(Object.keys(dev.json.Outputs ?? {})).not.toContain('ChatVisitorUrl');
  });
});

describe('cdk-nag AwsSolutions with the visitors’ route', () => {
  it('reports nothing unacknowledged, and acknowledges exactly the route’s missing user authorization', () => {
    expect(nagFindings(prod.app)).toEqual([]);
    expect(nagFindings(custom.app)).toEqual([]);
    const acks = acknowledgements(prod.app)
      .filter((a) => a.path.includes('/visitor/'))
      .map((a) => `${a.path.replace(/^wpkb-\w+\/ChatApi\//, '')} ${a.id.replace(/^\w+::/, '')}`)
      .sort();
    expect(acks).toEqual([
      'Api/Default/visitor/chat/POST AwsSolutions-APIG4',
      'Api/Default/visitor/chat/POST AwsSolutions-COG4',
    ]);
  });
});
