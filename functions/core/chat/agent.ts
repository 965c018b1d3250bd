import {
  type BedrockAgentRuntimeClient,
  InvokeAgentCommand,
  type InvokeAgentCommandInput,
  type ResponseStream,
  type RetrievedReference,
  type RetrievalFilter as SdkRetrievalFilter,
} from '@aws-sdk/client-bedrock-agent-runtime';
import {
  type AssistantAnswer,
  AssistantError,
  classifyFailure,
  deadlineOf,
  upstreamFailure,
} from '../assistant/assistant.js';
import type { RetrievalFilter } from '../retrieval/filter.js';
import { citationsFrom } from './citations.js';

export interface AgentTarget {
  client: Pick<BedrockAgentRuntimeClient, 'send'>;
  agentId: string;
  agentAliasId: string;
  /** `streamingConfigurations.streamFinalResponse`: the final answer arrives in several chunks. */
  streamFinalResponse: boolean;
  /** The whole turn (call and stream) is abandoned after this long. */
  timeoutMs: number;
  /** A filter applied to the agent's knowledge base retrieval this turn (freshness: past events hidden). */
  knowledgeBaseFilter?: { knowledgeBaseId: string; filter: RetrievalFilter };
}

/** `sessionState` carrying the turn's retrieval filter, in InvokeAgent's shape. */
function sessionStateFor(target: AgentTarget): InvokeAgentCommandInput['sessionState'] | undefined {
  if (!target.knowledgeBaseFilter) return undefined;
  const { knowledgeBaseId, filter } = target.knowledgeBaseFilter;
  return {
    knowledgeBaseConfigurations: [
      {
        knowledgeBaseId,
        // The local filter type is Bedrock's RetrievalFilter shape, written out; the SDK's is a union
        // with `$unknown` members, hence the cast.
        retrievalConfiguration: { vectorSearchConfiguration: { filter: filter as SdkRetrievalFilter } },
      },
    ],
  };
}

export interface AgentTurn {
  sessionId: string;
  message: string;
  /** Called with each piece of the answer as it arrives (the terminal chat prints them at once). */
  onText?: (piece: string) => void;
}

export type AgentAnswer = AssistantAnswer;

/** `throttlingException` (stream member) / `ThrottlingException` (error name) → `ThrottlingException`. */
const exceptionName = (key: string) => key.charAt(0).toUpperCase() + key.slice(1);

/**
 * One turn with the agent: InvokeAgent on the alias, the `completion` stream read to its end, chunk
 * bytes decoded (TextDecoder, streaming-safe across chunk boundaries) and joined, citations collected
 * from every chunk's attribution and merged per document. Trace events are ignored. An in-stream
 * exception — a stream member like `throttlingException`, or an error the SDK throws while iterating
 * (what it does for modelled exception events) — ends the turn with an AssistantError; so do a
 * `returnControl` (this agent has no such action group), a timeout, and an empty answer.
 */
export async function askAgent(target: AgentTarget, turn: AgentTurn): Promise<AgentAnswer> {
  const signal = AbortSignal.timeout(target.timeoutMs);
  const decoder = new TextDecoder('utf-8');
  const references: RetrievedReference[] = [];
  let answer = '';
  const add = (piece: string) => {
    if (!piece) return;
    answer += piece;
    turn.onText?.(piece);
  };
  // The SDK honours abortSignal; racing every await against it as well bounds the turn whatever the
  // transport does (a stalled stream ends at the deadline, not at Lambda's timeout).
  const deadline = deadlineOf(signal);
  let iterator: AsyncIterator<ResponseStream> | undefined;
  try {
    const response = await Promise.race([
      target.client.send(
        new InvokeAgentCommand({
          agentId: target.agentId,
          agentAliasId: target.agentAliasId,
          sessionId: turn.sessionId,
          inputText: turn.message,
          enableTrace: false,
          streamingConfigurations: { streamFinalResponse: target.streamFinalResponse },
          ...(target.knowledgeBaseFilter ? { sessionState: sessionStateFor(target) } : {}),
        }),
        { abortSignal: signal },
      ),
      deadline,
    ]);
    if (!response.completion) {
      throw new AssistantError('upstream', 'agent response has no completion stream', 'NoCompletion');
    }
    iterator = response.completion[Symbol.asyncIterator]();
    for (;;) {
      const next = await Promise.race([iterator.next(), deadline]);
      if (next.done) break;
      const event = next.value;
      if (event.chunk) {
        if (event.chunk.bytes) add(decoder.decode(event.chunk.bytes, { stream: true }));
        for (const citation of event.chunk.attribution?.citations ?? []) {
          references.push(...(citation.retrievedReferences ?? []));
        }
        continue;
      }
      if (event.trace || event.files) continue;
      if (event.returnControl) {
        throw new AssistantError(
          'upstream',
          'agent asked to return control, which this endpoint does not do',
          'ReturnControl',
        );
      }
      const [key, value] = Object.entries(event).find(([, v]) => v !== undefined) ?? [];
      if (key === undefined || key === '$unknown') continue; // an event type newer than this SDK
      const message = (value as { message?: string } | undefined)?.message ?? 'no message';
      throw upstreamFailure('agent', exceptionName(key), message);
    }
    add(decoder.decode());
  } catch (error) {
    // Stop reading (closes the HTTP stream) when leaving early; never let that hide the real error.
    void Promise.resolve(iterator?.return?.()).catch(() => {});
    throw classifyFailure('agent', error, signal, target.timeoutMs);
  }
  if (!answer.trim()) throw new AssistantError('empty', 'agent returned an empty answer', 'EmptyAnswer');
  return { sessionId: turn.sessionId, answer: answer.trim(), citations: citationsFrom(references) };
}
