import {
  BedrockAgentRuntimeClient,
  RetrieveCommand,
  type RetrieveCommandOutput,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { canaryResultSchema, describeMiss, runCanaries } from '../../../functions/core/retrieval/canaries.js';
import { freshnessFilter } from '../../../functions/core/retrieval/freshness.js';
import { bedrockRetrieve } from '../../../functions/core/retrieval/retriever.js';
import { fixedClock } from '../../../functions/core/shared/clock.js';
import { loadConfig } from '../../../functions/core/shared/config/load.js';
import { evalCommand } from '../../../functions/local/eval/command.js';

const bedrock = mockClient(BedrockAgentRuntimeClient);
const client = new BedrockAgentRuntimeClient({ region: 'us-east-1' });
const KB = 'KBID123456';

/** One Retrieve result in the service's shape (reference/bedrock-facts.md). */
function result(key: string, metadata: Record<string, unknown>, score: number, text = `texto de ${key}`) {
  const uri = `s3://wpkb-prod-data/${key}`;
  return {
    content: { text, type: 'TEXT' as const },
    location: { type: 'S3' as const, s3Location: { uri } },
    metadata: {
      ...metadata,
      'x-amz-bedrock-kb-source-uri': uri,
      'x-amz-bedrock-kb-chunk-id': `chunk-${key}`,
    },
    score,
  };
}

const stores122 = result(
  'kb/stores/122.csv',
  { source_id: '122', content_type: 'stores', title: 'Fiordo Kids', url: 'https://x/fiordo' },
  0.71,
);
const stores584 = result(
  'kb/stores/584.csv',
  { source_id: '584', content_type: 'stores', title: 'Fiordo Deco' },
  0.65,
);
// A chunk whose metadata lacks the item keys: the S3 key tells the item.
const faqBare = result('kb/faq/faq-hay-wi-fi-gratis.csv', {}, 0.5);

afterEach(() => bedrock.reset());

describe('bedrockRetrieve (the Retrieve API)', () => {
  it('sends the question, k and the filter, and reads the item from the chunk metadata or its S3 key', async () => {
    bedrock.on(RetrieveCommand).resolves({ retrievalResults: [stores122, faqBare] });
    const retrieve = bedrockRetrieve({ client, knowledgeBaseId: KB });
    const filter = freshnessFilter({
      clock: fixedClock('2026-03-01T12:00:00Z'),
      timeZone: 'America/Santiago',
    });
    const results = await retrieve('¿Dónde está Fiordo Kids?', { k: 7, filter });
    expect(bedrock.commandCalls(RetrieveCommand)[0]?.args[0].input).toEqual({
      knowledgeBaseId: KB,
      retrievalQuery: { text: '¿Dónde está Fiordo Kids?' },
      retrievalConfiguration: {
        vectorSearchConfiguration: {
          numberOfResults: 7,
          filter: { greaterThanOrEquals: { key: 'available_until', value: 20260301 } },
        },
      },
    });
    expect(results).toEqual([
      {
        source_id: '122',
        content_type: 'stores',
        title: 'Fiordo Kids',
        url: 'https://x/fiordo',
        score: 0.71,
        text: 'texto de kb/stores/122.csv',
        location: 's3://wpkb-prod-data/kb/stores/122.csv',
      },
      {
        source_id: 'faq-hay-wi-fi-gratis',
        content_type: 'faq',
        title: '',
        url: '',
        score: 0.5,
        text: 'texto de kb/faq/faq-hay-wi-fi-gratis.csv',
        location: 's3://wpkb-prod-data/kb/faq/faq-hay-wi-fi-gratis.csv',
      },
    ]);
  });

  it('caps numberOfResults at 100 and names the knowledge base when the call fails', async () => {
    bedrock.on(RetrieveCommand).resolves({ retrievalResults: [] } as unknown as RetrieveCommandOutput);
    await bedrockRetrieve({ client, knowledgeBaseId: KB })('x', { k: 500 });
    expect(
      bedrock.commandCalls(RetrieveCommand)[0]?.args[0].input.retrievalConfiguration
        ?.vectorSearchConfiguration?.numberOfResults,
    ).toBe(100);
    bedrock.reset();
    bedrock
      .on(RetrieveCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(bedrockRetrieve({ client, knowledgeBaseId: KB })('x', { k: 5 })).rejects.toThrow(
      `Retrieve on knowledge base ${KB} failed: ThrottlingException: Rate exceeded`,
    );
  });

  it('runs `wpkb eval --target bedrock` over a question set', async () => {
    bedrock.on(RetrieveCommand).callsFake((input: { retrievalQuery: { text: string } }) => ({
      retrievalResults: input.retrievalQuery.text.includes('Fiordo') ? [stores584, stores122] : [faqBare],
    }));
    const report = await evalCommand({
      config: loadConfig({}),
      target: 'bedrock',
      k: 5,
      dataDir: '/nonexistent',
      knowledgeBaseId: KB,
      region: 'us-east-1',
      questionsFile: 'test/fixtures/eval/bedrock-questions.yaml',
    });
    expect(report.target).toBe(`bedrock ${KB}, freshness at 2026-03-01`);
    expect(report.metrics.recall).toEqual({ 1: 0.5, 3: 1, 5: 1 });
    expect(report.metrics.mrr).toBeCloseTo(0.75, 10);
  });

  it('needs a knowledge base id for the bedrock target', async () => {
    await expect(
      evalCommand({
        config: loadConfig({}),
        target: 'bedrock',
        k: 5,
        dataDir: '.',
        questionsFile: 'test/fixtures/eval/bedrock-questions.yaml',
      }),
    ).rejects.toThrow('--target bedrock needs --knowledge-base-id');
  });
});

describe('runCanaries (post-sync core)', () => {
  it('sorts canaries into hits and misses, naming what came back', async () => {
    bedrock.on(RetrieveCommand).callsFake((input: { retrievalQuery: { text: string } }) => ({
      retrievalResults: input.retrievalQuery.text.includes('wifi') ? [faqBare] : [stores584, stores122],
    }));
    const retrieve = bedrockRetrieve({ client, knowledgeBaseId: KB });
    const result = await runCanaries(retrieve, [
      { question: '¿Dónde está Fiordo Kids?', expected: '122' },
      { question: '¿Dónde está Fiordo Kids?', expected: 'fiordo kids', k: 1 },
      { question: 'hay wifi', expected: 'faq-hay-wi-fi-gratis', type: 'faq' },
    ]);
    expect(canaryResultSchema.parse(result)).toEqual(result);
    expect(result.ok).toBe(false);
    expect(result.hits.map((h) => [h.expected, h.rank])).toEqual([
      ['122', 2],
      ['faq-hay-wi-fi-gratis', 1],
    ]);
    expect(result.misses).toHaveLength(1);
    const [miss] = result.misses;
    expect(miss).toMatchObject({ expected: 'fiordo kids', k: 1 });
    expect(miss?.got.map((g) => g.source_id)).toEqual(['584']);
    expect(describeMiss(miss as never)).toBe(
      'canary miss: "¿Dónde está Fiordo Kids?" expected fiordo kids in the top 1; got 584 "Fiordo Deco" (0.650)',
    );
    // k per canary, and the type as an equals filter on content_type
    const calls = bedrock
      .commandCalls(RetrieveCommand)
      .map((c) => c.args[0].input.retrievalConfiguration?.vectorSearchConfiguration);
    expect(calls.map((c) => c?.numberOfResults)).toEqual([5, 1, 5]);
    expect(calls[2]?.filter).toEqual({ equals: { key: 'content_type', value: 'faq' } });
  });

  it('counts a failing Retrieve as a miss with its reason, and passes the base filter', async () => {
    bedrock
      .on(RetrieveCommand)
      .rejects(Object.assign(new Error('no such KB'), { name: 'ResourceNotFoundException' }));
    const base = { equals: { key: 'content_type', value: 'stores' } } as const;
    const result = await runCanaries(
      bedrockRetrieve({ client, knowledgeBaseId: KB }),
      [{ question: 'q', expected: '1' }],
      {
        baseFilter: base,
      },
    );
    expect(result).toMatchObject({ ok: false, hits: [] });
    expect(describeMiss(result.misses[0] as never)).toBe(
      `canary miss: "q" expected 1 in the top 5; got error: Retrieve on knowledge base ${KB} failed: ResourceNotFoundException: no such KB`,
    );
    expect(
      bedrock.commandCalls(RetrieveCommand)[0]?.args[0].input.retrievalConfiguration
        ?.vectorSearchConfiguration?.filter,
    ).toEqual(base);
  });

  it('validates its input (zod)', async () => {
    await expect(runCanaries(async () => [], [{ question: '', expected: '1' }])).rejects.toThrow();
    expect(await runCanaries(async () => [], [])).toEqual({ ok: true, hits: [], misses: [] });
  });
});
