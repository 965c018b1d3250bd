import { type AssistantDefinition, assistantDefinitionSchema } from '../../assistant/definition.js';
import { ConfigError } from '../errors.js';

/**
 * The global esbuild replaces with the knowledge-base engine's definition — system prompt and tool
 * specifications, ~10 KB of JSON text — when it bundles the chat Lambda (stacks/chat-assistant.ts),
 * beside the configuration of `WPKB_BUNDLED_CONFIG` (lambda-env.ts): neither fits Lambda's 4 KB of
 * environment.
 */
export const ASSISTANT_DEFINITION_GLOBAL = 'WPKB_ASSISTANT_DEFINITION';
declare const WPKB_ASSISTANT_DEFINITION: string | undefined;

/** The definition compiled into this bundle; undefined outside one (tests, tsx). */
export function bundledDefinitionText(): string | undefined {
  return typeof WPKB_ASSISTANT_DEFINITION === 'string' ? WPKB_ASSISTANT_DEFINITION : undefined;
}

/**
 * The assistant definition built into the chat Lambda's code, validated. A function built without it,
 * or with one this code cannot read, is a ConfigError naming what is wrong.
 */
export function loadAssistantDefinition(
  text: string | undefined = bundledDefinitionText(),
): AssistantDefinition {
  if (text === undefined) {
    throw new ConfigError(
      `bundle ${ASSISTANT_DEFINITION_GLOBAL}: not built into this function (the knowledge-base engine needs its system prompt and tools); deploy it with cdk deploy`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`bundle ${ASSISTANT_DEFINITION_GLOBAL}: not valid JSON`, { cause });
  }
  const parsed = assistantDefinitionSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `bundle ${ASSISTANT_DEFINITION_GLOBAL}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}
