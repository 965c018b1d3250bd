import { execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { BedrockAgentRuntimeClient, InvokeAgentCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentAssistant } from '../../../functions/core/assistant/agent-engine.js';
import { systemClock } from '../../../functions/core/shared/clock.js';
import { silentLog } from '../../../functions/core/shared/logger.js';
import { makeChatHandler } from '../../../functions/handlers/chat.js';
import {
  assistantFromOutputs,
  type ChatBackend,
  directBackend,
  endpointBackend,
  runTerminalChat,
} from '../../../functions/local/chat/terminal.js';
import { completionFixture, stream } from './helpers.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');
const bedrock = mockClient(BedrockAgentRuntimeClient);
const client = new BedrockAgentRuntimeClient({ region: 'us-east-1' });

beforeEach(() => {
  bedrock.reset();
  bedrock.on(InvokeAgentCommand).callsFake(async (input: { sessionId: string }) => ({
    completion: stream(completionFixture('answer-with-citations')),
    contentType: 'application/json',
    sessionId: input.sessionId,
  }));
});

async function* linesOf(...lines: string[]) {
  yield* lines;
}

function terminal(backend: ChatBackend, lines: string[], sessionId?: string) {
  let out = '';
  let ids = 0;
  const done = runTerminalChat({
    backend,
    lines: linesOf(...lines),
    write: (text) => {
      out += text;
    },
    prompt: () => {
      out += '› ';
    },
    newSessionId: () => `session-${++ids}`,
    ...(sessionId ? { sessionId } : {}),
  });
  return done.then((result) => ({ ...result, out }));
}

const agent = () =>
  agentAssistant({
    client,
    agentId: 'AGENT12345',
    agentAliasId: 'ALIAS12345',
    streamFinalResponse: true,
    siteTimeZone: 'America/Santiago',
    clock: systemClock,
  });
const direct = () => directBackend(agent(), 5000);

describe('wpkb chat: the terminal loop', () => {
  it('keeps one session across turns, streams answers and prints their sources', async () => {
    const { out, sessionId, failures } = await terminal(direct(), [
      '¿Dónde está Óptica Chucao?',
      '',
      '¿Y su teléfono?',
    ]);
    const sessions = bedrock.commandCalls(InvokeAgentCommand).map((c) => c.args[0].input.sessionId);
    expect(sessions).toEqual(['session-1', 'session-1']);
    expect([sessionId, failures]).toEqual(['session-1', 0]);
    expect(out).toContain('Óptica Chucao está en el Nivel 3, local Isla 14 (Sector Poniente). Abre de lunes');
    expect(out).toContain(
      'Fuentes:\n  [1] Óptica Chucao — https://www.paseo-cordillera.example/tiendas/optica-chucao/\n  [2] ¿El estacionamiento tiene costo?\n',
    );
  });

  it('/new starts another session, /exit stops reading, a given session is continued', async () => {
    await terminal(direct(), ['Hola', '/new', 'Hola', '/exit', 'never sent'], 'earlier-session');
    const sessions = bedrock.commandCalls(InvokeAgentCommand).map((c) => c.args[0].input.sessionId);
    expect(sessions).toEqual(['earlier-session', 'session-1']);
  });

  it('prints a failed turn on one line and goes on', async () => {
    bedrock.reset();
    bedrock
      .on(InvokeAgentCommand)
      .callsFakeOnce(async () => ({
        completion: stream(completionFixture('throttled-in-stream')),
        sessionId: 's',
      }))
      .callsFake(async () => ({ completion: stream(completionFixture('split-utf8')), sessionId: 's' }));
    const { out, failures } = await terminal(direct(), ['uno', 'dos']);
    expect(out).toMatch(/Déjame revisar\nerror: agent throttled: Your request rate is too high/);
    expect(out).toContain('Abre el domingo a las 10:00. Óptica Chucao.');
    expect(failures).toBe(1);
  });

  it('finds the engine and its ids among stack outputs', () => {
    expect(
      assistantFromOutputs({ AgentId: 'AGENT12345', AgentAliasId: 'ALIAS12345', DataBucketName: 'b' }),
    ).toEqual({ engine: 'agent', agentId: 'AGENT12345', agentAliasId: 'ALIAS12345', dataBucket: 'b' });
    expect(
      assistantFromOutputs({ AssistantAgentAliasId0F1E: 'ALIAS12345', AssistantAgentId9A8B: 'AGENT12345' }),
    ).toEqual({ engine: 'agent' });
    expect(assistantFromOutputs({ XAgentAliasId: 'ALIAS12345', XAgentId: 'AGENT12345' })).toEqual({
      engine: 'agent',
      agentId: 'AGENT12345',
      agentAliasId: 'ALIAS12345',
    });
    expect(
      assistantFromOutputs({
        AssistantEngine: 'knowledge-base',
        KnowledgeBaseId: 'KB12345678',
        DataBucketName: 'wpkb-prod-data',
        AssistantModelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        GuardrailId: 'gr1234abcd',
        GuardrailVersion: '3',
      }),
    ).toEqual({
      engine: 'knowledge-base',
      knowledgeBaseId: 'KB12345678',
      dataBucket: 'wpkb-prod-data',
      modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      guardrailId: 'gr1234abcd',
      guardrailVersion: '3',
    });
  });
});

describe('wpkb chat --endpoint (through HTTP, as a website backend calls it)', () => {
  let server: Server;
  let url: string;
  const seen: { apiKey?: string; body?: unknown }[] = [];

  beforeAll(async () => {
    const chat = makeChatHandler({
      settings: {
        allowedOrigins: [],
        agentTimeoutMs: 5000,
        logUserMessages: false,
        siteTimeZone: 'America/Santiago',
        requireApiKey: true,
        assistant: {
          engine: 'agent',
          agentId: 'AGENT12345',
          agentAliasId: 'ALIAS12345',
          streamFinalResponse: true,
        },
      },
      assistant: agent(),
      log: silentLog,
    });
    // A stand-in for API Gateway: checks the key like a usage plan would, then proxies the event.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', async () => {
        const apiKey = req.headers['x-api-key'] as string | undefined;
        seen.push({ ...(apiKey ? { apiKey } : {}), body: JSON.parse(body || 'null') });
        if (apiKey !== 'test-key') {
          res.writeHead(403, { 'Content-Type': 'application/json' }).end('{"message":"Forbidden"}');
          return;
        }
        const result = await chat({
          httpMethod: req.method ?? 'POST',
          headers: req.headers as Record<string, string>,
          body,
          requestContext: { requestId: 'gw-req-1', identity: { apiKeyId: 'key-id-1' } },
        });
        res.writeHead(result.statusCode, result.headers).end(result.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends {message, sessionId} with x-api-key and prints the answer and sources', async () => {
    const { out } = await terminal(endpointBackend({ url, apiKey: 'test-key' }), [
      '¿Dónde está Óptica Chucao?',
    ]);
    expect(seen.at(-1)).toEqual({
      apiKey: 'test-key',
      body: { message: '¿Dónde está Óptica Chucao?', sessionId: 'session-1' },
    });
    expect(out).toContain('Óptica Chucao está en el Nivel 3');
    expect(out).toContain('[1] Óptica Chucao — https://www.paseo-cordillera.example/tiendas/optica-chucao/');
  });

  it('reports an HTTP error with its status and request id', async () => {
    bedrock.reset();
    bedrock
      .on(InvokeAgentCommand)
      .callsFake(async () => ({ completion: stream(completionFixture('dependency-failed')) }));
    const { out } = await terminal(endpointBackend({ url, apiKey: 'test-key' }), ['Hola']);
    expect(out).toMatch(
      /error: HTTP 502: The assistant could not answer right now\. Please try again\. \(request id gw-req-1\)/,
    );
    const denied = await terminal(endpointBackend({ url, apiKey: 'wrong' }), ['Hola']);
    expect(denied.out).toContain('error: HTTP 403: Forbidden');
  });

  it('runs as `npx wpkb chat --endpoint URL -m TEXT` (exit 0; 1 when the turn fails)', async () => {
    const wpkb = async (...args: string[]) => {
      try {
        const { stdout } = await run(process.execPath, ['bin/wpkb.mjs', 'chat', ...args], {
          cwd: root,
          env: { ...process.env, WPKB_CHAT_API_KEY: 'test-key' },
        });
        return { code: 0, stdout };
      } catch (error) {
        const e = error as { code: number; stdout: string };
        return { code: e.code, stdout: e.stdout };
      }
    };
    const ok = await wpkb('--endpoint', url, '-m', '¿Dónde está Óptica Chucao?');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Óptica Chucao está en el Nivel 3');
    expect(ok.stdout).toContain('Fuentes:');
    bedrock.reset();
    bedrock
      .on(InvokeAgentCommand)
      .callsFake(async () => ({ completion: stream(completionFixture('empty-answer')) }));
    const failed = await wpkb('--endpoint', url, '-m', 'Hola');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('error: HTTP 502');
  });

  it('reads turns from piped input, one session until /new', async () => {
    const child = spawn(
      process.execPath,
      ['bin/wpkb.mjs', 'chat', '--endpoint', url, '--session', 'piped-1'],
      {
        cwd: root,
        env: { ...process.env, WPKB_CHAT_API_KEY: 'test-key' },
      },
    );
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stdin.end('Hola\n¿Y mañana?\n/new\nChao\n');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const sessions = seen.slice(-3).map((s) => (s.body as { sessionId: string }).sessionId);
    expect(sessions[0]).toBe('piped-1');
    expect(sessions[1]).toBe('piped-1');
    expect(sessions[2]).not.toBe('piped-1');
    expect(stdout.match(/Fuentes:/g)).toHaveLength(3);
  });
});
