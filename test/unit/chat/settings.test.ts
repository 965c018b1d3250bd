import { describe, expect, it } from 'vitest';
import { chatSettings } from '../../../functions/core/shared/config/chat-env.js';
import { ConfigError } from '../../../functions/core/shared/errors.js';

const env = { AGENT_ID: 'AGENT12345', AGENT_ALIAS_ID: 'ALIAS12345' };

describe('chatSettings', () => {
  it('has safe defaults: streaming on, messages not logged, API key required, no browser origins', () => {
    expect(chatSettings(env)).toEqual({
      allowedOrigins: [],
      agentTimeoutMs: 25_000,
      logUserMessages: false,
      requireApiKey: true,
      siteTimeZone: 'America/Santiago',
      assistant: {
        engine: 'agent',
        agentId: 'AGENT12345',
        agentAliasId: 'ALIAS12345',
        streamFinalResponse: true,
      },
    });
  });

  it('reads the knowledge base for the freshness filter and checks the time zone', () => {
    expect(chatSettings({ ...env, KNOWLEDGE_BASE_ID: 'KB12345678' }).knowledgeBaseId).toBe('KB12345678');
    expect(() => chatSettings({ ...env, SITE_TIME_ZONE: 'Mars/Olympus' })).toThrow(
      'environment SITE_TIME_ZONE: must be an IANA time zone like America/Santiago',
    );
  });

  it('reads origins, timeout and switches', () => {
    const s = chatSettings({
      ...env,
      ALLOWED_ORIGINS: 'https://mall.example.cl, https://www.mall.example.cl/ ,http://localhost:3000',
      AGENT_TIMEOUT_MS: '20000',
      STREAM_FINAL_RESPONSE: 'false',
      LOG_USER_MESSAGES: '1',
      REQUIRE_API_KEY: 'false',
    });
    expect(s.allowedOrigins).toEqual([
      'https://mall.example.cl',
      'https://www.mall.example.cl',
      'http://localhost:3000',
    ]);
    const streams = s.assistant.engine === 'agent' && s.assistant.streamFinalResponse;
    expect([s.agentTimeoutMs, streams, s.logUserMessages, s.requireApiKey]).toEqual([
      20_000,
      false,
      true,
      false,
    ]);
  });

  it.each([
    [{ AGENT_ALIAS_ID: 'ALIAS12345' }, 'environment AGENT_ID: is not set'],
    [{ ...env, AGENT_ALIAS_ID: 'live' }, 'environment AGENT_ALIAS_ID: must be an agent alias id'],
    [
      { ...env, ALLOWED_ORIGINS: 'mall.example.cl' },
      'environment ALLOWED_ORIGINS: must be a comma-separated list',
    ],
    [{ ...env, ALLOWED_ORIGINS: 'https://mall.example.cl/chat' }, 'environment ALLOWED_ORIGINS'],
    [{ ...env, AGENT_TIMEOUT_MS: '100' }, 'environment AGENT_TIMEOUT_MS: must be at least 1000'],
    [{ ...env, LOG_USER_MESSAGES: 'yes' }, 'environment LOG_USER_MESSAGES: must be "true" or "false"'],
  ])('%j → %s', (input, message) => {
    expect(() => chatSettings(input)).toThrow(ConfigError);
    expect(() => chatSettings(input)).toThrow(message);
  });
});

describe('chatSettings: the knowledge-base engine', () => {
  const kb = {
    ASSISTANT_ENGINE: 'knowledge-base',
    KNOWLEDGE_BASE_ID: 'KB12345678',
    MODEL_ID: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    HISTORY_TABLE: 'wpkb-prod-conversations',
    DATA_BUCKET: 'wpkb-prod-data',
  };

  it('needs no agent, and has bounded defaults', () => {
    expect(chatSettings(kb).assistant).toEqual({
      engine: 'knowledge-base',
      knowledgeBaseId: 'KB12345678',
      modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      historyTable: 'wpkb-prod-conversations',
      dataBucket: 'wpkb-prod-data',
      historyTurns: 10,
      sessionTtlSeconds: 600,
      maxToolRounds: 4,
      retrievalResults: 5,
      maxAnswerTokens: 1024,
      catalogCheckSeconds: 60,
      maxBodyBytes: 20_000,
    });
  });

  it('reads the guardrail as a pair', () => {
    expect(
      chatSettings({ ...kb, GUARDRAIL_ID: 'gr1234abcd', GUARDRAIL_VERSION: '3' }).assistant,
    ).toMatchObject({
      guardrail: { id: 'gr1234abcd', version: '3' },
    });
    expect(() => chatSettings({ ...kb, GUARDRAIL_ID: 'gr1234abcd' })).toThrow(
      'environment GUARDRAIL_VERSION: is not set (GUARDRAIL_ID and GUARDRAIL_VERSION go together)',
    );
  });

  it.each([
    [
      { ...kb, ASSISTANT_ENGINE: 'agents' },
      'environment ASSISTANT_ENGINE: must be "agent" or "knowledge-base"',
    ],
    [{ ...kb, HISTORY_TABLE: undefined }, 'environment HISTORY_TABLE: is not set'],
    [{ ...kb, KNOWLEDGE_BASE_ID: undefined }, 'environment KNOWLEDGE_BASE_ID: is not set'],
    [{ ...kb, MAX_TOOL_ROUNDS: '0' }, 'environment MAX_TOOL_ROUNDS: must be at least 1'],
    [
      { ...kb, GUARDRAIL_ID: 'gr1234abcd', GUARDRAIL_VERSION: 'DRAFT' },
      'environment GUARDRAIL_VERSION: must be a published',
    ],
  ])('%j → %s', (input, message) => {
    expect(() => chatSettings(input)).toThrow(ConfigError);
    expect(() => chatSettings(input)).toThrow(message);
  });
});
