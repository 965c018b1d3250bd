import { z } from 'zod';

/**
 * The action group Lambda contract for OpenAPI-schema action groups (Bedrock facts, "Action group
 * Lambda"): every parameter value arrives as a string; the response echoes actionGroup, apiPath and
 * httpMethod and carries the body as a JSON string under `application/json`.
 */
const propertySchema = z.object({ name: z.string(), type: z.string().optional(), value: z.unknown() });

export const actionEventSchema = z.looseObject({
  messageVersion: z.string().optional(),
  agent: z
    .looseObject({
      name: z.string().optional(),
      id: z.string().optional(),
      alias: z.string().optional(),
      version: z.string().optional(),
    })
    .optional(),
  inputText: z.string().optional(),
  sessionId: z.string().optional(),
  actionGroup: z.string().min(1),
  apiPath: z.string().min(1),
  httpMethod: z.string().min(1),
  parameters: z.array(propertySchema).nullish(),
  requestBody: z
    .object({
      content: z.record(z.string(), z.object({ properties: z.array(propertySchema).nullish() })).optional(),
    })
    .nullish(),
  sessionAttributes: z.record(z.string(), z.string()).nullish(),
  promptSessionAttributes: z.record(z.string(), z.string()).nullish(),
});

export type ActionEvent = z.infer<typeof actionEventSchema>;

export interface ActionResponse {
  messageVersion: '1.0';
  response: {
    actionGroup: string;
    apiPath: string;
    httpMethod: string;
    httpStatusCode: number;
    responseBody: { 'application/json': { body: string } };
  };
  sessionAttributes?: Record<string, string>;
  promptSessionAttributes?: Record<string, string>;
}

/** What the response must echo, taken from whatever part of the event could be read. */
export interface Echo {
  actionGroup: string;
  apiPath: string;
  httpMethod: string;
  sessionAttributes?: Record<string, string>;
  promptSessionAttributes?: Record<string, string>;
}

/** The echo fields of any input, even one that is not a valid event (so the answer is still well-formed). */
export function echoOf(input: unknown): Echo {
  const o = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const attrs = (v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')
      ? (v as Record<string, string>)
      : undefined;
  const sessionAttributes = attrs(o.sessionAttributes);
  const promptSessionAttributes = attrs(o.promptSessionAttributes);
  return {
    actionGroup: str(o.actionGroup),
    apiPath: str(o.apiPath),
    httpMethod: str(o.httpMethod),
    ...(sessionAttributes ? { sessionAttributes } : {}),
    ...(promptSessionAttributes ? { promptSessionAttributes } : {}),
  };
}

export function actionResponse(echo: Echo, status: number, body: unknown): ActionResponse {
  return {
    messageVersion: '1.0',
    response: {
      actionGroup: echo.actionGroup,
      apiPath: echo.apiPath,
      httpMethod: echo.httpMethod,
      httpStatusCode: status,
      responseBody: { 'application/json': { body: JSON.stringify(body) } },
    },
    // Echoed unchanged so the session keeps them whatever Bedrock does with an absent key.
    ...(echo.sessionAttributes ? { sessionAttributes: echo.sessionAttributes } : {}),
    ...(echo.promptSessionAttributes ? { promptSessionAttributes: echo.promptSessionAttributes } : {}),
  };
}

/** Parameters and `application/json` body properties by name (parameters win), values as strings. */
export function paramsOf(event: ActionEvent): Map<string, string> {
  const out = new Map<string, string>();
  const text = (v: unknown) =>
    typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
  for (const p of event.requestBody?.content?.['application/json']?.properties ?? [])
    out.set(p.name, text(p.value));
  for (const p of event.parameters ?? []) out.set(p.name, text(p.value));
  return out;
}
