import { readFileSync } from 'node:fs';
import type { RetrieveCommandOutput } from '@aws-sdk/client-bedrock-agent-runtime';
import type { ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';

/** A Converse (or Retrieve) response from test/fixtures/chat/converse, as the SDK returns it. */
export function converseFixture(name: string): ConverseCommandOutput {
  const { response } = JSON.parse(
    readFileSync(new URL(`../../fixtures/chat/converse/${name}.json`, import.meta.url), 'utf8'),
  ) as { response: Omit<ConverseCommandOutput, '$metadata'> };
  return { $metadata: { httpStatusCode: 200, requestId: `req-${name}` }, ...response };
}

export function retrieveFixture(name: string): RetrieveCommandOutput {
  const { response } = JSON.parse(
    readFileSync(new URL(`../../fixtures/chat/converse/${name}.json`, import.meta.url), 'utf8'),
  ) as { response: Omit<RetrieveCommandOutput, '$metadata'> };
  return { $metadata: { httpStatusCode: 200 }, ...response };
}

/** The condition dynamodb-history.ts writes with; the fake refuses any other (a change must be looked at). */
const CONDITION = 'attribute_not_exists(#key) OR attribute_not_exists(#version) OR #version = :read';

/**
 * A DynamoDB table behind a mocked DocumentClient: GetItem and PutItem on one key, with the
 * conditional write dynamodb-history.ts uses evaluated as DynamoDB would (ConditionalCheckFailedException
 * when the item's version moved on). `beforePut` lets a test slip in a concurrent writer.
 */
export function fakeTable(mock: AwsClientStub<DynamoDBDocumentClient>, key = 'sessionId') {
  const items = new Map<string, Record<string, unknown>>();
  const hooks: { beforePut?: (input: PutCommandInput) => void } = {};
  mock.on(GetCommand).callsFake(async (input: GetCommandInput) => {
    const item = items.get(String(input.Key?.[key]));
    return { $metadata: {}, ...(item ? { Item: structuredClone(item) } : {}) };
  });
  mock.on(PutCommand).callsFake(async (input: PutCommandInput) => {
    hooks.beforePut?.(input);
    const item = input.Item ?? {};
    const existing = items.get(String(item[key]));
    if (input.ConditionExpression !== undefined) {
      if (input.ConditionExpression !== CONDITION)
        throw new Error(`fake table: unsupported condition ${input.ConditionExpression}`);
      const read = input.ExpressionAttributeValues?.[':read'];
      const ok = existing === undefined || existing.version === undefined || existing.version === read;
      if (!ok)
        throw new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: {},
        });
    }
    items.set(String(item[key]), structuredClone(item));
    return { $metadata: {} };
  });
  return { items, hooks };
}
