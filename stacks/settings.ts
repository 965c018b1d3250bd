import { createHash } from 'node:crypto';
import type { WpkbConfig } from '../functions/core/shared/config/schema.js';

/**
 * Names and values the stacks derive from configuration, in one pure place: every environment-dependent
 * default (`wpkb-<env>-…`, the Pinecone index, namespace and secret) is decided here.
 */
export interface CloudNames {
  env: string;
  /** `wpkb-<env>`: the stack name and the prefix of every named resource. */
  prefix: string;
  stackName: string;
  pineconeIndex: string;
  pineconeNamespace: string;
  /** Secrets Manager secret name or ARN, as configured. */
  pineconeSecret: string;
  /**
   * The site's shared secret (the plugin's WPKB_SECRET), name or ARN: visitor tokens and change
   * notifications use the same one. Default `wpkb/<env>/webhook`.
   */
  siteSecret: string;
  /**
   * The webhook's secret (instant updates): `cloud.instantUpdates.secret`, else the site's shared secret —
   * by default one secret per site signs the plugin's notifications and its visitor tokens.
   */
  webhookSecret: string;
}

export function cloudNames(config: WpkbConfig): CloudNames {
  const prefix = `wpkb-${config.env}`;
  const siteSecret = config.cloud.chat.visitorTokens.secret ?? `wpkb/${config.env}/webhook`;
  const pinecone = config.cloud.pinecone;
  return {
    env: config.env,
    prefix,
    stackName: prefix,
    pineconeIndex: pinecone.indexName ?? prefix.slice(0, 45),
    pineconeNamespace: pinecone.namespace ?? config.env,
    pineconeSecret: pinecone.apiKeySecret ?? `wpkb/${config.env}/pinecone`,
    siteSecret,
    webhookSecret: config.cloud.instantUpdates.secret ?? siteSecret,
  };
}

/** JSON with object keys sorted, so equal values always serialise to equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** A short, stable fingerprint of a value (hex SHA-256 prefix). */
export function fingerprint(value: unknown, length = 16): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, length);
}

/** Secrets Manager adds `-` and six characters to a secret's name in its complete ARN. */
const COMPLETE_SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/;

export const isCompleteSecretArn = (value: string): boolean => COMPLETE_SECRET_ARN.test(value);
export const isSecretArn = (value: string): boolean => value.startsWith('arn:');

/** Inference profiles carry a geography prefix before the model id (`us.anthropic.claude-…`). */
const INFERENCE_PROFILE = /^(us|eu|apac|global|us-gov|jp|au|ca)\.(.+)$/;

export type ModelReference =
  | { kind: 'foundation-model'; modelId: string }
  | { kind: 'inference-profile'; profileId: string; modelId: string }
  | { kind: 'arn'; arn: string };

/** How the agent's `foundationModel` setting should be read (for IAM). */
export function parseModelReference(value: string): ModelReference {
  if (value.startsWith('arn:')) return { kind: 'arn', arn: value };
  const profile = INFERENCE_PROFILE.exec(value);
  if (profile?.[2]) return { kind: 'inference-profile', profileId: value, modelId: profile[2] };
  return { kind: 'foundation-model', modelId: value };
}
