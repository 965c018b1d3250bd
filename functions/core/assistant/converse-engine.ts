import type { RetrievedReference } from '@aws-sdk/client-bedrock-agent-runtime';
import {
  type BedrockRuntimeClient,
  type ContentBlock,
  ConverseCommand,
  type ConverseCommandOutput,
  type Message,
  type ToolInputSchema,
  type ToolResultBlock,
  type ToolUseBlock,
} from '@aws-sdk/client-bedrock-runtime';
import { citationsFrom } from '../chat/citations.js';
import type { Clock } from '../shared/clock.js';
import { oneLine } from '../shared/errors.js';
import type { Log } from '../shared/logger.js';
import {
  type Assistant,
  type AssistantAnswer,
  AssistantError,
  type AssistantTurn,
  classifyFailure,
  deadlineOf,
} from './assistant.js';
import type { ConversationTurn, HistoryStore } from './history.js';
import type { Tool, ToolOutcome } from './tools.js';

/** JSON as the SDK types a document (tool input schemas, tool results). */
type DocumentType = ToolInputSchema.JsonMember['json'];

/** A published guardrail version (never the mutable DRAFT). */
export interface GuardrailRef {
  id: string;
  version: string;
}

export interface ConverseEngineOptions {
  client: Pick<BedrockRuntimeClient, 'send'>;
  /** Model id, inference profile id or ARN (`cloud.agent.foundationModel`). */
  modelId: string;
  /** System prompt blocks: the instruction file, then how the tools relate to it (definition.ts). */
  system: readonly string[];
  /** The mall-directory operations and `search_knowledge_base`. */
  tools: readonly Tool[];
  history: HistoryStore;
  guardrail?: GuardrailRef;
  /** Model calls that may end in tool use per turn; one more asking for tools fails the turn. */
  maxToolRounds: number;
  /** `inferenceConfig.maxTokens` of every call. */
  maxAnswerTokens: number;
  clock: Clock;
  log: Log;
}

const textOf = (content: readonly ContentBlock[]): string =>
  content
    .map((block) => block.text ?? '')
    .join('')
    .trim();

/** The turns kept for the session, as Converse messages (user, assistant, user, …). */
const historyMessages = (turns: readonly ConversationTurn[]): Message[] =>
  turns.flatMap((t) => [
    { role: 'user', content: [{ text: t.user }] },
    { role: 'assistant', content: [{ text: t.assistant }] },
  ]);

/**
 * The `knowledge-base` engine: the chat Lambda answers itself with the Converse API and tool use —
 * no Bedrock agent. One turn:
 *
 * 1. The session's kept turns (history store) become the first messages; the visitor's message follows.
 * 2. Converse with the instruction as system prompt, the tools (the mall-directory operations and
 *    `search_knowledge_base`), the configured model, and the guardrail when there is one.
 * 3. `stopReason: 'tool_use'`: every `toolUse` block of the answer is run (in parallel) and answered
 *    with a `toolResult` block of the same `toolUseId` (status `error` for a failed lookup, so the model
 *    can recover); then Converse again. At most `maxToolRounds` such rounds: a model still asking for
 *    tools after them fails the turn (502) rather than looping until the API gives up.
 * 4. `end_turn` (or `max_tokens`, `stop_sequence`): the text is the answer; the knowledge base passages
 *    the model was shown are its citations; the turn is added to the history.
 *
 * Guardrail: Converse's `guardrailConfig` evaluates the conversation's text and the model's output,
 * but not `toolUse.input` nor `toolResult` blocks. The visitor's message goes in a `guardContent` block,
 * so exactly it is judged as input (prompt attacks, denied topics) — not the whole history again at
 * every call — and every model output, the final answer included, is judged as output. Tool results
 * (the site's own catalog and knowledge base) are not judged, as with the agent engine; a blocked
 * answer cannot come through them because the answer built from them is. On `guardrail_intervened`
 * the guardrail's blocked message is the answer (200, no citations) and the turn is not kept.
 */
export function converseAssistant(options: ConverseEngineOptions): Assistant {
  const { client, modelId, guardrail, log } = options;
  const byName = new Map(options.tools.map((tool) => [tool.spec.name, tool]));
  if (byName.size !== options.tools.length) throw new Error('converseAssistant: two tools share a name');
  const toolConfig = {
    tools: options.tools.map((tool) => ({
      toolSpec: {
        name: tool.spec.name,
        description: tool.spec.description,
        inputSchema: { json: tool.spec.inputSchema.json as DocumentType },
      },
    })),
  };
  const system = options.system.map((text) => ({ text }));

  async function runTool(
    use: ToolUseBlock,
    signal: AbortSignal,
    references: RetrievedReference[],
  ): Promise<ContentBlock> {
    const started = Date.now();
    const name = use.name ?? '';
    const tool = byName.get(name);
    let outcome: ToolOutcome;
    if (!tool) {
      outcome = {
        status: 'error',
        json: { error: 'unknown_tool', message: `No tool ${name}. Tools: ${[...byName.keys()].join(', ')}.` },
      };
    } else {
      try {
        outcome = await tool.run(use.input, signal);
      } catch (error) {
        if (error instanceof AssistantError) throw error;
        log.error('tool failed', { tool: name, error: oneLine(error) });
        outcome = {
          status: 'error',
          json: { error: 'tool_failed', message: 'The lookup failed. Answer without it and say so.' },
        };
      }
    }
    references.push(...(outcome.references ?? []));
    // The input is not logged: it may quote the visitor.
    log.info('tool called', { tool: name, status: outcome.status, durationMs: Date.now() - started });
    const result: ToolResultBlock = {
      toolUseId: use.toolUseId,
      content: [{ json: outcome.json as DocumentType }],
      status: outcome.status,
    };
    return { toolResult: result };
  }

  async function remember(sessionId: string, turn: ConversationTurn): Promise<void> {
    try {
      await options.history.append(sessionId, turn);
    } catch (error) {
      // The answer is already there: the visitor gets it, the next turn starts without this one.
      log.warn('conversation history not saved', { sessionId, error: oneLine(error) });
    }
  }

  return {
    engine: 'knowledge-base',
    description: `Converse with ${modelId}, tools ${[...byName.keys()].join(', ')}`,
    async ask(turn: AssistantTurn): Promise<AssistantAnswer> {
      const { sessionId, message } = turn;
      const signal = AbortSignal.timeout(turn.timeoutMs);
      const deadline = deadlineOf(signal);
      const references: RetrievedReference[] = [];
      const usage = { inputTokens: 0, outputTokens: 0 };
      let toolRounds = 0;
      try {
        let kept: ConversationTurn[] = [];
        try {
          kept = await Promise.race([options.history.load(sessionId), deadline]);
        } catch (error) {
          if (signal.aborted) throw error;
          log.warn('conversation history not read; answering without it', {
            sessionId,
            error: oneLine(error),
          });
        }
        const messages: Message[] = [
          ...historyMessages(kept),
          {
            role: 'user',
            content: [guardrail ? { guardContent: { text: { text: message } } } : { text: message }],
          },
        ];
        for (;;) {
          const response: ConverseCommandOutput = await Promise.race([
            client.send(
              new ConverseCommand({
                modelId,
                system,
                // A copy: this turn's list grows after the call, the request must not.
                messages: [...messages],
                toolConfig,
                inferenceConfig: { maxTokens: options.maxAnswerTokens },
                ...(guardrail
                  ? {
                      guardrailConfig: {
                        guardrailIdentifier: guardrail.id,
                        guardrailVersion: guardrail.version,
                        trace: 'disabled',
                      },
                    }
                  : {}),
              }),
              { abortSignal: signal },
            ),
            deadline,
          ]);
          usage.inputTokens += response.usage?.inputTokens ?? 0;
          usage.outputTokens += response.usage?.outputTokens ?? 0;
          const content = response.output?.message?.content ?? [];
          const stopReason = response.stopReason;
          const finish = (kind: string, extra: Record<string, unknown> = {}) =>
            log.info('converse turn', { sessionId, kind, stopReason, toolRounds, ...usage, ...extra });

          if (stopReason === 'tool_use') {
            const uses = content.flatMap((block) => (block.toolUse ? [block.toolUse] : []));
            if (uses.length === 0) {
              throw new AssistantError(
                'upstream',
                'Converse stopped for tool use without a toolUse block',
                'NoToolUse',
              );
            }
            if (toolRounds >= options.maxToolRounds) {
              finish('tool rounds exhausted');
              throw new AssistantError(
                'upstream',
                `the model still asked for tools after ${options.maxToolRounds} rounds`,
                'MaxToolRounds',
              );
            }
            toolRounds++;
            messages.push({ role: 'assistant', content });
            const results = await Promise.race([
              Promise.all(uses.map((use) => runTool(use, signal, references))),
              deadline,
            ]);
            messages.push({ role: 'user', content: results });
            continue;
          }
          const answer = textOf(content);
          if (stopReason === 'guardrail_intervened') {
            finish('guardrail intervened');
            if (!answer)
              throw new AssistantError('empty', 'the guardrail intervened without a message', 'Guardrail');
            return { sessionId, answer, citations: [] };
          }
          if (stopReason === 'end_turn' || stopReason === 'stop_sequence' || stopReason === 'max_tokens') {
            if (!answer)
              throw new AssistantError('empty', 'the model returned an empty answer', 'EmptyAnswer');
            finish('answered', { citations: references.length });
            await Promise.race([
              remember(sessionId, {
                user: message,
                assistant: answer,
                at: options.clock.now().toISOString(),
              }),
              deadline,
            ]);
            return { sessionId, answer, citations: citationsFrom(references) };
          }
          finish('refused');
          throw new AssistantError(
            'upstream',
            `Converse stopped with ${String(stopReason)}`,
            String(stopReason),
          );
        }
      } catch (error) {
        throw classifyFailure('Converse', error, signal, turn.timeoutMs);
      }
    },
  };
}
