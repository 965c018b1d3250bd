import { ACCOUNT, type Resources, resolveTokens } from '../state-machine/harness.js';

/*
 * A small IAM evaluator for the policies of one template, to walk who can reach whom: the statements
 * are resolved with the harness's fake account and region, then matched the way IAM does (explicit Deny
 * wins, then any Allow, else implicit deny). It knows the operators this project uses; anything else
 * (NotPrincipal, NotAction, NotResource, an unknown condition operator) throws, so an unsupported
 * policy fails the test instead of being read as "allowed" or "not denying".
 */

export interface PolicyRequest {
  principal: { service: string } | { aws: string };
  action: string;
  resource: string;
  /** Request context keys (`aws:SourceArn`, `aws:SecureTransport`, …). */
  context: Record<string, string | boolean>;
}

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export type Decision = { effect: 'allow' | 'deny' | 'implicit-deny'; by?: string };

const list = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/** IAM's wildcards: `*` any run of characters, `?` one character. */
function glob(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

function principalMatches(principal: unknown, request: PolicyRequest['principal']): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null)
    throw new Error(`unknown Principal ${JSON.stringify(principal)}`);
  const { Service, AWS, ...rest } = principal as { Service?: unknown; AWS?: unknown };
  if (Object.keys(rest).length) throw new Error(`unsupported Principal ${JSON.stringify(principal)}`);
  if ('service' in request) return list(Service).includes(request.service);
  return list(AWS).some((p) => p === '*' || p === request.aws);
}

function conditionHolds(
  operator: string,
  key: string,
  expected: unknown,
  context: PolicyRequest['context'],
): boolean {
  const ifExists = operator.endsWith('IfExists');
  const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  const actual = context[key];
  if (actual === undefined) return ifExists || base === 'Null';
  const values = list(expected).map(String);
  const text = String(actual);
  switch (base) {
    case 'StringEquals':
    case 'ArnEquals':
      return values.includes(text);
    case 'StringLike':
    case 'ArnLike':
      return values.some((v) => glob(v, text));
    case 'StringNotEquals':
      return !values.includes(text);
    case 'Bool':
      return values.includes(text);
    default:
      throw new Error(`condition operator ${operator} is not supported by the test's evaluator`);
  }
}

function statementMatches(statement: Statement, request: PolicyRequest): boolean {
  for (const unsupported of ['NotPrincipal', 'NotAction', 'NotResource']) {
    if (unsupported in statement) throw new Error(`${unsupported} is not supported by the test's evaluator`);
  }
  if (statement.Principal !== undefined && !principalMatches(statement.Principal, request.principal))
    return false;
  if (!list(statement.Action).some((a) => glob(String(a), request.action, true))) return false;
  // A key policy's Resource "*" is the key itself.
  if (!list(statement.Resource).some((r) => glob(String(r), request.resource))) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => conditionHolds(operator, key, expected, request.context)),
  );
}

/** IAM's decision for one request against one policy document (already resolved). */
export function evaluate(document: unknown, request: PolicyRequest): Decision {
  const statements = list((document as { Statement?: unknown } | undefined)?.Statement) as Statement[];
  const matching = statements.filter((s) => statementMatches(s, request));
  const deny = matching.find((s) => s.Effect === 'Deny');
  if (deny) return { effect: 'deny', by: deny.Sid ?? JSON.stringify(deny) };
  const allow = matching.find((s) => s.Effect === 'Allow');
  return allow ? { effect: 'allow', by: allow.Sid ?? '(no Sid)' } : { effect: 'implicit-deny' };
}

const refTo = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null && 'Ref' in value
    ? String((value as { Ref: unknown }).Ref)
    : undefined;
const getAttOf = (value: unknown): string | undefined => {
  const att = (value as { 'Fn::GetAtt'?: unknown } | null)?.['Fn::GetAtt'];
  return Array.isArray(att) ? String(att[0]) : undefined;
};

export interface AlarmRoute {
  alarm: string;
  alarmArn: string;
  actions: number;
  /** What stops this alarm's notifications, one line per broken hop; empty when every hop allows it. */
  problems: string[];
}

/**
 * For every CloudWatch alarm of the template: each action (alarm, OK, insufficient data) → the SNS topic
 * → the topic's policy must let `cloudwatch.amazonaws.com` publish for THIS alarm (its ARN, this account,
 * over TLS) → the topic's KMS key policy must let CloudWatch GenerateDataKey and Decrypt for this alarm.
 * An alarm without actions, an action that is not a topic of this stack, a topic without a policy or
 * encrypted with a key outside the stack are problems too.
 */
export function alarmRoutes(resources: Resources): AlarmRoute[] {
  const alarms = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
  return alarms.map(([id, alarm]) => {
    const alarmArn = String(resolveTokens({ 'Fn::GetAtt': [id, 'Arn'] }, resources));
    const problems: string[] = [];
    const context = { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': alarmArn, 'aws:SecureTransport': true };
    const principal = { service: 'cloudwatch.amazonaws.com' };
    const actions = ['AlarmActions', 'OKActions', 'InsufficientDataActions'].flatMap((k) =>
      list(alarm.Properties[k]),
    );
    if (actions.length === 0) problems.push('the alarm has no action');
    for (const action of actions) {
      const topicId = refTo(action);
      const topic = topicId ? resources[topicId] : undefined;
      if (!topicId || topic?.Type !== 'AWS::SNS::Topic') {
        problems.push(`action ${JSON.stringify(action)} is not an SNS topic of this stack`);
        continue;
      }
      const topicArn = String(resolveTokens({ Ref: topicId }, resources));
      const policies = Object.values(resources).filter(
        (r) =>
          r.Type === 'AWS::SNS::TopicPolicy' && list(r.Properties.Topics).some((t) => refTo(t) === topicId),
      );
      if (policies.length !== 1) {
        problems.push(`topic ${topicId}: expected one topic policy, found ${policies.length}`);
        continue;
      }
      const topicPolicy = resolveTokens(policies[0]?.Properties.PolicyDocument, resources);
      const publish = evaluate(topicPolicy, {
        principal,
        action: 'sns:Publish',
        resource: topicArn,
        context,
      });
      if (publish.effect !== 'allow') {
        problems.push(
          `topic ${topicId} policy: sns:Publish is ${publish.effect}${publish.by ? ` (${publish.by})` : ''}`,
        );
      }
      const keyRef = topic.Properties.KmsMasterKeyId;
      if (keyRef === undefined) continue;
      const keyId = getAttOf(keyRef) ?? refTo(keyRef);
      const key = keyId ? resources[keyId] : undefined;
      if (!keyId || key?.Type !== 'AWS::KMS::Key') {
        problems.push(
          `topic ${topicId} is encrypted with ${JSON.stringify(keyRef)}, not a key of this stack whose policy can allow CloudWatch`,
        );
        continue;
      }
      const keyArn = String(resolveTokens({ 'Fn::GetAtt': [keyId, 'Arn'] }, resources));
      const keyPolicy = resolveTokens(key.Properties.KeyPolicy, resources);
      for (const kmsAction of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        const decision = evaluate(keyPolicy, { principal, action: kmsAction, resource: keyArn, context });
        if (decision.effect !== 'allow') {
          problems.push(
            `key ${keyId} policy: ${kmsAction} is ${decision.effect}${decision.by ? ` (${decision.by})` : ''}`,
          );
        }
      }
    }
    return {
      alarm: String(alarm.Properties.AlarmName ?? id),
      alarmArn,
      actions: actions.length,
      // An alarm and an OK action on the same topic meet the same policies: one line per problem.
      problems: [...new Set(problems)],
    };
  });
}

/** Every statement a role has: inline policies and AWS::IAM::Policy resources attached to it. */
export function roleDocuments(resources: Resources, roleId: string): unknown[] {
  const role = resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role`);
  const inline = list(role.Properties.Policies).map((p) => (p as { PolicyDocument: unknown }).PolicyDocument);
  const attached = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && list(r.Properties.Roles).some((x) => refTo(x) === roleId))
    .map((r) => r.Properties.PolicyDocument);
  return [...inline, ...attached].map((d) => resolveTokens(d, resources));
}

/** Allowed by any of a principal's identity documents, and denied by none. */
export function identityAllows(documents: unknown[], request: PolicyRequest): boolean {
  const decisions = documents.map((d) => evaluate(d, request).effect);
  return !decisions.includes('deny') && decisions.includes('allow');
}
