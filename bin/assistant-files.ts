import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { WpkbConfig } from '../functions/core/shared/config/schema.js';
import { ConfigError } from '../functions/core/shared/errors.js';

/** The mall-directory action group's OpenAPI schema, relative to the repository root. */
export const MALL_DIRECTORY_SCHEMA_FILE = 'agent-schemas/mall-directory.openapi.yaml';

export interface AssistantFiles {
  /** `cloud.agent.instructionFile`: the agent's instruction, and the Converse engine's system prompt. */
  instruction: string;
  /** The mall-directory OpenAPI schema: the action group's schema, and the Converse engine's tools. */
  openApi: string;
}

/** Reads both files under `root` (the repository); a missing one is a ConfigError naming it. */
export function readAssistantFiles(root: string, config: WpkbConfig): AssistantFiles {
  const read = (relative: string, what: string) => {
    const file = path.resolve(root, relative);
    try {
      return readFileSync(file, 'utf8');
    } catch (cause) {
      throw new ConfigError(`${what}: cannot read ${file}`, { cause });
    }
  };
  return {
    instruction: read(config.cloud.agent.instructionFile, 'config key cloud.agent.instructionFile'),
    openApi: read(MALL_DIRECTORY_SCHEMA_FILE, 'action group mall-directory: its OpenAPI schema'),
  };
}
