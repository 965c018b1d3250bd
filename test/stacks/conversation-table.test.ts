import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { MALL_DIRECTORY_SCHEMA_FILE } from '../../bin/assistant-files.js';
import { buildAssistantDefinition } from '../../functions/core/assistant/build-definition.js';
import { KnowledgeBaseChatAssistant } from '../../stacks/chat-assistant.js';
import { ConversationTable } from '../../stacks/conversation-table.js';
import { WpkbFunction } from '../../stacks/wpkb-function.js';
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
  it('reaches the chat Lambda code intact: the definition and the directory configuration the stack built', async () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Test');
    const assistant = new KnowledgeBaseChatAssistant(stack, 'Assistant', {
      config: configFor('prod'),
      knowledgeBaseId: 'KB12345678',
      knowledgeBaseArn: 'arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB12345678',
      dataBucket: new s3.Bucket(stack, 'Data'),
      definition,
    });
    const fn = new WpkbFunction(stack, 'Chat', {
      entry: 'handlers/chat.ts',
      description: 'chat',
      memorySize: 256,
      timeout: Duration.seconds(29),
      environment: assistant.environment,
      statements: assistant.statements,
      logRetentionDays: 30,
      define: assistant.define,
      bundledConfig: assistant.bundledConfig,
    });
    // The function's own define, on a module reading both globals the way the chat handler does.
    const out = await build({
      stdin: {
        contents: `
          import { loadAssistantDefinition } from './functions/core/shared/config/assistant-definition.ts';
          import { bundledConfigText, loadBundledConfig } from './functions/core/shared/config/lambda-env.ts';
          export const definition = loadAssistantDefinition();
          export const config = loadBundledConfig(bundledConfigText());`,
        resolveDir: REPO_ROOT,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      write: false,
      define: fn.define,
    });
    const code = out.outputFiles[0]?.text ?? '';
    const module = { exports: {} as { definition?: unknown; config?: { contentTypes: { name: string }[] } } };
    new Function('module', 'exports', 'require', code)(
      module,
      module.exports,
      createRequire(import.meta.url),
    );
    expect(module.exports.definition).toEqual(definition);
    expect(module.exports.config?.contentTypes.map((t) => t.name)).toEqual(['event', 'stores', 'restaurant']);
    // More than Lambda's whole environment could hold: why it is built into the code.
    expect(Buffer.byteLength(Object.values(assistant.define)[0] ?? '')).toBeGreaterThan(4096);
  });
});
