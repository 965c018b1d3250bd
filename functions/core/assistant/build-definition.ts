import { ConfigError } from '../shared/errors.js';
import type { AssistantDefinition } from './definition.js';
import { KNOWLEDGE_BASE_TOOL } from './knowledge-base-tool.js';
import { directoryToolSpecs } from './tool-specs.js';

/** Bedrock's bounds for an agent instruction; the Converse engine takes the same file, so the same rule. */
export const INSTRUCTION_MIN = 40;
export const INSTRUCTION_MAX = 4000;

/** The instruction trimmed; a ConfigError (`<what>: must be 40-4000 characters (got n)`) outside the bounds. */
export function checkedInstruction(text: string, what: string): string {
  const instruction = text.trim();
  if (instruction.length < INSTRUCTION_MIN || instruction.length > INSTRUCTION_MAX) {
    throw new ConfigError(
      `${what}: must be ${INSTRUCTION_MIN}-${INSTRUCTION_MAX} characters (got ${instruction.length})`,
    );
  }
  return instruction;
}

export interface DefinitionSources {
  /** The instruction file's text (`cloud.agent.instructionFile`). */
  instruction: string;
  /** The mall-directory OpenAPI schema's text (agent-schemas/mall-directory.openapi.yaml). */
  openApi: string;
  knowledgeBaseDescription: string;
}

/**
 * The Converse engine's system prompt and tools. The instruction is the agent's, word for word; it
 * speaks of "the mall-directory action group" and "the knowledge base", so a second block names the
 * tools that stand for them here, followed by the schema's own guidance on the operations (what the
 * agent reads in the schema's `info.description`).
 */
export function buildAssistantDefinition(sources: DefinitionSources): AssistantDefinition {
  const instruction = checkedInstruction(sources.instruction, 'assistant instruction');
  const { specs, guidance } = directoryToolSpecs(sources.openApi);
  const names = specs.map((s) => s.name).join(', ');
  const tools = [
    `In this conversation the mall-directory action group of your rules is the tools ${names}, and the knowledge base is the tool ${KNOWLEDGE_BASE_TOOL}.`,
    guidance ? `About the mall-directory tools: ${guidance}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    system: [instruction, tools],
    directoryTools: specs,
    knowledgeBaseDescription: sources.knowledgeBaseDescription,
  };
}
