import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import type { ChunkingConfig } from '../../functions/core/shared/config/cloud-schema.js';
import {
  chunkingConfiguration,
  KnowledgeBase,
  type KnowledgeBaseProps,
} from '../../stacks/knowledge-base.js';
import { bareStack, only } from './synth.js';

type Variant = Partial<Omit<KnowledgeBaseProps, 'pinecone' | 'dataBucket'>> & {
  pinecone?: Partial<KnowledgeBaseProps['pinecone']>;
};

function synth(variant: Variant = {}) {
  const { stack } = bareStack();
  const bucket = new s3.Bucket(stack, 'Data', { enforceSSL: true });
  const kb = new KnowledgeBase(stack, 'KnowledgeBase', {
    namePrefix: 'wpkb-test',
    description: 'Base de conocimiento de prueba',
    dataBucket: bucket,
    inclusionPrefix: 'kb/',
    embeddingDimensions: 1024,
    chunking: { strategy: 'FIXED_SIZE', maxTokens: 300, overlapPercentage: 20 },
    dataDeletionPolicy: 'DELETE',
    ...variant,
    pinecone: {
      indexName: 'wpkb-test',
      connectionString: 'https://wpkb-test-abc1234.svc.aped-4627-b74a.pinecone.io',
      namespace: 'test',
      textField: 'text',
      metadataField: 'metadata',
      apiKeySecret: 'wpkb/test/pinecone',
      apiKeySecretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:wpkb/test/pinecone-AbCdEf',
      ...variant.pinecone,
    },
  });
  const template = Template.fromStack(stack);
  const role = only(template, 'AWS::IAM::Role');
  const statements = (
    role.Properties.Policies as Array<{ PolicyDocument: { Statement: Array<Record<string, unknown>> } }>
  ).flatMap((p) => p.PolicyDocument.Statement);
  return {
    kb,
    template,
    statements,
    knowledgeBase: only(template, 'AWS::Bedrock::KnowledgeBase'),
    dataSource: only(template, 'AWS::Bedrock::DataSource'),
  };
}

describe('chunking', () => {
  it.each<[ChunkingConfig, Record<string, unknown>]>([
    [
      { strategy: 'FIXED_SIZE', maxTokens: 512, overlapPercentage: 10 },
      {
        chunkingStrategy: 'FIXED_SIZE',
        fixedSizeChunkingConfiguration: { maxTokens: 512, overlapPercentage: 10 },
      },
    ],
    [{ strategy: 'NONE' }, { chunkingStrategy: 'NONE' }],
    [
      { strategy: 'HIERARCHICAL', parentMaxTokens: 1500, childMaxTokens: 300, overlapTokens: 60 },
      {
        chunkingStrategy: 'HIERARCHICAL',
        hierarchicalChunkingConfiguration: {
          levelConfigurations: [{ maxTokens: 1500 }, { maxTokens: 300 }],
          overlapTokens: 60,
        },
      },
    ],
    [
      { strategy: 'SEMANTIC', maxTokens: 300, bufferSize: 1, breakpointPercentileThreshold: 90 },
      {
        chunkingStrategy: 'SEMANTIC',
        semanticChunkingConfiguration: { maxTokens: 300, bufferSize: 1, breakpointPercentileThreshold: 90 },
      },
    ],
  ])('maps %j to Bedrock', (config, expected) => {
    expect(chunkingConfiguration(config)).toEqual(expected);
  });

  it('reaches the data source, whose name follows it (a replacement never reuses the old name)', () => {
    const fixed = synth();
    const hierarchical = synth({
      chunking: { strategy: 'HIERARCHICAL', parentMaxTokens: 1500, childMaxTokens: 300, overlapTokens: 60 },
      dataDeletionPolicy: 'RETAIN',
    });
    expect(hierarchical.dataSource.Properties).toMatchObject({
      DataDeletionPolicy: 'RETAIN',
      VectorIngestionConfiguration: { ChunkingConfiguration: { ChunkingStrategy: 'HIERARCHICAL' } },
    });
    expect(hierarchical.dataSource.Properties.Name).not.toBe(fixed.dataSource.Properties.Name);
    expect(synth().dataSource.Properties.Name).toBe(fixed.dataSource.Properties.Name);
  });
});

describe('knowledge base name', () => {
  const base = synth();

  it.each<[string, Variant]>([
    ['the namespace', { pinecone: { namespace: 'other' } }],
    ['the index', { pinecone: { indexName: 'wpkb-other' } }],
    ['the dimensions', { embeddingDimensions: 512 }],
    ['the field mapping', { pinecone: { textField: 'chunk' } }],
  ])('changes with %s (settings that replace the knowledge base)', (_what, variant) => {
    const changed = synth(variant);
    expect(changed.knowledgeBase.Properties.Name).not.toBe(base.knowledgeBase.Properties.Name);
    expect(changed.kb.fingerprint).not.toBe(base.kb.fingerprint);
  });

  it('stays when only the description changes', () => {
    const changed = synth({ description: 'Otra descripción' });
    expect(changed.knowledgeBase.Properties.Name).toBe(base.knowledgeBase.Properties.Name);
  });

  it('writes the configured dimensions', () => {
    expect(
      synth({ embeddingDimensions: 256 }).knowledgeBase.Properties.KnowledgeBaseConfiguration,
    ).toMatchObject({
      VectorKnowledgeBaseConfiguration: {
        EmbeddingModelConfiguration: { BedrockEmbeddingModelConfiguration: { Dimensions: 256 } },
      },
    });
  });
});

describe('Pinecone secret permissions', () => {
  const secretStatement = (s: ReturnType<typeof synth>) =>
    s.statements.find((st) => st.Action === 'secretsmanager:GetSecretValue');

  it('use a complete ARN as it is', () => {
    const arn = 'arn:aws:secretsmanager:sa-east-1:000000000000:secret:wpkb/prod/pinecone-Xy12Zw';
    expect(secretStatement(synth({ pinecone: { apiKeySecret: arn } }))?.Resource).toBe(arn);
  });

  it("complete a partial ARN or a name with Secrets Manager's six-character suffix", () => {
    const partial = 'arn:aws:secretsmanager:sa-east-1:000000000000:secret:wpkb/prod/pinecone';
    expect(secretStatement(synth({ pinecone: { apiKeySecret: partial } }))?.Resource).toBe(
      `${partial}-??????`,
    );
    expect(JSON.stringify(secretStatement(synth())?.Resource)).toMatch(
      /:secret:wpkb\/test\/pinecone-\?{6}"\]\]\}$/,
    );
  });

  it('add decryption with the secret key, through Secrets Manager only', () => {
    const key = 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const s = synth({ pinecone: { apiKeySecretKmsKeyArn: key } });
    const decrypt = s.statements.find((st) => st.Action === 'kms:Decrypt');
    expect(decrypt?.Resource).toBe(key);
    expect(JSON.stringify(decrypt?.Condition)).toContain('"kms:ViaService"');
    expect(synth().statements.find((st) => st.Action === 'kms:Decrypt')).toBeUndefined();
  });

  it('give the knowledge base the complete secret ARN from the index resource', () => {
    const s = synth();
    expect(s.knowledgeBase.Properties.StorageConfiguration).toMatchObject({
      PineconeConfiguration: {
        CredentialsSecretArn:
          'arn:aws:secretsmanager:us-east-1:000000000000:secret:wpkb/test/pinecone-AbCdEf',
      },
    });
  });
});
