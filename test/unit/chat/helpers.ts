import { readFileSync } from 'node:fs';
import type { ResponseStream } from '@aws-sdk/client-bedrock-agent-runtime';

interface FixtureEvent {
  chunk?: { text?: string; bytesBase64?: string; attribution?: unknown };
  [member: string]: unknown;
}

/** A completion event sequence from test/fixtures/chat: chunk text (or base64 bytes) becomes bytes. */
export function completionFixture(name: string): ResponseStream[] {
  const { events } = JSON.parse(
    readFileSync(new URL(`../../fixtures/chat/${name}.json`, import.meta.url), 'utf8'),
  ) as { events: FixtureEvent[] };
  return events.map((event) => {
    if (!event.chunk) return event as ResponseStream;
    const { text, bytesBase64, attribution } = event.chunk;
    const bytes =
      bytesBase64 !== undefined
        ? new Uint8Array(Buffer.from(bytesBase64, 'base64'))
        : new TextEncoder().encode(text ?? '');
    return { chunk: { bytes, ...(attribution ? { attribution } : {}) } } as ResponseStream;
  });
}

/** The events as the SDK hands them over: an async iterable, optionally throwing after them. */
export async function* stream(events: ResponseStream[], thenThrow?: Error): AsyncGenerator<ResponseStream> {
  for (const event of events) {
    await Promise.resolve();
    yield event;
  }
  if (thenThrow) throw thenThrow;
}

/** A stream that yields its events and then never ends (a stalled connection). */
export async function* stalled(events: ResponseStream[]): AsyncGenerator<ResponseStream> {
  yield* events;
  await new Promise(() => {});
}

export interface Recorded {
  level: string;
  message: string;
  extra?: Record<string, unknown>;
}

export function recordingLog() {
  const entries: Recorded[] = [];
  const at =
    (level: string) =>
    (message: string, extra?: Record<string, unknown>): void => {
      entries.push({ level, message, ...(extra ? { extra } : {}) });
    };
  return { log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, entries };
}
