import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { MALL_DIRECTORY_SCHEMA_FILE } from '../../bin/assistant-files.js';
import { buildAssistantDefinition } from '../../functions/core/assistant/build-definition.js';
import { KnowledgeBaseChatAssistant } from '../../stacks/chat-assistant.js';
import { ConversationTable } from '../../stacks/conversation-table.js';
import { bareStack, configFor, INSTRUCTION, nagFindings, only, REPO_ROOT } from './synth.js';

const definition = buildAssistantDefinition({
  instruction: INSTRUCTION,
  openApi: readFileSync(path.join(REPO_ROOT, MALL_DIRECTORY_SCHEMA_FILE), 'utf8'),
  knowledgeBaseDescription: 'Eventos, tiendas, restaurantes y preguntas frecuentes del mall.',
});

describe('ConversationTable', () => {
  it('is on demand, encrypted with the AWS managed key, keyed by session, with the TTL attribute the store writes', () => {
    const { stack } = bareStack();
    new ConversationTable(stack, 'Conversations', { pointInTimeRecovery: true });
    const table = only(Template.fromStack(stack), 'AWS::DynamoDB::Table');
    expect(table.Properties).toEqual({
      KeySchema: [{ AttributeName: 'sessionId', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'sessionId', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::Table'));
    expect(resource?.DeletionPolicy).toBe('Delete');
    expect(nagFindings(stack)).toEqual([]);
  });

  it('turns point-in-time recovery off per environment, with the cdk-nag finding acknowledged', () => {
    const { stack } = bareStack();
    new ConversationTable(stack, 'Conversations', { pointInTimeRecovery: false });
    const table = only(Template.fromStack(stack), 'AWS::DynamoDB::Table');
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: false });
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('the knowledge-base engine bundle (esbuild define)', () => {
  it('reaches the chat Lambda code intact: bundledAssistant() returns what the stack built', async () => {
    const { stack } = bareStack();
    const assistant = new KnowledgeBaseChatAssistant(stack, 'Assistant', {
      config: configFor('prod'),
      knowledgeBaseId: 'KB12345678',
      knowledgeBaseArn: 'arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB12345678',
      dataBucket: new s3.Bucket(stack, 'Data'),
      definition,
    });
    // The same define the chat function's bundling gets, on the module that reads it.
    const out = await build({
      entryPoints: [path.join(REPO_ROOT, 'functions/core/shared/config/assistant-bundle.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      write: false,
      define: assistant.define,
    });
    const code = out.outputFiles[0]?.text ?? '';
    const module = {
      exports: {} as {
        bundledAssistant?: () => { bundle: unknown; config: { contentTypes: { name: string }[] } };
      },
    };
    new Function('module', 'exports', 'require', code)(
      module,
      module.exports,
      createRequire(import.meta.url),
    );
    const loaded = module.exports.bundledAssistant?.();
    expect(loaded?.bundle).toEqual({ definition, directoryConfig: assistant.bundle.directoryConfig });
    expect(loaded?.config.contentTypes.map((t) => t.name)).toEqual(['event', 'stores', 'restaurant']);
    // Bigger than Lambda's whole environment could hold: why it is built into the code.
    expect(Buffer.byteLength(Object.values(assistant.define)[0] ?? '')).toBeGreaterThan(4096);
  });
});
