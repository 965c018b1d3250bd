import { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import {
  BedrockAgentRuntimeClient,
  type KnowledgeBaseRetrievalResult,
  RetrieveCommand,
  type RetrieveCommandInput,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../functions/core/shared/clock.js';
import { InvalidEventError } from '../../../functions/core/shared/event.js';
import { createMemoryStorage } from '../../../functions/core/storage/memory.js';
import type { CanariesReport, RunReportWithCanaries } from '../../../functions/core/sync/canaries.js';
import { CanaryMissError } from '../../../functions/core/sync/errors.js';
import { makeSyncHandler } from '../../../functions/handlers/sync.js';
import {
  fixture,
  RUN_ID,
  readReports,
  recordingLog,
  recordingMetrics,
  seededStorage,
  settings,
} from './helpers.js';

const runtimeMock = mockClient(BedrockAgentRuntimeClient);
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const runtime = new BedrockAgentRuntimeClient({ region: 'us-east-1', credentials });
const bedrock = new BedrockAgentClient({ region: 'us-east-1', credentials });
const BUCKET = 'wpkb-prod-data-123456789012';

// 02:30 UTC on 21 November is still 20 November in Santiago (UTC-3 in summer): the day of the filter is
// the site's, not UTC's.
const NOW = '2026-11-21T02:30:00.000Z';
const SANTIAGO_TODAY = 20261120;

/** One Retrieve result in the service's shape (reference/bedrock-facts.md). */
function chunk(type: string, id: string, title: string, score: number): KnowledgeBaseRetrievalResult {
  const uri = `s3://${BUCKET}/kb/${type}/${id}.csv`;
  return {
    content: { type: 'TEXT', text: `Título: ${title}\nTexto de ${title}` },
    location: { type: 'S3', s3Location: { uri } },
    metadata: {
      source_id: id,
      content_type: type,
      title,
      url: `https://mall.example.cl/${type}/${id}/`,
      available_until: 99991231,
      'x-amz-bedrock-kb-source-uri': uri,
      'x-amz-bedrock-kb-chunk-id': `chunk-${type}-${id}`,
      'x-amz-bedrock-kb-data-source-id': settings.dataSourceId,
    },
    score,
  };
}

const kids = chunk('stores', '122', 'Fiordo Kids', 0.71);
const deco = chunk('stores', '584', 'Fiordo Deco', 0.65);
const cafe = chunk('restaurant', '125', 'Café Tamarugo', 0.62);
const faq = chunk('faq', 'faq-hay-wi-fi-gratis', '¿Hay wifi gratis?', 0.58);

/** The knowledge base's answers, by question. */
function answers(byQuestion: Record<string, KnowledgeBaseRetrievalResult[]>): void {
  runtimeMock.on(RetrieveCommand).callsFake((input: RetrieveCommandInput) => ({
    retrievalResults: byQuestion[input.retrievalQuery?.text ?? ''] ?? [],
  }));
}

const retrieveInputs = () => runtimeMock.commandCalls(RetrieveCommand).map((c) => c.args[0].input);

async function setup(options: { storage?: Awaited<ReturnType<typeof seededStorage>> } = {}) {
  const storage = options.storage ?? (await seededStorage());
  const log = recordingLog();
  const metrics = recordingMetrics();
  const handler = makeSyncHandler({
    settings,
    bedrock,
    runtime,
    indexStats: () => Promise.reject(new Error('Pinecone must not be called here')),
    storage,
    log,
    clock: fixedClock(NOW),
    metrics,
  });
  return { storage, log, metrics, handler };
}

const QUESTIONS = [
  { question: '¿Dónde está Fiordo Kids?', expected: '122' },
  { question: '¿Dónde queda el Café Tamarugo?', expected: 'cafe tamarugo', type: 'restaurant', k: 3 },
  { question: '¿Hay wifi?', expected: 'faq-hay-wi-fi-gratis' },
];
const event = (patch: Record<string, unknown> = {}) => ({
  action: 'canaries',
  runId: RUN_ID,
  questions: QUESTIONS,
  strict: false,
  timeZone: 'America/Santiago',
  ...patch,
});

beforeEach(() => {
  runtimeMock.reset();
});

describe('sync action "canaries"', () => {
  it('all hit: asks each question on the knowledge base with the freshness filter, reports and counts 0', async () => {
    answers({
      '¿Dónde está Fiordo Kids?': [deco, kids],
      '¿Dónde queda el Café Tamarugo?': [cafe],
      '¿Hay wifi?': [faq, kids],
    });
    const { storage, metrics, handler, log } = await setup();

    const output = await handler(event());

    expect(output).toEqual({ ok: true, asked: 3, hits: 3, misses: 0, strict: false, summary: '' });
    const freshness = { greaterThanOrEquals: { key: 'available_until', value: SANTIAGO_TODAY } };
    expect(retrieveInputs()).toEqual([
      {
        knowledgeBaseId: settings.knowledgeBaseId,
        retrievalQuery: { text: '¿Dónde está Fiordo Kids?' },
        retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 5, filter: freshness } },
      },
      {
        knowledgeBaseId: settings.knowledgeBaseId,
        retrievalQuery: { text: '¿Dónde queda el Café Tamarugo?' },
        retrievalConfiguration: {
          vectorSearchConfiguration: {
            numberOfResults: 3,
            filter: { andAll: [freshness, { equals: { key: 'content_type', value: 'restaurant' } }] },
          },
        },
      },
      {
        knowledgeBaseId: settings.knowledgeBaseId,
        retrievalQuery: { text: '¿Hay wifi?' },
        retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 5, filter: freshness } },
      },
    ]);
    expect(metrics.points).toEqual([{ name: 'CanaryMisses', value: 0 }]);
    expect(log.entries.filter((e) => e.level === 'warn')).toEqual([]);

    const { run, latest } = await readReports(storage);
    const report = run as RunReportWithCanaries;
    expect(report.status).toBe('succeeded');
    expect(report.finishedAt).toBe(NOW);
    expect(report.canaries).toEqual({
      ok: true,
      strict: false,
      asked: 3,
      today: SANTIAGO_TODAY,
      hits: [
        { question: '¿Dónde está Fiordo Kids?', expected: '122', k: 5, rank: 2 },
        {
          question: '¿Dónde queda el Café Tamarugo?',
          expected: 'cafe tamarugo',
          type: 'restaurant',
          k: 3,
          rank: 1,
        },
        { question: '¿Hay wifi?', expected: 'faq-hay-wi-fi-gratis', k: 5, rank: 1 },
      ],
      misses: [],
      checkedAt: NOW,
    } satisfies CanariesReport);
    expect(latest).toEqual(run);
    // What transform wrote is kept.
    expect(report.totals).toEqual(fixture<RunReportWithCanaries>('run-report.json').totals);
  });

  it('a miss (not strict): returns the alert summary naming the question, the expected item and what came back', async () => {
    answers({
      '¿Dónde está Fiordo Kids?': [deco, cafe],
      '¿Dónde queda el Café Tamarugo?': [cafe],
      '¿Hay wifi?': [faq],
    });
    const { storage, metrics, handler, log } = await setup();

    const output = await handler(event());

    expect(output).toEqual({
      ok: false,
      asked: 3,
      hits: 2,
      misses: 1,
      strict: false,
      summary:
        'canary miss: "¿Dónde está Fiordo Kids?" expected 122 in the top 5; got 584 "Fiordo Deco" (0.650), 125 "Café Tamarugo" (0.620)',
    });
    expect(metrics.points).toEqual([{ name: 'CanaryMisses', value: 1 }]);
    expect(log.entries.find((e) => e.level === 'warn')).toEqual({
      level: 'warn',
      message: 'Canary missed',
      extra: {
        question: '¿Dónde está Fiordo Kids?',
        expected: '122',
        k: 5,
        got: ['584 Fiordo Deco', '125 Café Tamarugo'],
      },
    });
    const report = (await readReports(storage)).run as RunReportWithCanaries;
    // The run itself succeeded: only the canary section tells.
    expect(report.status).toBe('succeeded');
    expect(report.error).toBeUndefined();
    expect(report.canaries).toMatchObject({ ok: false, asked: 3, hits: [{}, {}] });
    expect(report.canaries?.misses).toEqual([
      {
        question: '¿Dónde está Fiordo Kids?',
        expected: '122',
        k: 5,
        got: [
          {
            source_id: '584',
            content_type: 'stores',
            title: 'Fiordo Deco',
            score: 0.65,
            location: `s3://${BUCKET}/kb/stores/584.csv`,
          },
          {
            source_id: '125',
            content_type: 'restaurant',
            title: 'Café Tamarugo',
            score: 0.62,
            location: `s3://${BUCKET}/kb/restaurant/125.csv`,
          },
        ],
      },
    ]);
  });

  it('a miss with canaries.strict: reports the run failed, counts the miss and throws CanaryMissError naming it', async () => {
    answers({ '¿Dónde está Fiordo Kids?': [kids], '¿Hay wifi?': [kids, deco] });
    const { storage, metrics, handler } = await setup();

    const error = await handler(event({ strict: true })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CanaryMissError);
    expect((error as Error).name).toBe('CanaryMissError');
    expect((error as Error).message).toBe(
      '2 of 3 canaries missed: canary miss: "¿Dónde queda el Café Tamarugo?" expected cafe tamarugo in the top 3; got nothing; ' +
        'canary miss: "¿Hay wifi?" expected faq-hay-wi-fi-gratis in the top 5; got 122 "Fiordo Kids" (0.710), 584 "Fiordo Deco" (0.650)',
    );
    expect((error as CanaryMissError).misses).toHaveLength(2);
    expect(metrics.points).toEqual([{ name: 'CanaryMisses', value: 2 }]);
    const report = (await readReports(storage)).run as RunReportWithCanaries;
    expect(report.status).toBe('failed');
    expect(report.error).toBe((error as Error).message);
    expect(report.canaries).toMatchObject({ ok: false, strict: true, asked: 3 });
  });

  it('strict with every canary hit succeeds', async () => {
    answers({ '¿Dónde está Fiordo Kids?': [kids] });
    const { handler } = await setup();
    await expect(handler(event({ questions: [QUESTIONS[0]], strict: true }))).resolves.toMatchObject({
      ok: true,
      asked: 1,
      strict: true,
    });
  });

  it('a failing Retrieve is a miss that says why; the other canaries are still asked', async () => {
    runtimeMock
      .on(RetrieveCommand)
      .rejectsOnce(
        Object.assign(new Error('User is not authorized to perform bedrock:Retrieve'), {
          name: 'AccessDeniedException',
        }),
      )
      .resolves({ retrievalResults: [cafe] });
    const { handler, metrics } = await setup();

    const output = await handler(event({ questions: QUESTIONS.slice(0, 2) }));

    expect(output).toMatchObject({ ok: false, asked: 2, hits: 1, misses: 1 });
    expect((output as { summary: string }).summary).toBe(
      `canary miss: "¿Dónde está Fiordo Kids?" expected 122 in the top 5; got error: Retrieve on knowledge base ${settings.knowledgeBaseId} failed: AccessDeniedException: User is not authorized to perform bedrock:Retrieve`,
    );
    expect(retrieveInputs()).toHaveLength(2);
    expect(metrics.points).toEqual([{ name: 'CanaryMisses', value: 1 }]);
  });

  it('the alert shows at most 5 results per miss and says how many more came back', async () => {
    const many = Array.from({ length: 8 }, (_, i) =>
      chunk('stores', String(300 + i), `Tienda ${i}`, 0.6 - i / 100),
    );
    answers({ '¿Dónde está Fiordo Kids?': many });
    const { handler, storage } = await setup();

    const output = await handler(event({ questions: [{ ...QUESTIONS[0], k: 10 }] }));

    const summary = (output as { summary: string }).summary;
    expect(summary).toMatch(
      /^canary miss: "¿Dónde está Fiordo Kids\?" expected 122 in the top 10; got 300 "Tienda 0"/,
    );
    expect(summary.match(/"Tienda \d"/g)).toHaveLength(5);
    expect(summary.endsWith('304 "Tienda 4" (0.560), and 3 more')).toBe(true);
    // The report keeps every result.
    const report = (await readReports(storage)).run as RunReportWithCanaries;
    expect(report.canaries?.misses[0]?.got).toHaveLength(8);
  });

  it('no canaries: a no-op — nothing asked, counted or written', async () => {
    const { storage, handler, metrics } = await setup();
    const before = await readReports(storage);

    expect(await handler(event({ questions: [] }))).toEqual({
      ok: true,
      asked: 0,
      hits: 0,
      misses: 0,
      strict: false,
      summary: '',
    });
    expect(retrieveInputs()).toEqual([]);
    expect(metrics.points).toEqual([]);
    expect(await readReports(storage)).toEqual(before);
  });

  it('still runs, counts and answers when the run report is missing, with a warning', async () => {
    answers({ '¿Dónde está Fiordo Kids?': [deco] });
    const { handler, metrics, log } = await setup({ storage: createMemoryStorage() });

    const output = await handler(event({ questions: [QUESTIONS[0]] }));

    expect(output).toMatchObject({ ok: false, misses: 1 });
    expect(metrics.points).toEqual([{ name: 'CanaryMisses', value: 1 }]);
    expect(log.entries.map((e) => e.message)).toContain('Run report not found: not updated');
  });

  it.each([
    [{ timeZone: undefined }, 'sync event: timeZone: '],
    [{ timeZone: 'Mars/Olympus' }, 'sync event: timeZone: must be an IANA time zone like America/Santiago'],
    [{ questions: [{ question: '', expected: '1' }] }, 'sync event: questions.0.question: '],
    [{ questions: [{ question: 'q', expected: '1', k: 0 }] }, 'sync event: questions.0.k: '],
    [
      { questions: Array.from({ length: 31 }, (_, i) => ({ question: `q${i}`, expected: '1' })) },
      'sync event: questions: at most 30 canaries',
    ],
    [{ strict: 'yes' }, 'sync event: strict: '],
  ])('refuses the malformed event %j naming the field, before asking anything', async (patch, message) => {
    const { handler } = await setup();
    const error = await handler(event(patch)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).message.startsWith(message)).toBe(true);
    expect(retrieveInputs()).toEqual([]);
  });
});
