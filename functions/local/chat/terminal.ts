import { randomUUID } from 'node:crypto';
import type { Assistant, AssistantAnswer, AssistantEngine } from '../../core/assistant/assistant.js';
import type { ChatCitation } from '../../core/chat/citations.js';
import { oneLine, WpkbError } from '../../core/shared/errors.js';

/** Where a terminal chat sends its turns: the assistant directly (AWS credentials) or the HTTP endpoint. */
export interface ChatBackend {
  /** What the banner says it talks to. */
  readonly description: string;
  ask(sessionId: string, message: string, onText: (piece: string) => void): Promise<AssistantAnswer>;
}

/**
 * The deployed assistant with the caller's AWS credentials, whichever engine: InvokeAgent on the alias
 * (the answer printed as it streams in), or Retrieve + Converse run here.
 */
export function directBackend(assistant: Assistant, timeoutMs: number): ChatBackend {
  return {
    description: assistant.description,
    ask: (sessionId, message, onText) => assistant.ask({ sessionId, message, timeoutMs, onText }),
  };
}

export interface EndpointOptions {
  url: string;
  apiKey?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** `POST <url>` with `x-api-key`, exactly as a website backend calls it. */
export function endpointBackend(options: EndpointOptions): ChatBackend {
  const doFetch = options.fetch ?? fetch;
  return {
    description: options.url,
    async ask(sessionId, message) {
      const response = await doFetch(options.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
        },
        body: JSON.stringify({ message, sessionId }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 35_000),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (!response.ok) {
        const e = json as
          | { error?: { message?: string } | string; message?: string; requestId?: string }
          | undefined;
        const detail =
          (typeof e?.error === 'object' ? e.error.message : e?.error) ?? e?.message ?? text.slice(0, 200);
        const id = e?.requestId ?? response.headers.get('x-amzn-requestid') ?? undefined;
        throw new WpkbError(`HTTP ${response.status}: ${detail}${id ? ` (request id ${id})` : ''}`);
      }
      return json as AssistantAnswer;
    },
  };
}

/** What `wpkb chat` reads from the stack's outputs to talk to its assistant directly. */
export interface DeployedAssistant {
  /** `AssistantEngine` output; stacks from before the engine choice have none and run the agent. */
  engine: AssistantEngine;
  agentId?: string;
  agentAliasId?: string;
  knowledgeBaseId?: string;
  dataBucket?: string;
  /** knowledge-base engine: the model the chat Lambda was deployed with. */
  modelId?: string;
  guardrailId?: string;
  guardrailVersion?: string;
}

/** The assistant's ids among CloudFormation / `cdk deploy --outputs-file` outputs of the stack. */
export function assistantFromOutputs(outputs: Record<string, string>): DeployedAssistant {
  // Top-level outputs are named exactly; outputs of nested constructs carry a path prefix and a hash.
  const named = Object.entries(outputs).map(
    ([key, value]) => [key.replace(/[0-9A-F]{8}$/, ''), value] as const,
  );
  const pick = (name: string, unless?: RegExp) =>
    outputs[name] ?? named.find(([key]) => key.endsWith(name) && !unless?.test(key))?.[1];
  const found = {
    agentId: pick('AgentId', /AliasId$/),
    agentAliasId: pick('AgentAliasId'),
    knowledgeBaseId: pick('KnowledgeBaseId'),
    dataBucket: pick('DataBucketName'),
    modelId: pick('AssistantModelId'),
    guardrailId: pick('GuardrailId'),
    guardrailVersion: pick('GuardrailVersion'),
  };
  const engine = pick('AssistantEngine') === 'knowledge-base' ? 'knowledge-base' : 'agent';
  return {
    engine,
    ...Object.fromEntries(Object.entries(found).filter(([, value]) => value !== undefined)),
  };
}

export function formatCitations(citations: readonly ChatCitation[]): string[] {
  return citations.map((c, i) => `  [${i + 1}] ${c.title}${c.url ? ` — ${c.url}` : ''}`);
}

export interface TerminalChatOptions {
  backend: ChatBackend;
  /** The user's lines (readline in a terminal, any iterable in tests). */
  lines: AsyncIterable<string>;
  write: (text: string) => void;
  /** Shows the prompt (again). */
  prompt: () => void;
  /** Continue an earlier conversation. */
  sessionId?: string;
  newSessionId?: () => string;
}

/**
 * The interactive loop of `wpkb chat`: every line is one turn in the same session (the assistant
 * remembers the conversation), `/new` starts another session, `/exit` (or end of input) quits.
 * Answers print as they stream in, then their sources. A failed turn prints one line and the chat
 * goes on. Returns the last session id and how many turns failed.
 */
export async function runTerminalChat(
  options: TerminalChatOptions,
): Promise<{ sessionId: string; failures: number }> {
  const newSessionId = options.newSessionId ?? randomUUID;
  const { write, backend } = options;
  let sessionId = options.sessionId ?? newSessionId();
  let failures = 0;
  write(
    `wpkb chat — ${backend.description}; session ${sessionId}\n/new starts a new conversation, /exit quits.\n`,
  );
  options.prompt();
  for await (const raw of options.lines) {
    const line = raw.trim();
    if (line === '/exit' || line === '/quit') break;
    if (line === '/new') {
      sessionId = newSessionId();
      write(`new session ${sessionId}\n`);
    } else if (line !== '') {
      let streamed = false;
      try {
        const result = await backend.ask(sessionId, line, (piece) => {
          streamed = true;
          write(piece);
        });
        if (!streamed) write(result.answer);
        write('\n');
        const sources = formatCitations(result.citations);
        if (sources.length) write(`Fuentes:\n${sources.join('\n')}\n`);
      } catch (error) {
        failures++;
        write(`${streamed ? '\n' : ''}error: ${oneLine(error)}\n`);
      }
    }
    options.prompt();
  }
  return { sessionId, failures };
}
