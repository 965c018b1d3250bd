import { RetrieveCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { beforeAll, describe, expect, it } from 'vitest';
import { todayNumber } from '../../functions/core/retrieval/freshness.js';
import { systemClock } from '../../functions/core/shared/clock.js';
import { getJson } from '../../functions/core/storage/codec.js';
import type { RunReportWithCanaries } from '../../functions/core/sync/canaries.js';
import { generateDemoSite } from '../../functions/local/demo-site/generate.js';
import { failedAt, PENDING_SYNC_KEY, STATES } from '../../stacks/pipeline-states/names.js';
import { synthesizePipelineStack } from '../stacks/pipeline-synth.js';
import { logicalIdOf } from '../stacks/synth.js';
import { ACCOUNT, functionArn, pipelineDefinition, REGION } from './harness.js';

import {
  alone,
  bedrockHappy,
  executionArn,
  type Machine,
  report,
  runtimeMock,
  sfnMock,
  usePipeline,
  world,
} from './world.js';

usePipeline();

describe('post-sync canaries', () => {
  let canarySynth: Machine;
  let strictSynth: Machine;
  /** Items of the demo site the canaries ask about (the site is generated from a fixed seed). */
  let items: { store: Item; otherStore: Item; restaurant: Item };
  let questions: Array<{ question: string; expected: string; type?: string; k?: number }>;

  interface Item {
    id: number;
    title: string;
  }

  beforeAll(() => {
    const site = generateDemoSite({ scale: 0.1, seed: 3 });
    const plain = (type: string): Item[] =>
      (site.items[type] ?? [])
        .map((i) => ({ id: i.id, title: (i as { title: { rendered: string } }).title.rendered }))
        .filter((i) => /^[\p{L} ]+$/u.test(i.title));
    const [store, otherStore] = plain('stores');
    const [restaurant] = plain('restaurant');
    if (!store || !otherStore || !restaurant) throw new Error('the demo site has too few plain titles');
    items = { store, otherStore, restaurant };
    questions = [
      { question: `¿Dónde está ${store.title}?`, expected: String(store.id) },
      { question: `¿Dónde queda ${restaurant.title}?`, expected: restaurant.title, type: 'restaurant' },
      { question: `¿En qué piso está ${otherStore.title}?`, expected: String(otherStore.id), k: 3 },
    ];
    const machine = (strict: boolean): Machine => {
      const s = synthesizePipelineStack({ env: 'dev', overrides: { canaries: { questions, strict } } });
      return { synth: s, definition: pipelineDefinition(s) };
    };
    canarySynth = machine(false);
    strictSynth = machine(true);
  }, 120_000);

  const storeKey = () => `kb/stores/${items.store.id}.csv`;
  const today = () => todayNumber(systemClock, 'America/Santiago');

  it('binds Run canaries to the sync function with the configured questions, strictness and time zone', () => {
    const { functions } = canarySynth.synth.pipeline;
    const run = canarySynth.definition.States[STATES.runCanaries] as unknown as {
      Resource: string;
      Parameters: Record<string, unknown>;
      ResultPath: string;
    };
    expect(run.Resource).toBe(functionArn(logicalIdOf(functions.sync)));
    expect(run.Parameters).toEqual({
      action: 'canaries',
      'runId.$': '$.runId',
      questions: questions.map((q) => ({ k: 5, ...q })),
      strict: false,
      timeZone: 'America/Santiago',
    });
    expect(canarySynth.definition.States[STATES.clearPendingSync]).toMatchObject({
      Next: STATES.runCanaries,
    });
    expect(canarySynth.definition.States[STATES.sendCanaryAlert]).toMatchObject({
      Resource: 'arn:aws:states:::sns:publish',
      Next: STATES.synced,
    });
    expect(
      (strictSynth.definition.States[STATES.runCanaries] as unknown as typeof run).Parameters.strict,
    ).toBe(true);
  });

  it('every canary hits: asked after the index is verified, counted, reported; no alert; the run succeeds', async () => {
    bedrockHappy();
    alone('nightly-0010');
    const w = world({ machine: canarySynth });
    const execution = await w.run({}, 'nightly-0010');

    expect(execution.failure).toBeUndefined();
    expect(execution.path.slice(-5)).toEqual([
      STATES.verify,
      STATES.clearPendingSync,
      STATES.runCanaries,
      STATES.canariesPassed,
      STATES.synced,
    ]);
    expect(execution.output).toMatchObject({
      canaries: { ok: true, asked: 3, hits: 3, misses: 0, strict: false, summary: '' },
    });
    expect(w.alerts).toEqual([]);
    expect(w.metrics).toEqual([{ name: 'CanaryMisses', value: 0 }]);

    const retrieves = runtimeMock.commandCalls(RetrieveCommand).map((c) => c.args[0].input);
    expect(retrieves.map((r) => r.retrievalQuery?.text)).toEqual(questions.map((q) => q.question));
    const freshness = { greaterThanOrEquals: { key: 'available_until', value: today() } };
    expect(retrieves.map((r) => r.retrievalConfiguration?.vectorSearchConfiguration)).toEqual([
      { numberOfResults: 5, filter: freshness },
      {
        numberOfResults: 5,
        filter: { andAll: [freshness, { equals: { key: 'content_type', value: 'restaurant' } }] },
      },
      { numberOfResults: 3, filter: freshness },
    ]);

    const saved = (await report(w.storage, 'nightly-0010')) as RunReportWithCanaries;
    expect(saved).toMatchObject({ status: 'succeeded', verify: { ok: true } });
    expect(saved.canaries).toMatchObject({ ok: true, strict: false, asked: 3, today: today(), misses: [] });
    expect(saved.canaries?.hits.map((h) => [h.expected, h.rank])).toEqual([
      [String(items.store.id), 1],
      [items.restaurant.title, 1],
      [String(items.otherStore.id), 1],
    ]);
    expect(w.storage.snapshot().has(PENDING_SYNC_KEY)).toBe(false);
  });

  it('a miss (not strict): alert naming the question, the expected item and what came back; metric; success', async () => {
    bedrockHappy();
    alone('nightly-0011');
    // The knowledge base lacks one store's document (as if Bedrock had failed to index it).
    const w = world({ machine: canarySynth, unindexed: [storeKey()] });
    const execution = await w.run({}, 'nightly-0011');

    expect(execution.failure).toBeUndefined();
    expect(execution.path.slice(-4)).toEqual([
      STATES.runCanaries,
      STATES.canariesPassed,
      STATES.sendCanaryAlert,
      STATES.synced,
    ]);
    expect(w.metrics).toEqual([{ name: 'CanaryMisses', value: 1 }]);

    expect(w.alerts).toHaveLength(1);
    const [alert] = w.alerts;
    expect(alert?.TopicArn).toBe(`arn:aws:sns:${REGION}:${ACCOUNT}:wpkb-dev-alerts`);
    expect(alert?.Subject).toBe('wpkb dev: 1 of 3 canaries missed');
    const message = alert?.Message ?? '';
    expect(message).toContain('The wpkb dev pipeline execution nightly-0011 synced the knowledge base');
    expect(message).toContain('canaries.strict is off');
    const line = `canary miss: "${questions[0]?.question}" expected ${items.store.id} in the top 5; got `;
    expect(message).toContain(line);
    // What came back: the five nearest other documents, each by id and title, as the bucket holds them.
    const got = message.slice(message.indexOf(line) + line.length).split(' -- ')[0] ?? '';
    const returned = [...got.matchAll(/(\S+) "([^"]*)" \((\d\.\d{3})\)/g)];
    expect(returned).toHaveLength(5);
    for (const [, id, title] of returned) {
      expect(id).not.toBe(String(items.store.id));
      const sidecar = [...w.storage.snapshot().keys()].find((k) => k.endsWith(`/${id}.csv.metadata.json`));
      expect(sidecar).toBeDefined();
      const attributes = (await getJson<{ metadataAttributes: { title: string } }>(w.storage, sidecar ?? ''))
        ?.metadataAttributes;
      expect(attributes?.title).toBe(title);
    }
    expect(message).toContain('Run report: runs/nightly-0011.json');
    expect(message).toContain(executionArn('nightly-0011'));

    const saved = (await report(w.storage, 'nightly-0011')) as RunReportWithCanaries;
    expect(saved.status).toBe('succeeded');
    expect(saved.canaries).toMatchObject({ ok: false, asked: 3 });
    expect(saved.canaries?.misses.map((m) => [m.question, m.expected, m.got.length])).toEqual([
      [questions[0]?.question, String(items.store.id), 5],
    ]);
  });

  it('a miss with canaries.strict: the failure alert names the question, the run fails', async () => {
    bedrockHappy();
    alone('nightly-0012');
    const w = world({ machine: strictSynth, unindexed: [storeKey()] });
    const execution = await w.run({}, 'nightly-0012');

    expect(execution.failure?.Error).toBe('CanaryMissError');
    const cause = JSON.parse(String(execution.failure?.Cause)) as { errorMessage: string };
    expect(cause.errorMessage).toMatch(
      new RegExp(
        `^1 of 3 canaries missed: canary miss: "${questions[0]?.question.replace(/[?¿]/g, '\\$&')}" expected ${items.store.id} in the top 5; got \\d+ "`,
      ),
    );
    expect(execution.path.slice(-5)).toEqual([
      STATES.clearPendingSync,
      STATES.runCanaries,
      failedAt(STATES.runCanaries),
      STATES.sendAlert,
      STATES.failed,
    ]);
    expect(execution.path).not.toContain(STATES.sendCanaryAlert);
    expect(w.alerts).toHaveLength(1);
    expect(w.alerts[0]?.Subject).toBe('wpkb dev: pipeline failed at Run canaries');
    expect(w.alerts[0]?.Message).toContain('Error: CanaryMissError');
    expect(w.alerts[0]?.Message).toContain(`expected ${items.store.id} in the top 5; got `);
    expect(w.metrics).toEqual([{ name: 'CanaryMisses', value: 1 }]);
    const saved = (await report(w.storage, 'nightly-0012')) as RunReportWithCanaries;
    expect(saved).toMatchObject({ status: 'failed', canaries: { ok: false, strict: true } });
    expect(saved.error).toContain(questions[0]?.question);
    // The knowledge base is in line with kb/: the next run does not sync again for this.
    expect(w.storage.snapshot().has(PENDING_SYNC_KEY)).toBe(false);
  });

  it('strict with every canary hit succeeds', async () => {
    bedrockHappy();
    alone('nightly-0013');
    const w = world({ machine: strictSynth });
    const execution = await w.run({}, 'nightly-0013');
    expect(execution.failure).toBeUndefined();
    expect(execution.path.slice(-3)).toEqual([STATES.runCanaries, STATES.canariesPassed, STATES.synced]);
    expect(w.alerts).toEqual([]);
  });

  it('a canary alert that cannot be published does not fail a run that synced', async () => {
    bedrockHappy();
    alone('nightly-0014');
    const w = world({
      machine: canarySynth,
      unindexed: [storeKey()],
      publish: async () => {
        throw Object.assign(new Error('KMS key disabled'), { name: 'SNS.KMSDisabledException' });
      },
    });
    const execution = await w.run({}, 'nightly-0014');

    expect(execution.failure).toBeUndefined();
    expect(execution.path.slice(-2)).toEqual([STATES.sendCanaryAlert, STATES.synced]);
    // Retried before giving up; the metric (and its alarm) still report the miss.
    expect(w.alerts).toHaveLength(4);
    expect(w.metrics).toEqual([{ name: 'CanaryMisses', value: 1 }]);
    expect(execution.output).toMatchObject({ canaryAlertError: { Error: 'SNS.KMSDisabledException' } });
  });

  it('no changes: no sync, so no canaries either', async () => {
    bedrockHappy();
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
    const w = world({ machine: canarySynth });
    await w.run({}, 'first');
    runtimeMock.resetHistory();
    const second = await w.run({}, 'second');
    expect(second.path.at(-1)).toBe(STATES.noChanges);
    expect(runtimeMock.calls()).toEqual([]);
  });
});
