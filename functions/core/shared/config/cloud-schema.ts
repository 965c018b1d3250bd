import { z } from 'zod';
import { strictObject } from '../../shared/config/strict.js';
import { assistantSchema } from './assistant-schema.js';

/**
 * Cloud-only configuration (CDK stacks): data bucket, Pinecone, embeddings, knowledge base, agent,
 * guardrail, schedule, alarms. Everything has a default: `cdk synth` works with the defaults alone.
 * Names that depend on the environment (`wpkb-<env>-…`, the Pinecone index and namespace) are derived
 * in stacks/settings.ts when not given here.
 */

const positiveDays = z.number().int().min(1).max(3650);

/** A Secrets Manager secret name (`wpkb/prod/pinecone`) or ARN; never the secret's value. */
const secretId = z
  .string()
  .regex(
    /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+|[\w/+=.@-]{1,512})$/,
    'must be a Secrets Manager secret name or ARN',
  );

/** A customer-managed KMS key (of a secret). */
const kmsKeyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/, 'must be a KMS key ARN');

export const dataBucketSchema = strictObject({
  /** `raw/` audit copies expire after this many days. */
  rawExpirationDays: positiveDays.default(30),
  /** Overwritten or deleted object versions are kept this long (the bucket is versioned). */
  noncurrentVersionExpirationDays: positiveDays.default(30),
  /** Server access logs go to a separate log bucket, kept this many days. */
  accessLogExpirationDays: positiveDays.default(90),
});

export const pineconeSchema = strictObject({
  /** Existing Secrets Manager secret holding `{"apiKey": "…"}`: its name or ARN (default `wpkb/<env>/pinecone`). */
  apiKeySecret: secretId.optional(),
  /** Customer-managed KMS key of that secret, if it is not encrypted with the default `aws/secretsmanager` key. */
  apiKeySecretKmsKeyArn: kmsKeyArn.optional(),
  /** Serverless index name (default `wpkb-<env>`): 1–45 lowercase letters, digits or `-`. */
  indexName: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,43}[a-z0-9])?$/, 'must be 1-45 lowercase letters, digits or "-"')
    .optional(),
  /** Namespace of this environment's vectors (default: the environment name). */
  namespace: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"')
    .optional(),
  /** Where a missing serverless index is created (the Starter plan offers aws / us-east-1). */
  cloud: z.enum(['aws', 'gcp', 'azure']).default('aws'),
  region: z.string().min(1).default('us-east-1'),
  /** Pinecone metadata keys Bedrock writes the chunk text and the chunk metadata to. */
  textField: z.string().min(1).default('text'),
  metadataField: z.string().min(1).default('metadata'),
  /**
   * What happens to the index when the stack (or the index resource) is deleted. `retain` (default)
   * keeps it — vectors are data, rebuilding them costs embeddings — and creates it with Pinecone's
   * deletion protection on. `delete` removes it (throw-away environments).
   */
  removalPolicy: z.enum(['retain', 'delete']).default('retain'),
});

export const embeddingSchema = strictObject({
  /** Titan Text Embeddings V2 output size; the Pinecone index dimension follows it. */
  dimensions: z.union([z.literal(1024), z.literal(512), z.literal(256)]).default(1024),
});

export const chunkingSchema = z.discriminatedUnion('strategy', [
  strictObject({
    strategy: z.literal('FIXED_SIZE'),
    maxTokens: z.number().int().min(1).max(8192).default(300),
    overlapPercentage: z.number().int().min(1).max(99).default(20),
  }),
  strictObject({ strategy: z.literal('NONE') }),
  strictObject({
    strategy: z.literal('HIERARCHICAL'),
    parentMaxTokens: z.number().int().min(1).max(8192).default(1500),
    childMaxTokens: z.number().int().min(1).max(8192).default(300),
    overlapTokens: z.number().int().min(1).default(60),
  }),
  strictObject({
    strategy: z.literal('SEMANTIC'),
    maxTokens: z.number().int().min(1).default(300),
    bufferSize: z.number().int().min(0).max(1).default(0),
    breakpointPercentileThreshold: z.number().int().min(50).max(99).default(95),
  }),
]);

export const knowledgeBaseSchema = strictObject({
  description: z
    .string()
    .min(1)
    .max(200)
    .default(
      'Contenido del sitio WordPress del mall (eventos, tiendas, restaurantes) y preguntas frecuentes',
    ),
  /** Default: Bedrock's own default, 300 tokens with 20 % overlap (see docs/deploy.md). */
  chunking: chunkingSchema.default({ strategy: 'FIXED_SIZE', maxTokens: 300, overlapPercentage: 20 }),
  /**
   * What Bedrock does with a data source's vectors when the data source is deleted or replaced.
   * `RETAIN` (default; the reference prod) keeps them: a vector deletion that fails leaves a data source
   * in DELETE_UNSUCCESSFUL and can wedge a deploy. Retained vectors stay in the namespace until removed
   * (docs/operations.md, "Replacing the knowledge base or data source"). `DELETE` removes them with the
   * data source: no orphans, for throw-away environments (the reference dev).
   */
  dataDeletionPolicy: z.enum(['DELETE', 'RETAIN']).default('RETAIN'),
});

export const agentSchema = strictObject({
  /**
   * Model id or inference profile id. Default: Claude Haiku 4.5 through the US cross-region inference
   * profile (use the `eu.` / `apac.` / `global.` profile outside US regions).
   */
  foundationModel: z
    .string()
    .regex(
      /^[a-z0-9.-]+\.[\w.:-]+$|^arn:aws[a-z-]*:bedrock:/,
      'must be a Bedrock model id or inference profile id',
    )
    .default('us.anthropic.claude-haiku-4-5-20251001-v1:0'),
  /** Conversation memory: a session forgets after this many idle seconds (60–5400). */
  idleSessionTtlSeconds: z.number().int().min(60).max(5400).default(600),
  /** File with the agent's instruction, relative to the repository root (40–4000 characters). */
  instructionFile: z.string().min(1).default('agent-schemas/instruction.es.md'),
  description: z
    .string()
    .min(1)
    .max(200)
    .default('Asistente virtual del mall: eventos, tiendas, restaurantes y servicios'),
  /** Tells the agent when to consult the knowledge base. */
  knowledgeBaseDescription: z
    .string()
    .min(1)
    .max(200)
    .default(
      'Eventos, tiendas, restaurantes, horarios, ubicaciones y preguntas frecuentes del mall. Consúltala para toda pregunta sobre el mall.',
    ),
  /** The one alias users talk to; it moves to a new agent version on every definition change. */
  aliasName: z
    .string()
    .regex(/^([0-9a-zA-Z][_-]?){1,100}$/, 'must be letters, digits, "_" or "-"')
    .default('live'),
});

export const deniedTopicSchema = strictObject({
  name: z.string().regex(/^[0-9a-zA-Z-_ !?.]{1,100}$/, 'must be 1-100 letters, digits, spaces or -_!?.'),
  definition: z.string().min(1).max(200),
  examples: z.array(z.string().min(1).max(100)).max(5).default([]),
});

export const guardrailSchema = strictObject({
  /** Off by default (guardrails are billed per text unit); the reference prod environment turns it on. */
  enabled: z.boolean().default(false),
  /** Prompt-attack (jailbreak / injection) filter strength on user input. */
  promptAttackStrength: z.enum(['LOW', 'MEDIUM', 'HIGH']).default('HIGH'),
  deniedTopics: z.array(deniedTopicSchema).max(30).default([]),
  blockedInputMessage: z
    .string()
    .min(1)
    .max(500)
    .default(
      'Lo siento, no puedo ayudarte con eso. Puedo responder preguntas sobre el mall, sus tiendas, restaurantes y eventos.',
    ),
  blockedOutputMessage: z
    .string()
    .min(1)
    .max(500)
    .default(
      'Lo siento, no puedo responder eso. Para más ayuda, acércate al Mesón de Informaciones del mall.',
    ),
});

/** Retention periods CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const logRetentionDays = z
  .number()
  .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
    message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
  });

/** An EventBridge schedule expression: `cron(<6 fields>)` or `rate(<n> <unit>)`. */
const scheduleExpression = z
  .string()
  .regex(
    /^(cron\(\S+( \S+){5}\)|rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\))$/,
    'must be an EventBridge schedule: cron(min hour day-of-month month day-of-week year) or rate(n unit)',
  );

/** The Step Functions pipeline (stacks/pipeline.ts): limits, polling, logs. */
export const pipelineSchema = strictObject({
  /** The whole execution stops (TimedOut, alarmed) after this many minutes. */
  timeoutMinutes: z.number().int().min(5).max(1440).default(60),
  /**
   * Content types extracted at the same time (the Map state's MaxConcurrency). Each extract Lambda has
   * its own WordPress client bounded by `wordpress.concurrency`, so the site sees at most
   * `wordpress.concurrency × maxConcurrentExtracts` requests in flight.
   */
  maxConcurrentExtracts: z.number().int().min(1).max(20).default(2),
  /** Seconds between ingestion job status polls, and before retrying while another job runs. */
  ingestionPollSeconds: z.number().int().min(5).max(600).default(30),
  /** Seconds between agent status polls after PrepareAgent. */
  agentPollSeconds: z.number().int().min(2).max(300).default(10),
  /** Lambda timeouts: one content type's extraction, and the transform of all of them. */
  extractTimeoutSeconds: z.number().int().min(30).max(900).default(600),
  transformTimeoutSeconds: z.number().int().min(30).max(900).default(600),
  /** Retention of the Lambda and state machine log groups. */
  logRetentionDays: logRetentionDays.default(30),
  /**
   * true (default): a Pinecone index that does not look synced (no records in the namespace, wrong
   * dimension) fails the run. false: recorded in the run report and logged only.
   */
  strictVerify: z.boolean().default(true),
});

export const alarmsSchema = strictObject({
  /**
   * Alarm when no execution succeeded in this many hours (the nightly run plus slack). `null` turns the
   * alarm off; it is also off while `scheduleEnabled` is false. A weekday-only schedule needs ~74.
   */
  noSuccessHours: z.number().int().min(1).max(168).nullable().default(26),
});

/** The agent's "mall directory" action group Lambda (stacks/action-groups.ts). */
export const actionsSchema = strictObject({
  /** A loaded catalog is trusted this long before the bucket is listed again for a newer one. */
  catalogCheckSeconds: z.number().int().min(0).max(3600).default(60),
  /** Response bodies are cut to stay under this size (Bedrock caps action responses near 25 KB). */
  maxBodyBytes: z.number().int().min(2000).max(24_000).default(20_000),
  /** Retention of the function's log group. */
  logRetentionDays: logRetentionDays.default(30),
});

/** A browser origin (`https://mall.example.cl`, `http://localhost:3000`: no path), or `*` for any. */
const browserOrigin = z
  .string()
  .regex(
    /^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/,
    'must be an origin like https://mall.example.cl (scheme, host, optional port, no path) or *',
  );

const throttleSchema = strictObject({
  /** Steady requests per second. */
  rateLimit: z.number().positive().max(10_000),
  /** Requests allowed at once above the steady rate. */
  burstLimit: z.number().int().min(1).max(5000),
});

/** AWS WAF on a REST API stage (stacks/api-waf.ts): a rate limit per client IP, IP reputation, body size. */
const wafSchema = (ipRateLimit: number) =>
  strictObject({
    enabled: z.boolean().default(false),
    /** Requests per client IP in any 5 minutes. */
    ipRateLimit: z.number().int().min(10).max(2_000_000_000).default(ipRateLimit),
  }).default({ enabled: false, ipRateLimit });

/**
 * Visitor tokens on the chat endpoint (docs/threat-model.md): the widget's own route, `POST /visitor/chat`,
 * takes a short-lived token the WordPress plugin signs with the site's shared secret instead of an API key.
 * `POST /chat` keeps the API key for server-to-server clients.
 */
export const visitorTokensSchema = strictObject({
  /** Off by default: it needs the plugin and the shared secret in Secrets Manager. */
  enabled: z.boolean().default(false),
  /**
   * Existing Secrets Manager secret holding the site's shared secret (the plugin's WPKB_SECRET, which also
   * signs its change notifications), as the plain string or `{"secret": "…"}`, at least 16 characters: its
   * name or ARN. Default `wpkb/<env>/webhook`, the instant updates' secret: one secret per site.
   */
  secret: secretId.optional(),
  /** Customer-managed KMS key of that secret, if it is not encrypted with the default key. */
  secretKmsKeyArn: kmsKeyArn.optional(),
  /** The site tokens are bound to: WordPress's `home_url()`. Default: `site.url`. */
  site: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /**
   * The visitors' route's throttle, every visitor together (no API key, so no usage plan and no daily
   * quota that one address could use up for everyone). Per address, the WAF rate rule applies.
   */
  throttle: throttleSchema.default({ rateLimit: 5, burstLimit: 10 }),
  /**
   * Alarm (to the alert topic) when the visitors' route gets this many requests in an hour: the throttle
   * caps spend per second, this tells a person within the hour. `null`: no alarm.
   */
  alarmRequestsPerHour: z.number().int().min(1).nullable().default(1000),
});

/** The chat endpoint (stacks/chat-api.ts): API Gateway REST API `POST /chat` → chat Lambda → agent alias. */
export const chatSchema = strictObject({
  /** false: no API, no chat Lambda (the agent is still reachable with `wpkb chat` and IAM credentials). */
  enabled: z.boolean().default(true),
  /**
   * Browser origins allowed to call the endpoint (CORS, checked by API Gateway's preflight and by the
   * Lambda). Default none: only server-side callers (no Origin header), e.g. the website's backend.
   * `["*"]` lets any site call it with the key.
   */
  allowedOrigins: z
    .array(browserOrigin)
    .max(20)
    .refine((origins) => !origins.includes('*') || origins.length === 1, {
      message: 'must be ["*"] alone or a list of origins',
    })
    .default([]),
  /** The API's stage: the URL is `https://<api-id>.execute-api.<region>.amazonaws.com/<stageName>/chat`. */
  stageName: z
    .string()
    .regex(/^\w{1,64}$/, 'must be 1-64 letters, digits or "_"')
    .default('v1'),
  /** Usage plan throttling per API key (API Gateway answers 429 above it). */
  throttle: throttleSchema.default({ rateLimit: 5, burstLimit: 10 }),
  /** Usage plan quota per API key. */
  quota: z
    .object({
      limit: z.number().int().min(1),
      period: z.enum(['DAY', 'WEEK', 'MONTH']),
    })
    .default({ limit: 10_000, period: 'DAY' }),
  /** Stage-wide ceiling, every key together. */
  stageThrottle: throttleSchema.default({ rateLimit: 20, burstLimit: 40 }),
  /**
   * Reserved concurrency of the chat Lambda: at most this many chat turns run at once (the rest are
   * throttled and answered with an error), which bounds Bedrock cost and keeps a flood from taking the
   * account's whole Lambda concurrency. Default `null`: not reserved, because Lambda refuses a reservation
   * that leaves the account fewer than 100 unreserved executions, and new accounts start with a quota
   * of 10 — the deploy would fail there. The usage plan and stage throttles bound the load either way.
   * The reference prod reserves 25 (5 requests/s per key × ~5 s per turn).
   */
  reservedConcurrency: z.number().int().min(1).max(1000).nullable().default(null),
  /** Log users' messages verbatim in the chat Lambda's logs (off: only their length). */
  logUserMessages: z.boolean().default(false),
  /** Retention of the chat Lambda's logs and the API's access logs. */
  logRetentionDays: logRetentionDays.default(30),
  /**
   * Set API Gateway's account-level CloudWatch Logs role (AWS::ApiGateway::Account, one per account and
   * region) so the stage can write its logs. false when the account already has one (`aws apigateway
   * get-account` shows a cloudwatchRoleArn), e.g. set by another environment's stack.
   */
  cloudWatchRole: z.boolean().default(true),
  /**
   * AWS WAF on the stage: a rate limit per client IP (default 500 in 5 minutes: many visitors can share a
   * mall Wi-Fi's address), AWS's IP reputation list, a body size limit.
   */
  waf: wafSchema(500),
  visitorTokens: visitorTokensSchema.default(visitorTokensSchema.parse({})),
}).superRefine((chat, ctx) => {
  if (!chat.visitorTokens.enabled) return;
  // A route anyone can get a token for needs a limit per address, and named pages to be called from.
  if (!chat.waf.enabled)
    ctx.addIssue({
      code: 'custom',
      path: ['waf', 'enabled'],
      message: 'must be true when visitorTokens.enabled is (the per-IP rate rule bounds the visitors’ route)',
    });
  if (chat.allowedOrigins.length === 0 || chat.allowedOrigins.includes('*'))
    ctx.addIssue({
      code: 'custom',
      path: ['allowedOrigins'],
      message: 'must list the origins of the pages that show the widget when visitorTokens.enabled is true',
    });
});

/**
 * Instant updates (docs/instant-updates.md): the WordPress plugin's signed notifications → API Gateway
 * `POST /webhook` → receiver Lambda → SQS FIFO → worker Lambda (re-reads the item, writes S3, ingests it
 * directly). Off by default: it needs the plugin and a shared secret in Secrets Manager.
 */
export const instantUpdatesSchema = strictObject({
  enabled: z.boolean().default(false),
  /**
   * Existing Secrets Manager secret holding the webhook's shared secret (the plugin's WPKB_SECRET), as
   * the plain string or `{"secret": "…"}`, at least 16 characters: its name or ARN. Default: the site's
   * shared secret (`chat.visitorTokens.secret`, default `wpkb/<env>/webhook`) — one secret per site.
   */
  secret: secretId.optional(),
  /**
   * Customer-managed KMS key of that secret, if it is not encrypted with the default key (default: the
   * visitor tokens' one when the secret is the site's shared secret).
   */
  secretKmsKeyArn: kmsKeyArn.optional(),
  /** The API's stage: `https://<api-id>.execute-api.<region>.amazonaws.com/<stageName>/webhook`. */
  stageName: z
    .string()
    .regex(/^\w{1,64}$/, 'must be 1-64 letters, digits or "_"')
    .default('v1'),
  /** Stage-wide throttle (there is no API key: the signature is the authentication). */
  throttle: throttleSchema.default({ rateLimit: 10, burstLimit: 50 }),
  /** The site's server posts every notification: one IP, bursts during imports. */
  waf: wafSchema(3000),
  /** Worker invocations at once (the SQS event source's maximum concurrency, 2–20): WordPress's load. */
  workerConcurrency: z.number().int().min(2).max(20).default(2),
  /** Hints one worker invocation takes (1–10, FIFO): hints that arrive together are batched. */
  batchSize: z.number().int().min(1).max(10).default(10),
  /** Seconds the worker waits for the knowledge base to report the documents INDEXED (or FAILED). */
  indexWaitSeconds: z.number().int().min(0).max(600).default(60),
  /** A hint that finds an ingestion job running or the data lock held comes back after this many seconds. */
  busyDelaySeconds: z.number().int().min(10).max(900).default(120),
  /**
   * Deliveries of one hint before it goes to the dead-letter queue (alarmed). Busy deliveries count too:
   * with the default 30 × 2 minutes a hint outlasts an hour-long nightly run.
   */
  maxReceiveCount: z.number().int().min(2).max(100).default(30),
  /** Retention of the Lambdas' and the API's logs. */
  logRetentionDays: logRetentionDays.default(30),
});

export const cloudSchema = strictObject({
  /** Nightly schedule of the pipeline (EventBridge cron, UTC). */
  schedule: scheduleExpression.default('cron(0 3 * * ? *)'),
  scheduleEnabled: z.boolean().default(true),
  /**
   * Source maps in every Lambda bundle and `--enable-source-maps`: stack traces in the logs point at the
   * TypeScript source. They make bundles larger and cold starts slower; the reference prod turns them off.
   */
  sourceMaps: z.boolean().default(true),
  pipeline: pipelineSchema.default(pipelineSchema.parse({})),
  alarms: alarmsSchema.default(alarmsSchema.parse({})),
  /** Optional e-mail subscribed to the alert topic (the address must confirm the subscription). */
  alarmEmail: z.email().optional(),
  dataBucket: dataBucketSchema.default(dataBucketSchema.parse({})),
  /**
   * Existing Secrets Manager secret (name or ARN) with the application password of `wordpress.username`:
   * the plain password, or `{"password": "…"}`. Only for sites that need authentication to read.
   */
  wordpressPasswordSecret: secretId.optional(),
  pinecone: pineconeSchema.default(pineconeSchema.parse({})),
  embedding: embeddingSchema.default(embeddingSchema.parse({})),
  knowledgeBase: knowledgeBaseSchema.default(knowledgeBaseSchema.parse({})),
  agent: agentSchema.default(agentSchema.parse({})),
  assistant: assistantSchema.default(assistantSchema.parse({})),
  guardrail: guardrailSchema.default(guardrailSchema.parse({})),
  actions: actionsSchema.default(actionsSchema.parse({})),
  chat: chatSchema.default(chatSchema.parse({})),
  instantUpdates: instantUpdatesSchema.default(instantUpdatesSchema.parse({})),
});

export type PipelineCloudConfig = z.infer<typeof pipelineSchema>;
export type ChunkingConfig = z.infer<typeof chunkingSchema>;
export type DeniedTopicConfig = z.infer<typeof deniedTopicSchema>;
export type ActionsCloudConfig = z.infer<typeof actionsSchema>;
export type ChatCloudConfig = z.infer<typeof chatSchema>;
export type InstantUpdatesCloudConfig = z.infer<typeof instantUpdatesSchema>;
