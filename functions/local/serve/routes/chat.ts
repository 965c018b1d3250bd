import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkVisitorToken } from '../../../core/auth/chat-access.js';
import { mintVisitorToken, unixSeconds } from '../../../core/auth/visitor-token.js';
import { BODY_MAX_BYTES, type ChatRequest } from '../../../core/chat/http.js';
import { ChatHttpError, parseChatBody } from '../../../core/chat/request.js';
import type { Clock } from '../../../core/shared/clock.js';
import { LocalIndexMissingError } from '../../knowledge-base/index-file.js';
import type { LocalAnswer } from '../answer/local-answerer.js';
import { errorBody, type ServeRoutes } from '../server.js';

/** What a chat backend answers: a status and the JSON body the widget reads, plus headers to pass on. */
export interface ChatReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ChatTurn {
  /** The request body as received (a proxy forwards exactly these bytes). */
  raw: string;
  request: ChatRequest;
  /** The visitor's `Authorization` header, when there was one. */
  authorization?: string;
}

/** Answers one valid chat request: the local answerer, or a proxy to a deployed endpoint. */
export type ChatBackend = (turn: ChatTurn) => Promise<ChatReply>;

/** Visitor tokens: `/chat` requires one, `GET /token` mints one, as the WordPress plugin does. */
export interface TokenSettings {
  secret: string;
  /** The site tokens are bound to. */
  site: string;
  /** Lifetime of minted tokens (the plugin: 900 s). */
  ttlSeconds: number;
  clock: Clock;
}

export interface ChatRoutesOptions {
  backend: ChatBackend;
  tokens?: TokenSettings;
  /** Origins whose pages may call `/chat` (CORS); the demo page is same-origin and needs none. */
  allowedOrigins?: readonly string[];
}

/** The local answerer as a backend: 200 `{sessionId, answer, citations}`; no index yet → 503. */
export function localBackend(answer: (question: string) => Promise<LocalAnswer>): ChatBackend {
  return async ({ request }) => {
    try {
      const result = await answer(request.message);
      return { status: 200, body: { sessionId: request.sessionId ?? randomUUID(), ...result } };
    } catch (error) {
      if (!(error instanceof LocalIndexMissingError)) throw error;
      return { status: 503, body: errorBody('no_knowledge_base', `${error.message}.`) };
    }
  };
}

function refuse(reply: FastifyReply, request: FastifyRequest, status: number, code: string, message: string) {
  request.logNote = code;
  return reply.status(status).header('Cache-Control', 'no-store').send(errorBody(code, message));
}

/**
 * `POST /chat` (the Chat API contract: body ≤ 16 KB → else 413, JSON `{message, sessionId?}` → else
 * 400, a valid visitor token when tokens are configured → else 401) and, with tokens, `GET /token`.
 */
export function chatRoutes(options: ChatRoutesOptions): ServeRoutes {
  const { tokens, backend } = options;
  return {
    name: tokens ? 'chat (visitor tokens required)' : 'chat',
    async register(app) {
      if (options.allowedOrigins?.length)
        await app.register(cors, {
          origin: [...options.allowedOrigins],
          methods: ['POST', 'GET'],
          allowedHeaders: ['Content-Type', 'Authorization'],
          maxAge: 600,
        });
      // JSON only (a text/plain POST is a "simple" cross-origin request that skips the CORS preflight).
      app.removeContentTypeParser('text/plain');
      // The body as text: parsed here (errors in the contract's shape), forwarded as is by a proxy.
      app.addContentTypeParser(
        'application/json',
        { parseAs: 'string', bodyLimit: BODY_MAX_BYTES },
        (_r, body, done) => done(null, body),
      );

      app.post('/chat', { bodyLimit: BODY_MAX_BYTES }, async (request, reply) => {
        const authorization = request.headers.authorization;
        if (tokens) {
          // The cloud endpoint's check (origins aside: CORS guards the pages here).
          const access = checkVisitorToken(authorization, {
            secret: tokens.secret,
            site: tokens.site,
            now: unixSeconds(tokens.clock.now()),
          });
          if (!access.ok) {
            if (access.challenge) reply.header('WWW-Authenticate', access.challenge);
            const message = access.reason ? `${access.message} (${access.reason})` : access.message;
            return refuse(reply, request, access.status, access.code, message);
          }
        }
        const raw = typeof request.body === 'string' ? request.body : '';
        let chatRequest: ChatRequest;
        try {
          chatRequest = parseChatBody(raw);
        } catch (error) {
          if (!(error instanceof ChatHttpError)) throw error;
          return refuse(reply, request, error.status, error.code, error.message);
        }
        const result = await backend({
          raw,
          request: chatRequest,
          ...(authorization ? { authorization } : {}),
        });
        if (result.status >= 400) {
          const code = (result.body as { error?: { code?: unknown } } | undefined)?.error?.code;
          request.logNote = typeof code === 'string' ? code : undefined;
        }
        return reply
          .status(result.status)
          .headers({ 'Cache-Control': 'no-store', ...result.headers })
          .send(result.body);
      });

      if (tokens) {
        app.get('/token', async (_request, reply) =>
          reply.header('Cache-Control', 'no-store').send(
            mintVisitorToken({
              secret: tokens.secret,
              site: tokens.site,
              now: unixSeconds(tokens.clock.now()),
              ttlSeconds: tokens.ttlSeconds,
            }),
          ),
        );
      }
    },
  };
}
