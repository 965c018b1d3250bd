import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createHashingEmbedder } from '../../../functions/local/knowledge-base/embedder.js';
import { createTitanEmbedder, TITAN_V2_MODEL_ID } from '../../../functions/local/knowledge-base/titan.js';

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

describe('hashing embedder (offline, lexical)', () => {
  const embedder = createHashingEmbedder(256);

  it('names its vector space and gives unit vectors of its size, the same every time', async () => {
    expect(embedder.id).toBe('hashing-v3-256');
    const [a, again] = await embedder.embed(
      ['Zapatería Andes, nivel 2', 'Zapatería Andes, nivel 2'],
      'document',
    );
    expect(a).toHaveLength(256);
    expect(a).toEqual(again);
    expect(cosine(a ?? [], a ?? [])).toBeCloseTo(1, 5);
  });

  it('puts accent-less, upper-case, inflected and misspelt forms close, unrelated text far', async () => {
    const [doc, noAccents, plural, typo, other] = await embedder.embed(
      [
        'teléfono de la óptica',
        'TELEFONO OPTICA',
        'teléfonos ópticas',
        'telefno optica',
        'helados artesanales',
      ],
      'query',
    );
    const d = doc ?? [];
    const far = cosine(d, other ?? []);
    for (const near of [noAccents, plural, typo]) expect(cosine(d, near ?? [])).toBeGreaterThan(far + 0.3);
  });

  it('gives a zero vector for text without content words', async () => {
    const [v] = await embedder.embed(['de la el'], 'query');
    expect(v?.every((x) => x === 0)).toBe(true);
  });

  it('rejects absurd sizes', () => {
    expect(() => createHashingEmbedder(3)).toThrow('dimensions must be an integer in 16..8192');
  });
});

describe('Titan Text Embeddings V2 embedder (at the SDK boundary)', () => {
  const bedrock = mockClient(BedrockRuntimeClient);
  afterEach(() => bedrock.reset());
  const body = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)) as never;

  it('sends one InvokeModel per text with {inputText, dimensions, normalize} and reads `embedding`', async () => {
    bedrock.on(InvokeModelCommand).callsFake((input: { body: string }) => {
      const { inputText } = JSON.parse(input.body) as { inputText: string };
      return {
        body: body({
          embedding: Array.from({ length: 256 }, () => inputText.length),
          inputTextTokenCount: 3,
        }),
      };
    });
    const titan = createTitanEmbedder({
      client: new BedrockRuntimeClient({ region: 'us-east-1' }),
      dimensions: 256,
    });
    expect(titan.id).toBe(`titan:${TITAN_V2_MODEL_ID}:256`);
    const vectors = await titan.embed(['uno', 'cuatro'], 'document');
    expect(vectors.map((v) => [v.length, v[0]])).toEqual([
      [256, 3],
      [256, 6],
    ]);
    const calls = bedrock.commandCalls(InvokeModelCommand);
    expect(calls).toHaveLength(2);
    const input = calls[0]?.args[0].input;
    expect(input).toMatchObject({ modelId: 'amazon.titan-embed-text-v2:0', contentType: 'application/json' });
    expect(JSON.parse(String(input?.body))).toEqual({ inputText: 'uno', dimensions: 256, normalize: true });
  });

  it('fails with one line naming the model and the text when Bedrock refuses or answers oddly', async () => {
    const client = new BedrockRuntimeClient({ region: 'us-east-1' });
    bedrock
      .on(InvokeModelCommand)
      .rejects(Object.assign(new Error('no access to the model'), { name: 'AccessDeniedException' }));
    await expect(createTitanEmbedder({ client }).embed(['a'], 'query')).rejects.toThrow(
      'Titan embeddings (amazon.titan-embed-text-v2:0): text 1 failed: AccessDeniedException: no access to the model',
    );
    bedrock.reset();
    bedrock.on(InvokeModelCommand).resolves({ body: body({ embedding: [1, 2] }) });
    await expect(createTitanEmbedder({ client }).embed(['a'], 'query')).rejects.toThrow(
      'expected 1024 numbers',
    );
  });
});
