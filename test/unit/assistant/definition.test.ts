import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { MALL_DIRECTORY_SCHEMA_FILE } from '../../../bin/assistant-files.js';
import { OPERATIONS } from '../../../functions/core/actions/operations.js';
import { buildAssistantDefinition } from '../../../functions/core/assistant/build-definition.js';
import { paramsFromToolInput } from '../../../functions/core/assistant/directory-tools.js';
import { directoryToolSpecs } from '../../../functions/core/assistant/tool-specs.js';
import { toolSpecSchema } from '../../../functions/core/assistant/tools.js';
import { loadAssistantDefinition } from '../../../functions/core/shared/config/assistant-definition.js';
import { ConfigError } from '../../../functions/core/shared/errors.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const OPEN_API = readFileSync(path.join(ROOT, MALL_DIRECTORY_SCHEMA_FILE), 'utf8');
const INSTRUCTION = readFileSync(path.join(ROOT, 'agent-schemas/instruction.es.md'), 'utf8');

type Doc = {
  info: { description: string };
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        description: string;
        parameters?: { name: string; in?: string; description: string; schema: { type: string } }[];
      }
    >
  >;
};
const doc = () => parse(OPEN_API) as Doc;

describe('Converse tool specs from the mall-directory OpenAPI schema', () => {
  const { specs, guidance } = directoryToolSpecs(OPEN_API);

  it('has one valid tool per served operation, named by operationId', () => {
    expect(specs.map((s) => s.name).sort()).toEqual(OPERATIONS.map((o) => o.operationId).sort());
    for (const spec of specs) expect(toolSpecSchema.safeParse(spec).success, spec.name).toBe(true);
  });

  it("carries each parameter's type and description from the schema, path parameters required", () => {
    for (const item of Object.values(doc().paths)) {
      for (const op of Object.values(item)) {
        const spec = specs.find((s) => s.name === op.operationId);
        expect(spec?.description).toContain(op.description.trim().slice(0, 60));
        const properties = spec?.inputSchema.json.properties as Record<
          string,
          { type: string; description: string }
        >;
        expect(Object.keys(properties).sort()).toEqual((op.parameters ?? []).map((p) => p.name).sort());
        for (const p of op.parameters ?? []) {
          expect(properties[p.name]).toEqual({ type: p.schema.type, description: p.description });
        }
      }
    }
    expect(specs.find((s) => s.name === 'getItem')?.inputSchema.json.required).toEqual(['sourceId']);
    expect(specs.find((s) => s.name === 'listEvents')?.inputSchema.json.required).toEqual([]);
    expect(guidance).toBe(doc().info.description.trim());
  });

  it('refuses a schema operation the table does not serve, or serves with other parameters', () => {
    const unserved = doc();
    const events = unserved.paths['/events']?.get;
    if (events) events.operationId = 'listShows';
    expect(() => directoryToolSpecs(stringify(unserved))).toThrow(
      /operation listShows \(GET \/events\) is not served/,
    );
    const extra = doc();
    const directory = extra.paths['/directory']?.get;
    if (directory)
      directory.parameters = [
        { name: 'lang', in: 'query', description: 'language', schema: { type: 'string' } },
      ];
    expect(() => directoryToolSpecs(stringify(extra))).toThrow(
      /operation describeDirectory .* is not served/,
    );
    expect(() => directoryToolSpecs('not: [valid')).toThrow(ConfigError);
  });
});

describe('the assistant definition', () => {
  const definition = buildAssistantDefinition({
    instruction: INSTRUCTION,
    openApi: OPEN_API,
    knowledgeBaseDescription: 'Eventos, tiendas y preguntas frecuentes del mall.',
  });

  it('uses the instruction file word for word, then maps its sources onto the tools', () => {
    expect(definition.system[0]).toBe(INSTRUCTION.trim());
    expect(definition.system[1]).toContain(
      'the mall-directory action group of your rules is the tools listEvents, findPlaces, listOpenPlaces, getItem, describeDirectory, and the knowledge base is the tool search_knowledge_base',
    );
    expect(definition.system[1]).toContain(doc().info.description.trim());
  });

  it('refuses an instruction Bedrock would refuse the agent', () => {
    expect(() =>
      buildAssistantDefinition({ instruction: 'corta', openApi: OPEN_API, knowledgeBaseDescription: 'x' }),
    ).toThrow('assistant instruction: must be 40-4000 characters (got 5)');
  });

  it('travels in the chat bundle as JSON text and comes back validated', () => {
    expect(loadAssistantDefinition(JSON.stringify(definition))).toEqual(definition);
    expect(() => loadAssistantDefinition()).toThrow(
      /bundle WPKB_ASSISTANT_DEFINITION: not built into this function/,
    );
    expect(() => loadAssistantDefinition('{')).toThrow('bundle WPKB_ASSISTANT_DEFINITION: not valid JSON');
    expect(() => loadAssistantDefinition(JSON.stringify({ ...definition, system: [] }))).toThrow(
      /bundle WPKB_ASSISTANT_DEFINITION: system/,
    );
  });
});

describe('tool input as operation parameters', () => {
  it('writes every value as the action group event would carry it', () => {
    expect(
      Object.fromEntries(
        paramsFromToolInput({ name: 'chucao', limit: 3, holiday: true, at: null, level: ['2'] }),
      ),
    ).toEqual({ name: 'chucao', limit: '3', holiday: 'true', level: '["2"]' });
  });
});
