import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { bedrockIdSchema as bedrockId, envFlag as flag, timeZoneSchema } from '../validators.js';
import { envIssueError } from './env-issue.js';

/** `https://mall.example.cl`, `http://localhost:3000`: scheme, host, optional port, nothing else. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;

const int = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

/** What every engine reads. */
const commonEnvSchema = z.object({
  ASSISTANT_ENGINE: z
    .enum(['agent', 'knowledge-base'], { error: 'must be "agent" or "knowledge-base"' })
    .default('agent'),
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((o) => o.trim().replace(/\/+$/, ''))
        .filter(Boolean),
    )
    .refine((origins) => origins.every((o) => o === '*' || ORIGIN.test(o)), {
      message: 'must be a comma-separated list of origins like https://mall.example.cl (or *)',
    }),
  AGENT_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number of milliseconds')
    .min(1000, 'must be at least 1000')
    .max(900_000, 'must be at most 900000')
    .default(25_000),
  LOG_USER_MESSAGES: flag(false),
  REQUIRE_API_KEY: flag(true),
  /** Secrets Manager secret (name or ARN) of the site's shared secret: set, the visitors' route is on. */
  VISITOR_TOKEN_SECRET: z
    .string()
    .regex(/^[\w/+=.@:-]{1,2048}$/, 'must be a Secrets Manager secret name or ARN')
    .optional(),
  /** The site visitor tokens are bound to (WordPress's home_url()). */
  VISITOR_TOKEN_SITE: z
    .url({ protocol: /^https?$/, error: 'must be the site URL (http or https)' })
    .optional(),
  /** The knowledge base: the agent's retrieval is filtered for freshness; the Converse engine searches it. */
  KNOWLEDGE_BASE_ID: bedrockId('knowledge base').optional(),
  SITE_TIME_ZONE: timeZoneSchema.default('America/Santiago'),
});

const agentEnvSchema = z.object({
  /** `TSTALIASID` is the draft's test alias. */
  AGENT_ID: bedrockId('agent'),
  AGENT_ALIAS_ID: bedrockId('agent alias'),
  STREAM_FINAL_RESPONSE: flag(true),
});

const knowledgeBaseEnvSchema = z.object({
  KNOWLEDGE_BASE_ID: bedrockId('knowledge base'),
  MODEL_ID: z
    .string()
    .regex(
      /^[a-z0-9.-]+\.[\w.:-]+$|^arn:aws[a-z-]*:bedrock:/,
      'must be a Bedrock model id, inference profile id or ARN',
    ),
  HISTORY_TABLE: z.string().regex(/^[\w.-]{3,255}$/, 'must be a DynamoDB table name'),
  DATA_BUCKET: z.string().min(3, 'must name the data bucket'),
  GUARDRAIL_ID: z
    .string()
    .regex(/^[a-z0-9]{1,64}$|^arn:aws[a-z-]*:bedrock:/, 'must be a guardrail id or ARN')
    .optional(),
  GUARDRAIL_VERSION: z
    .string()
    .regex(/^[1-9]\d{0,7}$/, 'must be a published guardrail version number')
    .optional(),
  HISTORY_TURNS: int(1, 50, 10),
  SESSION_TTL_SECONDS: int(60, 86_400, 600),
  MAX_TOOL_ROUNDS: int(1, 10, 4),
  RETRIEVAL_RESULTS: int(1, 25, 5),
  MAX_ANSWER_TOKENS: int(100, 8192, 1024),
  CATALOG_CHECK_SECONDS: int(0, 3600, 60),
  MAX_BODY_BYTES: int(2000, 100_000, 20_000),
});

/** The agent engine: one InvokeAgent per turn on the alias. */
export interface AgentEngineSettings {
  engine: 'agent';
  agentId: string;
  agentAliasId: string;
  /** Ask Bedrock to stream the final response (`streamingConfigurations.streamFinalResponse`). */
  streamFinalResponse: boolean;
}

/** The knowledge-base engine: Retrieve + Converse with tools, history in DynamoDB. */
export interface KnowledgeBaseEngineSettings {
  engine: 'knowledge-base';
  knowledgeBaseId: string;
  modelId: string;
  historyTable: string;
  /** Where `catalog/<type>.json` is read by the mall-directory tools. */
  dataBucket: string;
  /** A published guardrail version applied to every Converse call. */
  guardrail?: { id: string; version: string };
  historyTurns: number;
  sessionTtlSeconds: number;
  maxToolRounds: number;
  retrievalResults: number;
  maxAnswerTokens: number;
  catalogCheckSeconds: number;
  maxBodyBytes: number;
}

/** What the chat Lambda needs from its environment (validated once per container). */
export interface ChatSettings {
  /** Browser origins allowed to call the endpoint (CORS); `*` allows any. Empty: none (server-to-server only). */
  allowedOrigins: string[];
  /** A turn is abandoned after this long (keep it under the API's integration timeout, 29 s by default). */
  agentTimeoutMs: number;
  /** Log users' messages verbatim (off by default: only their length is logged). */
  logUserMessages: boolean;
  /** Refuse requests that did not pass API Gateway's API key check (no `requestContext.identity.apiKeyId`). */
  requireApiKey: boolean;
  /**
   * The visitors' route (`/visitor/chat`): visitor tokens signed with this secret, bound to this site, from
   * `allowedOrigins`. Absent: every request is an API-key request.
   */
  visitorTokens?: { secretId: string; site: string };
  /** When set, every turn filters this knowledge base's retrieval for freshness (see core/retrieval/freshness.ts). */
  knowledgeBaseId?: string;
  /** The site's time zone: when "today" turns for the freshness filter. */
  siteTimeZone: string;
  /** Which engine answers (`cloud.assistant.engine`) and what it needs. */
  assistant: AgentEngineSettings | KnowledgeBaseEngineSettings;
}

const parse = <T extends z.ZodType>(schema: T, input: Record<string, string>): z.infer<T> => {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw envIssueError(parsed.error, input);
  return parsed.data;
};

/**
 * Validates the chat Lambda's environment. A bad or missing variable is one ConfigError naming it:
 * `environment AGENT_ALIAS_ID: must be an agent alias id (10 letters or digits)`. ASSISTANT_ENGINE
 * (default `agent`) decides which engine's variables are required.
 */
export function chatSettings(env: Record<string, string | undefined>): ChatSettings {
  const input = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
  const e = parse(commonEnvSchema, input);
  if (e.VISITOR_TOKEN_SECRET && !e.VISITOR_TOKEN_SITE)
    throw new ConfigError('environment VISITOR_TOKEN_SITE: must be set with VISITOR_TOKEN_SECRET');
  if (e.VISITOR_TOKEN_SECRET && (e.ALLOWED_ORIGINS.length === 0 || e.ALLOWED_ORIGINS.includes('*')))
    throw new ConfigError(
      'environment ALLOWED_ORIGINS: must list the pages’ origins with VISITOR_TOKEN_SECRET (visitor tokens are accepted from them only)',
    );
  let assistant: ChatSettings['assistant'];
  if (e.ASSISTANT_ENGINE === 'agent') {
    const a = parse(agentEnvSchema, input);
    assistant = {
      engine: 'agent',
      agentId: a.AGENT_ID,
      agentAliasId: a.AGENT_ALIAS_ID,
      streamFinalResponse: a.STREAM_FINAL_RESPONSE,
    };
  } else {
    const k = parse(knowledgeBaseEnvSchema, input);
    if ((k.GUARDRAIL_ID === undefined) !== (k.GUARDRAIL_VERSION === undefined)) {
      const missing = k.GUARDRAIL_ID === undefined ? 'GUARDRAIL_ID' : 'GUARDRAIL_VERSION';
      throw new ConfigError(
        `environment ${missing}: is not set (GUARDRAIL_ID and GUARDRAIL_VERSION go together)`,
      );
    }
    assistant = {
      engine: 'knowledge-base',
      knowledgeBaseId: k.KNOWLEDGE_BASE_ID,
      modelId: k.MODEL_ID,
      historyTable: k.HISTORY_TABLE,
      dataBucket: k.DATA_BUCKET,
      ...(k.GUARDRAIL_ID && k.GUARDRAIL_VERSION
        ? { guardrail: { id: k.GUARDRAIL_ID, version: k.GUARDRAIL_VERSION } }
        : {}),
      historyTurns: k.HISTORY_TURNS,
      sessionTtlSeconds: k.SESSION_TTL_SECONDS,
      maxToolRounds: k.MAX_TOOL_ROUNDS,
      retrievalResults: k.RETRIEVAL_RESULTS,
      maxAnswerTokens: k.MAX_ANSWER_TOKENS,
      catalogCheckSeconds: k.CATALOG_CHECK_SECONDS,
      maxBodyBytes: k.MAX_BODY_BYTES,
    };
  }
  return {
    allowedOrigins: e.ALLOWED_ORIGINS,
    agentTimeoutMs: e.AGENT_TIMEOUT_MS,
    logUserMessages: e.LOG_USER_MESSAGES,
    requireApiKey: e.REQUIRE_API_KEY,
    ...(e.VISITOR_TOKEN_SECRET && e.VISITOR_TOKEN_SITE
      ? { visitorTokens: { secretId: e.VISITOR_TOKEN_SECRET, site: e.VISITOR_TOKEN_SITE } }
      : {}),
    ...(e.KNOWLEDGE_BASE_ID ? { knowledgeBaseId: e.KNOWLEDGE_BASE_ID } : {}),
    siteTimeZone: e.SITE_TIME_ZONE,
    assistant,
  };
}
