import type { CreateIndexOptions, IndexModel } from '@pinecone-database/pinecone';
import { z } from 'zod';
import type { Clock } from '../shared/clock.js';
import { oneLine, WpkbError } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';

/**
 * The Pinecone index behind the knowledge base, as a CloudFormation custom resource (provider framework
 * `onEvent`). Create/Update: make sure a serverless index with the right dimension and metric exists and
 * is ready, and return its host (the knowledge base's `connectionString`). Delete: keep the index unless
 * the resource says `RemovalPolicy: delete` — vectors are data.
 */

/** Custom resource properties as CloudFormation delivers them: every scalar arrives as a string. */
export const indexPropsSchema = z.object({
  IndexName: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,43}[a-z0-9])?$/),
  Dimension: z.coerce.number().int().positive(),
  Metric: z.enum(['cosine', 'euclidean', 'dotproduct']).default('cosine'),
  Cloud: z.enum(['aws', 'gcp', 'azure']),
  Region: z.string().min(1),
  /** Secrets Manager secret name or ARN holding `{"apiKey": "…"}`. */
  SecretId: z.string().min(1),
  RemovalPolicy: z.enum(['retain', 'delete']).default('retain'),
});
export type IndexProps = z.infer<typeof indexPropsSchema>;

/** The subset of CloudFormation's custom resource event the provider framework hands to `onEvent`. */
export interface IndexResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  PhysicalResourceId?: string;
  ResourceProperties: Record<string, unknown>;
  OldResourceProperties?: Record<string, unknown>;
}

export interface IndexResourceResponse {
  PhysicalResourceId: string;
  Data?: IndexAttributes;
}

/** Attributes readable with `Fn::GetAtt` on the custom resource. */
export interface IndexAttributes {
  IndexName: string;
  /** Bare host, as Pinecone reports it. */
  Host: string;
  /** `https://<host>`: what Bedrock's `PineconeConfiguration.connectionString` takes. */
  ConnectionString: string;
  Dimension: string;
  Metric: string;
  /** Complete ARN of the API key secret (the config may name it by name or partial ARN). */
  SecretArn: string;
}

/** The control-plane calls this resource makes, as `Pinecone` (v8) declares them. */
export interface PineconeControlPlane {
  describeIndex(indexName: string): Promise<IndexModel>;
  createIndex(options: CreateIndexOptions): Promise<unknown>;
  deleteIndex(indexName: string): Promise<void>;
}

export interface ApiKey {
  apiKey: string;
  /** Complete ARN as Secrets Manager returns it. */
  secretArn: string;
}

export interface IndexResourceDeps {
  readApiKey(secretId: string): Promise<ApiKey>;
  connect(apiKey: string): PineconeControlPlane;
  clock: Clock;
  sleep(ms: number): Promise<void>;
  log: Log;
  /** Give up waiting for a new index to become ready after this long (keep below the Lambda timeout). */
  readyTimeoutMs?: number;
  pollIntervalMs?: number;
}

/** A failure CloudFormation shows to the person deploying: one line, naming the index and what to do. */
export class PineconeIndexError extends WpkbError {
  override readonly name = 'PineconeIndexError';
  constructor(
    message: string,
    readonly indexName: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function parseIndexProps(properties: Record<string, unknown> | undefined): IndexProps {
  const result = indexPropsSchema.safeParse(properties ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue?.path.map(String).join('.') || '(root)';
  throw new WpkbError(`Pinecone index resource: property ${key}: ${issue?.message ?? 'invalid'}`, {
    cause: result.error,
  });
}

const isNotFound = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'PineconeNotFoundError' || /\b404\b/.test(error.message));

async function describeOrUndefined(pc: PineconeControlPlane, name: string): Promise<IndexModel | undefined> {
  try {
    return await pc.describeIndex(name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new PineconeIndexError(`Pinecone index "${name}": describe failed: ${oneLine(error)}`, name, {
      cause: error,
    });
  }
}

/** Fails when an existing index cannot hold this knowledge base's vectors. */
export function checkCompatible(index: IndexModel, props: IndexProps, log: Log): void {
  const name = props.IndexName;
  if (index.vectorType && index.vectorType !== 'dense') {
    throw new PineconeIndexError(
      `Pinecone index "${name}" exists with vector type "${index.vectorType}"; the knowledge base needs a dense index. Use another pinecone.indexName or delete the index.`,
      name,
    );
  }
  if (index.dimension !== props.Dimension) {
    throw new PineconeIndexError(
      `Pinecone index "${name}" exists with dimension ${index.dimension ?? 'unknown'}, but the embedding model writes ${props.Dimension}. Set cloud.embedding.dimensions to ${index.dimension ?? 'its dimension'}, use another pinecone.indexName, or delete the index.`,
      name,
    );
  }
  if (index.metric !== props.Metric) {
    throw new PineconeIndexError(
      `Pinecone index "${name}" exists with metric "${index.metric}", but the knowledge base needs "${props.Metric}". Use another pinecone.indexName or delete the index.`,
      name,
    );
  }
  if (index.embed) {
    throw new PineconeIndexError(
      `Pinecone index "${name}" has integrated embedding (model ${index.embed.model}); Bedrock writes its own vectors. Use another pinecone.indexName.`,
      name,
    );
  }
  const serverless = 'serverless' in index.spec ? index.spec.serverless : undefined;
  if (serverless && (serverless.cloud !== props.Cloud || serverless.region !== props.Region)) {
    log.warn('existing Pinecone index lives elsewhere than configured; using it as it is', {
      index: name,
      actual: `${serverless.cloud}/${serverless.region}`,
      configured: `${props.Cloud}/${props.Region}`,
    });
  }
}

async function waitUntilReady(
  pc: PineconeControlPlane,
  props: IndexProps,
  deps: IndexResourceDeps,
): Promise<IndexModel> {
  const name = props.IndexName;
  const timeoutMs = deps.readyTimeoutMs ?? 8 * 60_000;
  const pollMs = deps.pollIntervalMs ?? 5_000;
  const deadline = deps.clock.now().getTime() + timeoutMs;
  for (;;) {
    const index = await describeOrUndefined(pc, name);
    if (index?.status.ready && index.host) return index;
    const state = index?.status.state ?? 'not visible yet';
    if (state === 'InitializationFailed' || state === 'Terminating') {
      throw new PineconeIndexError(
        `Pinecone index "${name}" is ${state}; check it in the Pinecone console.`,
        name,
      );
    }
    if (deps.clock.now().getTime() + pollMs > deadline) {
      throw new PineconeIndexError(
        `Pinecone index "${name}" was not ready after ${Math.round(timeoutMs / 1000)} s (state: ${state}); deploy again once it is Ready.`,
        name,
      );
    }
    deps.log.info('waiting for Pinecone index', { index: name, state });
    await deps.sleep(pollMs);
  }
}

/** Creates the index when missing, checks it when present, waits until it is ready. */
export async function ensureIndex(props: IndexProps, deps: IndexResourceDeps): Promise<IndexAttributes> {
  const { apiKey, secretArn } = await deps.readApiKey(props.SecretId);
  const pc = deps.connect(apiKey);
  const name = props.IndexName;
  const existing = await describeOrUndefined(pc, name);
  if (existing) {
    checkCompatible(existing, props, deps.log);
    deps.log.info('Pinecone index exists', { index: name, state: existing.status.state });
  } else {
    deps.log.info('creating Pinecone index', { index: name, dimension: props.Dimension, cloud: props.Cloud });
    try {
      await pc.createIndex({
        name,
        dimension: props.Dimension,
        metric: props.Metric,
        vectorType: 'dense',
        spec: { serverless: { cloud: props.Cloud, region: props.Region } },
        deletionProtection: props.RemovalPolicy === 'retain' ? 'enabled' : 'disabled',
        tags: { managedBy: 'wpkb' },
        // Another deploy may have created it between describe and create: check it below instead.
        suppressConflicts: true,
        waitUntilReady: false,
      });
    } catch (error) {
      throw new PineconeIndexError(`Pinecone index "${name}": create failed: ${oneLine(error)}`, name, {
        cause: error,
      });
    }
  }
  const ready = await waitUntilReady(pc, props, deps);
  if (!existing) checkCompatible(ready, props, deps.log);
  const host = ready.host.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  return {
    IndexName: name,
    Host: host,
    ConnectionString: `https://${host}`,
    Dimension: String(ready.dimension ?? props.Dimension),
    Metric: ready.metric,
    SecretArn: secretArn,
  };
}

/** Deletes the index only when asked to (`RemovalPolicy: delete`); a missing index is already deleted. */
export async function releaseIndex(props: IndexProps, deps: IndexResourceDeps): Promise<'kept' | 'deleted'> {
  const name = props.IndexName;
  if (props.RemovalPolicy !== 'delete') {
    deps.log.info('keeping Pinecone index (RemovalPolicy retain)', { index: name });
    return 'kept';
  }
  const { apiKey } = await deps.readApiKey(props.SecretId);
  const pc = deps.connect(apiKey);
  try {
    await pc.deleteIndex(name);
    deps.log.info('deleted Pinecone index', { index: name });
  } catch (error) {
    if (isNotFound(error)) return 'deleted';
    throw new PineconeIndexError(
      `Pinecone index "${name}": delete failed: ${oneLine(error)} (an index created with RemovalPolicy retain has deletion protection on: turn it off in Pinecone first)`,
      name,
      { cause: error },
    );
  }
  return 'deleted';
}

/** The provider framework's `onEvent`: the physical id is the index name. */
export async function onIndexEvent(
  event: IndexResourceEvent,
  deps: IndexResourceDeps,
): Promise<IndexResourceResponse> {
  const props = parseIndexProps(event.ResourceProperties);
  switch (event.RequestType) {
    case 'Create':
    case 'Update': {
      const data = await ensureIndex(props, deps);
      // A new name means a new physical id: CloudFormation then sends Delete for the old index,
      // which releaseIndex keeps or deletes according to the old properties.
      return { PhysicalResourceId: props.IndexName, Data: data };
    }
    case 'Delete': {
      // A failed Create reports another physical id: nothing of ours to release then.
      if (event.PhysicalResourceId === props.IndexName) await releaseIndex(props, deps);
      return { PhysicalResourceId: event.PhysicalResourceId ?? props.IndexName };
    }
    default:
      throw new WpkbError(`Pinecone index resource: unknown request type ${String(event.RequestType)}`);
  }
}
