import { z } from 'zod';
import { assistantDefinitionSchema } from '../../assistant/definition.js';
import { ConfigError } from '../errors.js';
import { loadConfig, type WpkbConfig } from './load.js';

/**
 * Replaced at build time by esbuild's `define` with the bundle below (stacks/knowledge-base-engine.ts):
 * the system prompt and tool specifications are ~10 KB, more than Lambda's 4 KB of environment.
 */
declare const WPKB_ASSISTANT_BUNDLE: unknown;

/** The identifier esbuild replaces. */
export const ASSISTANT_BUNDLE_DEFINE = 'WPKB_ASSISTANT_BUNDLE';

export const assistantBundleSchema = z.object({
  definition: assistantDefinitionSchema,
  /** The configuration subset the directory operations read: env, site, contentTypes, fieldLabels. */
  directoryConfig: z.record(z.string(), z.unknown()),
});
export type AssistantBundle = z.infer<typeof assistantBundleSchema>;

/**
 * The assistant definition and directory configuration built into the chat Lambda's code, validated.
 * A function built without them (or with a broken one) is a ConfigError naming what is wrong.
 */
export function bundledAssistant(
  value: unknown = typeof WPKB_ASSISTANT_BUNDLE === 'undefined' ? undefined : WPKB_ASSISTANT_BUNDLE,
): { bundle: AssistantBundle; config: WpkbConfig } {
  if (value === undefined) {
    throw new ConfigError(
      `bundle ${ASSISTANT_BUNDLE_DEFINE}: not built into this function (the knowledge-base engine needs its system prompt and tools)`,
    );
  }
  const parsed = assistantBundleSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `bundle ${ASSISTANT_BUNDLE_DEFINE}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return { bundle: parsed.data, config: loadConfig({ overrides: parsed.data.directoryConfig }) };
}
