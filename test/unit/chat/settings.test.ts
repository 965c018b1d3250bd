import { describe, expect, it } from 'vitest';
import { chatSettings } from '../../../functions/core/shared/config/chat-env.js';
import { ConfigError } from '../../../functions/core/shared/errors.js';

const env = { AGENT_ID: 'AGENT12345', AGENT_ALIAS_ID: 'ALIAS12345' };

describe('chatSettings', () => {
  it('has safe defaults: streaming on, messages not logged, API key required, no browser origins', () => {
    expect(chatSettings(env)).toEqual({
      agentId: 'AGENT12345',
      agentAliasId: 'ALIAS12345',
      allowedOrigins: [],
      agentTimeoutMs: 25_000,
      streamFinalResponse: true,
      logUserMessages: false,
      requireApiKey: true,
      siteTimeZone: 'America/Santiago',
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
    expect([s.agentTimeoutMs, s.streamFinalResponse, s.logUserMessages, s.requireApiKey]).toEqual([
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
