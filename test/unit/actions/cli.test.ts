import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transform } from '../../../functions/core/pipeline/transform.js';
import { handler } from '../../../functions/handlers/actions.js';
import { localActionEvent } from '../../../functions/local/actions/event.js';
import { createLocalStorage } from '../../../functions/local/storage/directory.js';
import { resolvedType } from '../resolved.js';
import { actionFixture, mallConfig } from './helpers.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');

describe('localActionEvent', () => {
  it('maps a concrete path and query to the Bedrock event of its operation', () => {
    const event = localActionEvent('get', '/items/123?limit=5');
    expect(event).toMatchObject({
      messageVersion: '1.0',
      actionGroup: 'mall-directory',
      apiPath: '/items/{sourceId}',
      httpMethod: 'GET',
      parameters: [
        { name: 'sourceId', type: 'string', value: '123' },
        { name: 'limit', type: 'string', value: '5' },
      ],
    });
    expect(localActionEvent('GET', '/events?limit=3&q=feria%20navide%C3%B1a').parameters).toEqual([
      { name: 'limit', type: 'integer', value: '3' },
      { name: 'q', type: 'string', value: 'feria navideña' },
    ]);
    expect(localActionEvent('GET', 'nowhere').apiPath).toBe('/nowhere');
  });
});

describe('the Lambda entry point', () => {
  it('answers a misconfigured environment with a 500 in the Bedrock shape instead of throwing', async () => {
    const saved = { ...process.env };
    delete process.env.DATA_BUCKET;
    delete process.env.WPKB_CONFIG;
    try {
      const response = await handler(localActionEvent('GET', '/events'));
      expect(response.response).toMatchObject({ apiPath: '/events', httpStatusCode: 500 });
      expect(JSON.parse(response.response.responseBody['application/json'].body).error).toBe('misconfigured');
    } finally {
      process.env = saved;
    }
  });
});

describe('wpkb action (CLI)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'wpkb-action-'));
    const config = mallConfig();
    await transform({
      config,
      storage: createLocalStorage(dataDir),
      inputs: config.contentTypes.map((type) => ({
        type: resolvedType(type),
        items: actionFixture(type.name),
      })),
      force: true,
    });
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const wpkb = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['bin/wpkb.mjs', 'action', ...args], {
        cwd: root,
        env: { ...process.env, NO_COLOR: '1' },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('prints the response body of the handler against the directory catalog, items with source_id', async () => {
    const { code, stdout, stderr } = await wpkb(
      'GET',
      '/events?from=2026-03-01&to=2026-03-07',
      '--data-dir',
      dataDir,
    );
    expect(stderr.trim()).toBe('HTTP 200');
    expect(code).toBe(0);
    const body = JSON.parse(stdout);
    expect(body.events.map((e: { source_id: string }) => e.source_id)).toEqual(['304', '307', '302', '301']);
  });

  it('exits 1 on a 400 and still prints the body the agent would get', async () => {
    const { code, stdout, stderr } = await wpkb('GET', '/events?from=soon', '--data-dir', dataDir);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('HTTP 400');
    expect(JSON.parse(stdout)).toMatchObject({ error: 'invalid_parameter', parameter: 'from' });
  });
});
