import { S3Client } from '@aws-sdk/client-s3';
import {
  type ActionResponse,
  actionEventSchema,
  actionResponse,
  echoOf,
  paramsOf,
} from '../core/actions/bedrock.js';
import { findOperation, OPERATIONS } from '../core/actions/operations.js';
import { createOperationRunner, type OperationRunnerDeps } from '../core/actions/run-operation.js';
import { systemClock } from '../core/shared/clock.js';
import { actionsSettings } from '../core/shared/config/actions-env.js';
import { oneLine } from '../core/shared/errors.js';
import { powertoolsLog } from '../core/shared/logger.js';
import { createS3Storage } from '../core/storage/s3.js';

export type { ActionEvent, ActionResponse } from '../core/actions/bedrock.js';

/** The action group Lambda's dependencies: those of the operation runner. */
export type ActionHandlerDeps = OperationRunnerDeps;

const operationList = OPERATIONS.map((o) => `${o.method} ${o.path}`);

/**
 * The "mall directory" action group Lambda: the agent's adapter of the operation table. Always answers
 * in Bedrock's response shape, never throws: an event that is not an action group event is a 400, an
 * unknown path 404 (405 for a known path with another method); the operation itself runs through the
 * shared runner (run-operation.ts), whose outcome — 200, or a 400/503/500 body the model can act on —
 * becomes the response.
 */
export function makeActionHandler(deps: ActionHandlerDeps): (input: unknown) => Promise<ActionResponse> {
  const runOperation = createOperationRunner(deps);
  const { log } = deps;

  return async (input) => {
    const echo = echoOf(input);
    const started = Date.now();
    const answer = (status: number, body: unknown, extra: Record<string, unknown> = {}) => {
      log.info('action answered', {
        apiPath: echo.apiPath,
        httpMethod: echo.httpMethod,
        status,
        durationMs: Date.now() - started,
        ...extra,
      });
      return actionResponse(echo, status, body);
    };
    const parsed = actionEventSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return answer(400, {
        error: 'invalid_event',
        message: `The request is not an action group event (${issue?.path.join('.') || '(root)'}: ${issue?.message}).`,
      });
    }
    const event = parsed.data;
    const operation = findOperation(event.httpMethod, event.apiPath);
    if (!operation) {
      const pathKnown = OPERATIONS.some((o) => o.path === event.apiPath);
      return answer(pathKnown ? 405 : 404, {
        error: pathKnown ? 'method_not_allowed' : 'unknown_operation',
        message: `No operation ${event.httpMethod} ${event.apiPath}.`,
        operations: operationList,
      });
    }
    const params = paramsOf(event);
    const outcome = await runOperation(operation, params);
    // Parameter names only: values may quote the user.
    return answer(outcome.status, outcome.body, {
      operation: operation.operationId,
      params: [...params.keys()],
    });
  };
}

let cached: ((input: unknown) => Promise<ActionResponse>) | undefined;

/**
 * Lambda entry: settings validated and clients built once per container. Even a bad environment is
 * answered in Bedrock's shape (500, logged with the variable at fault) rather than thrown: a thrown
 * error fails the user's whole turn. The next call tries the settings again.
 */
export const handler = async (event: unknown): Promise<ActionResponse> => {
  if (!cached) {
    try {
      const settings = actionsSettings(process.env);
      cached = makeActionHandler({
        config: settings.config,
        storage: createS3Storage({ bucket: settings.bucket, client: new S3Client({}) }),
        clock: systemClock,
        log: powertoolsLog,
        catalogCheckSeconds: settings.catalogCheckSeconds,
        maxBodyBytes: settings.maxBodyBytes,
      });
    } catch (error) {
      powertoolsLog.error('action group misconfigured', { error: oneLine(error) });
      return actionResponse(echoOf(event), 500, {
        error: 'misconfigured',
        message: 'The directory is not available right now. Answer from the knowledge base instead.',
      });
    }
  }
  return cached(event);
};
