import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { PipelineSynth } from '../stacks/pipeline-synth.js';

/*
 * Runs the state machine CloudFormation would create — the DefinitionString of the synthesized
 * template, its tokens (Ref / Fn::GetAtt / Fn::Join) resolved to fake but well-formed values — with
 * aws-local-stepfunctions, every Task state bound to a local function.
 */

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** Fake values of the attributes CloudFormation would fill in at deploy time. */
export const FAKE = {
  knowledgeBaseId: 'KBTEST0001',
  dataSourceId: 'DSTEST0001',
  agentId: 'AGTEST0001',
  agentAliasId: 'ALTEST0001',
  pineconeHost: 'wpkb-dev-abc1234.svc.aped-4627-b74a.pinecone.io',
  pineconeSecretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:wpkb/dev/pinecone-AbC123`,
} as const;

/** One entry of an execution's event log (the package does not export the type). */
export type EventLog =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export type Resources = PipelineSynth['json']['Resources'];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What `{Ref: id}` gives for the resource types the pipeline references. */
function ref(id: string, resources: Resources): string {
  switch (id) {
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::Region':
      return REGION;
    case 'AWS::AccountId':
      return ACCOUNT;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return 'wpkb-test';
  }
  const resource = resources[id];
  if (!resource) throw new Error(`Ref to an unknown resource ${id}`);
  const name = (key: string) => String(resource.Properties?.[key] ?? id);
  switch (resource.Type) {
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${REGION}:${ACCOUNT}:${name('TopicName')}`;
    case 'AWS::S3::Bucket':
      return `${id.toLowerCase()}-test`;
    case 'AWS::StepFunctions::StateMachine':
      return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name('StateMachineName')}`;
    case 'AWS::Lambda::Function':
    case 'AWS::Logs::LogGroup':
      return id;
    default:
      return id;
  }
}

/** What `{Fn::GetAtt: [id, attribute]}` gives. */
function getAtt(id: string, attribute: string, resources: Resources): string {
  const resource = resources[id];
  if (!resource) throw new Error(`GetAtt of an unknown resource ${id}`);
  switch (attribute) {
    case 'KnowledgeBaseId':
      return FAKE.knowledgeBaseId;
    case 'KnowledgeBaseArn':
      return `arn:aws:bedrock:${REGION}:${ACCOUNT}:knowledge-base/${FAKE.knowledgeBaseId}`;
    case 'DataSourceId':
      return FAKE.dataSourceId;
    case 'AgentId':
      return FAKE.agentId;
    case 'AgentArn':
      return `arn:aws:bedrock:${REGION}:${ACCOUNT}:agent/${FAKE.agentId}`;
    case 'AgentAliasId':
      return FAKE.agentAliasId;
    case 'AgentAliasArn':
      return `arn:aws:bedrock:${REGION}:${ACCOUNT}:agent-alias/${FAKE.agentId}/${FAKE.agentAliasId}`;
    case 'Host':
      return FAKE.pineconeHost;
    case 'ConnectionString':
      return `https://${FAKE.pineconeHost}`;
    case 'SecretArn':
      return FAKE.pineconeSecretArn;
    case 'Arn':
      switch (resource.Type) {
        case 'AWS::Lambda::Function':
          return functionArn(id);
        case 'AWS::S3::Bucket':
          return `arn:aws:s3:::${ref(id, resources)}`;
        case 'AWS::Logs::LogGroup':
          return `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${id}:*`;
        case 'AWS::KMS::Key':
          return `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`;
        case 'AWS::CloudWatch::Alarm':
          return `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${String(resource.Properties?.AlarmName ?? id)}`;
        case 'AWS::IAM::Role':
          return `arn:aws:iam::${ACCOUNT}:role/${id}`;
        default:
          return `arn:aws:${resource.Type.split('::')[1]?.toLowerCase()}:${REGION}:${ACCOUNT}:${id}`;
      }
  }
  throw new Error(`GetAtt ${id}.${attribute}: no fake value`);
}

/** The fake ARN a Lambda function's `Fn::GetAtt Arn` resolves to. */
export const functionArn = (logicalId: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${logicalId}`;

/** A template value with every intrinsic resolved to a plain value. */
export function resolveTokens(value: unknown, resources: Resources): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveTokens(v, resources));
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [key] = keys as [string];
    const arg = value[key];
    if (key === 'Ref') return ref(String(arg), resources);
    if (key === 'Fn::GetAtt') {
      const [id, attribute] = arg as [string, string];
      return getAtt(id, attribute, resources);
    }
    if (key === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((p) => String(resolveTokens(p, resources))).join(separator);
    }
    if (key.startsWith('Fn::')) throw new Error(`cannot resolve ${key}`);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTokens(v, resources)]));
}

/** The pipeline state machine's definition, as Step Functions would receive it. */
export function pipelineDefinition(synth: PipelineSynth): StateMachineDefinition {
  return stateMachineDefinition(synth.json.Resources);
}

/** The definition of a template's one state machine, tokens resolved. */
export function stateMachineDefinition(resources: Resources): StateMachineDefinition {
  const [, machine] = Object.entries(resources).find(
    ([, r]) => r.Type === 'AWS::StepFunctions::StateMachine',
  ) ?? [undefined, undefined];
  if (!machine) throw new Error('no state machine in the template');
  const text = resolveTokens(machine.Properties.DefinitionString, resources);
  if (typeof text !== 'string') throw new Error('DefinitionString did not resolve to a string');
  return JSON.parse(text) as StateMachineDefinition;
}

/** A function's environment variables from the template, resolved. */
export function functionEnvironment(synth: PipelineSynth, logicalId: string): Record<string, string> {
  const fn = synth.json.Resources[logicalId];
  if (fn?.Type !== 'AWS::Lambda::Function') throw new Error(`${logicalId} is not a Lambda function`);
  const variables = (fn.Properties.Environment as { Variables?: unknown } | undefined)?.Variables ?? {};
  return resolveTokens(variables, synth.json.Resources) as Record<string, string>;
}

type Handler = (input: unknown) => Promise<unknown>;

/**
 * A Lambda function as the state machine sees it: the event and the result cross a JSON boundary, and a
 * thrown error surfaces as Step Functions reports a function error — Error = the error's name
 * (Lambda's errorType), Cause = the JSON Lambda writes: `{"errorType", "errorMessage", "trace"}`.
 */
export function asLambda(handler: Handler): (input: unknown) => Promise<unknown> {
  return async (input) => {
    try {
      const output = await handler(JSON.parse(JSON.stringify(input)));
      return JSON.parse(JSON.stringify(output ?? null)) as unknown;
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      const failure = new Error(
        JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: [`${e.name}: ${e.message}`] }),
      );
      failure.name = e.name;
      throw failure;
    }
  };
}

export interface Execution {
  /** The execution's output when it succeeded. */
  output?: unknown;
  /** `{Error, Cause}` of the execution when it failed. */
  failure?: { Error: string; Cause: unknown };
  events: EventLog[];
  /** Names of the states entered, in order (Map iterations included). */
  path: string[];
}

export interface RunOptions {
  executionName: string;
  stateMachineName: string;
  taskHandlers: Record<string, (input: unknown) => Promise<unknown>>;
}

/** Runs one execution to its end and collects its event log. */
export async function runExecution(
  definition: StateMachineDefinition,
  input: unknown,
  options: RunOptions,
): Promise<Execution> {
  const machine = new StateMachine(definition, { validationOptions: { checkPaths: true, checkArn: true } });
  const states = allStates(definition);
  // A Task without a local handler would invoke real AWS: refuse to run.
  const unbound = states.filter((s) => s.state.Type === 'Task' && !(s.name in options.taskHandlers));
  if (unbound.length) throw new Error(`Task states without a local handler: ${unbound.map((s) => s.name)}`);
  const waits = Object.fromEntries(states.filter((s) => s.state.Type === 'Wait').map((s) => [s.name, 0]));
  const retrying = states.filter((s) => 'Retry' in s.state);
  const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${options.stateMachineName}`;
  const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${options.stateMachineName}:${options.executionName}`;
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: options.taskHandlers as never,
      waitTimeOverrides: waits,
      retryIntervalOverrides: Object.fromEntries(retrying.map((s) => [s.name, 0])),
    },
    context: {
      Execution: { Id: executionArn, Name: options.executionName },
      StateMachine: { Id: stateMachineArn, Name: options.stateMachineName },
    },
  });
  const events: EventLog[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event);
  })();
  let output: unknown;
  let failed = false;
  try {
    output = await execution.result;
  } catch {
    failed = true;
  }
  await collecting;
  const failedEvent = events.find((e) => e.type === 'ExecutionFailed');
  return {
    ...(failed ? {} : { output }),
    ...(failed && failedEvent && 'Error' in failedEvent
      ? { failure: { Error: failedEvent.Error, Cause: failedEvent.Cause } }
      : {}),
    events,
    path: events.flatMap((e) => (e.type === 'StateEntered' ? [e.state.name] : [])),
  };
}

/** Every state of a definition, those inside Map item processors included. */
export function allStates(
  definition: Pick<StateMachineDefinition, 'States'>,
): Array<{ name: string; state: StateMachineDefinition['States'][string] }> {
  return Object.entries(definition.States).flatMap(([name, state]) => {
    const inner = state.Type === 'Map' ? (state.ItemProcessor ?? state.Iterator) : undefined;
    return [{ name, state }, ...(inner ? allStates(inner) : [])];
  });
}
