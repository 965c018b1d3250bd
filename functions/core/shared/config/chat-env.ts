import { z } from 'zod';
import { bedrockIdSchema as bedrockId, envFlag as flag, timeZoneSchema } from '../validators.js';
import { envIssueError } from './env-issue.js';

/** `https://mall.example.cl`, `http://localhost:3000`: scheme, host, optional port, nothing else. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;

const chatEnvSchema = z.object({
  /** `TSTALIASID` is the draft's test alias. */
  AGENT_ID: bedrockId('agent'),
  AGENT_ALIAS_ID: bedrockId('agent alias'),
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
  STREAM_FINAL_RESPONSE: flag(true),
  LOG_USER_MESSAGES: flag(false),
  REQUIRE_API_KEY: flag(true),
  /** The agent's knowledge base: each turn passes it the freshness filter (past events hidden). */
  KNOWLEDGE_BASE_ID: bedrockId('knowledge base').optional(),
  SITE_TIME_ZONE: timeZoneSchema.default('America/Santiago'),
});

/** What the chat Lambda needs from its environment (validated once per container). */
export interface ChatSettings {
  agentId: string;
  agentAliasId: string;
  /** Browser origins allowed to call the endpoint (CORS); `*` allows any. Empty: none (server-to-server only). */
  allowedOrigins: string[];
  /** InvokeAgent is abandoned after this long (keep it under the API's integration timeout, 29 s by default). */
  agentTimeoutMs: number;
  /** Ask Bedrock to stream the final response (`streamingConfigurations.streamFinalResponse`). */
  streamFinalResponse: boolean;
  /** Log users' messages verbatim (off by default: only their length is logged). */
  logUserMessages: boolean;
  /** Refuse requests that did not pass API Gateway's API key check (no `requestContext.identity.apiKeyId`). */
  requireApiKey: boolean;
  /** When set, every turn filters this knowledge base's retrieval for freshness (see core/retrieval/freshness.ts). */
  knowledgeBaseId?: string;
  /** The site's time zone: when "today" turns for the freshness filter. */
  siteTimeZone: string;
}

/**
 * Validates the chat Lambda's environment. A bad or missing variable is one ConfigError naming it:
 * `environment AGENT_ALIAS_ID: must be an agent alias id (10 letters or digits)`.
 */
export function chatSettings(env: Record<string, string | undefined>): ChatSettings {
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = chatEnvSchema.safeParse(input);
  if (!parsed.success) throw envIssueError(parsed.error, input);
  const e = parsed.data;
  return {
    agentId: e.AGENT_ID,
    agentAliasId: e.AGENT_ALIAS_ID,
    allowedOrigins: e.ALLOWED_ORIGINS,
    agentTimeoutMs: e.AGENT_TIMEOUT_MS,
    streamFinalResponse: e.STREAM_FINAL_RESPONSE,
    logUserMessages: e.LOG_USER_MESSAGES,
    requireApiKey: e.REQUIRE_API_KEY,
    ...(e.KNOWLEDGE_BASE_ID ? { knowledgeBaseId: e.KNOWLEDGE_BASE_ID } : {}),
    siteTimeZone: e.SITE_TIME_ZONE,
  };
}
