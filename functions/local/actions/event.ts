import { matchPath } from '../../core/actions/operations.js';

export const LOCAL_ACTION_GROUP = 'mall-directory';

/**
 * A Bedrock-shaped action group event for `METHOD /path?query` (what `wpkb action` runs): the path is
 * matched to its operation's template (`/items/123` → apiPath `/items/{sourceId}`, parameter
 * `sourceId`), query and path parameters become `parameters` with the schema's types, every value a
 * string. An unknown path is passed as is: the handler answers it with 404, as it would in Bedrock.
 */
export function localActionEvent(method: string, target: string): Record<string, unknown> {
  const url = new URL(target.startsWith('/') ? target : `/${target}`, 'http://wpkb.local');
  const httpMethod = method.toUpperCase();
  const match = matchPath(httpMethod, url.pathname);
  const typeOf = (name: string) => match?.operation.params.find((p) => p.name === name)?.type ?? 'string';
  const parameters = [
    ...Object.entries(match?.pathParams ?? {}).map(([name, value]) => ({ name, type: typeOf(name), value })),
    ...[...url.searchParams.entries()].map(([name, value]) => ({ name, type: typeOf(name), value })),
  ];
  return {
    messageVersion: '1.0',
    agent: { name: 'wpkb-local', id: 'LOCALAGENT', alias: 'TSTALIASID', version: 'DRAFT' },
    inputText: '',
    sessionId: 'local',
    actionGroup: LOCAL_ACTION_GROUP,
    apiPath: match?.operation.path ?? url.pathname,
    httpMethod,
    parameters,
    sessionAttributes: {},
    promptSessionAttributes: {},
  };
}
