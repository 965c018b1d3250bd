import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { ChunkingConfig } from '../functions/core/shared/config/cloud-schema.js';
import { acknowledge } from './nag.js';
import { secretReadStatements } from './pinecone-index.js';
import { fingerprint } from './settings.js';

/** Titan Text Embeddings V2: 1024 (default), 512 or 256 dimensions; input up to 8,192 tokens. */
export const EMBEDDING_MODEL_ID = 'amazon.titan-embed-text-v2:0';

export interface KnowledgeBaseProps {
  /** `wpkb-<env>`: prefixes the knowledge base and data source names. */
  namePrefix: string;
  description: string;
  dataBucket: s3.IBucket;
  /** The data source's single inclusion prefix. */
  inclusionPrefix: string;
  embeddingDimensions: 1024 | 512 | 256;
  pinecone: {
    /** Configured index name (for the fingerprint: a new index means a new knowledge base). */
    indexName: string;
    /** `https://<host>` of the index, from the index custom resource. */
    connectionString: string;
    namespace: string;
    textField: string;
    metadataField: string;
    /** Secret name or ARN as configured (for IAM). */
    apiKeySecret: string;
    /** Complete secret ARN (from the index custom resource) for `credentialsSecretArn`. */
    apiKeySecretArn: string;
    apiKeySecretKmsKeyArn?: string;
  };
  chunking: ChunkingConfig;
  dataDeletionPolicy: 'DELETE' | 'RETAIN';
}

/** Bedrock's chunking configuration for a configured strategy. */
export function chunkingConfiguration(
  chunking: ChunkingConfig,
): bedrock.CfnDataSource.ChunkingConfigurationProperty {
  switch (chunking.strategy) {
    case 'FIXED_SIZE':
      return {
        chunkingStrategy: 'FIXED_SIZE',
        fixedSizeChunkingConfiguration: {
          maxTokens: chunking.maxTokens,
          overlapPercentage: chunking.overlapPercentage,
        },
      };
    case 'NONE':
      return { chunkingStrategy: 'NONE' };
    case 'HIERARCHICAL':
      return {
        chunkingStrategy: 'HIERARCHICAL',
        hierarchicalChunkingConfiguration: {
          levelConfigurations: [
            { maxTokens: chunking.parentMaxTokens },
            { maxTokens: chunking.childMaxTokens },
          ],
          overlapTokens: chunking.overlapTokens,
        },
      };
    case 'SEMANTIC':
      return {
        chunkingStrategy: 'SEMANTIC',
        semanticChunkingConfiguration: {
          maxTokens: chunking.maxTokens,
          bufferSize: chunking.bufferSize,
          breakpointPercentileThreshold: chunking.breakpointPercentileThreshold,
        },
      };
  }
}

/**
 * The Bedrock knowledge base (Titan V2 embeddings, Pinecone storage) and its S3 data source on `kb/`,
 * with a service role that can do exactly that: invoke the embedding model, read `kb/`, read the one
 * Pinecone secret.
 *
 * Pinecone settings and the embedding model cannot change in place (CloudFormation replaces the
 * knowledge base), and the chunking of a data source neither: their fingerprints are part of the
 * names, so a replacement never collides with the name of the resource it replaces.
 */
export class KnowledgeBase extends Construct {
  readonly knowledgeBase: bedrock.CfnKnowledgeBase;
  readonly dataSource: bedrock.CfnDataSource;
  readonly role: iam.Role;
  readonly knowledgeBaseId: string;
  readonly knowledgeBaseArn: string;
  readonly dataSourceId: string;
  /** Changes exactly when the knowledge base would be replaced (consumers fold it into their own hashes). */
  readonly fingerprint: string;

  constructor(scope: Construct, id: string, props: KnowledgeBaseProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { pinecone } = props;

    const embeddingModelArn = stack.formatArn({
      service: 'bedrock',
      account: '',
      resource: 'foundation-model',
      resourceName: EMBEDDING_MODEL_ID,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const kbPrefix = props.inclusionPrefix.replace(/\/?$/, '/');

    this.role = new iam.Role(this, 'Role', {
      description: `Service role of the ${props.namePrefix} Bedrock knowledge base`,
      assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'bedrock',
              resource: 'knowledge-base',
              resourceName: '*',
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
            }),
          },
        },
      }),
      // Inline, so the permissions exist before Bedrock validates them while creating the knowledge base.
      inlinePolicies: {
        KnowledgeBase: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'EmbedWithTitanV2',
              actions: ['bedrock:InvokeModel'],
              resources: [embeddingModelArn],
            }),
            new iam.PolicyStatement({
              sid: 'ListKnowledgePrefix',
              actions: ['s3:ListBucket'],
              resources: [props.dataBucket.bucketArn],
              conditions: {
                StringLike: { 's3:prefix': [kbPrefix, `${kbPrefix}*`] },
                StringEquals: { 'aws:ResourceAccount': Aws.ACCOUNT_ID },
              },
            }),
            new iam.PolicyStatement({
              sid: 'ReadKnowledgeDocuments',
              actions: ['s3:GetObject'],
              resources: [props.dataBucket.arnForObjects(`${kbPrefix}*`)],
              conditions: { StringEquals: { 'aws:ResourceAccount': Aws.ACCOUNT_ID } },
            }),
            ...secretReadStatements(this, pinecone.apiKeySecret, pinecone.apiKeySecretKmsKeyArn),
          ],
        }),
      },
    });
    acknowledge(
      this.role,
      'AwsSolutions-IAM5',
      'Bedrock reads the documents under kb/ only; their keys are created nightly by the pipeline and cannot be listed at deploy time.',
      `Resource::<${stack.getLogicalId(props.dataBucket.node.defaultChild as s3.CfnBucket)}.Arn>/${kbPrefix}*`,
    );

    this.fingerprint = fingerprint({
      embeddingModel: EMBEDDING_MODEL_ID,
      dimensions: props.embeddingDimensions,
      index: pinecone.indexName,
      namespace: pinecone.namespace,
      textField: pinecone.textField,
      metadataField: pinecone.metadataField,
      secret: pinecone.apiKeySecret,
    });

    this.knowledgeBase = new bedrock.CfnKnowledgeBase(this, 'Resource', {
      name: `${props.namePrefix}-kb-${this.fingerprint.slice(0, 8)}`,
      description: props.description,
      roleArn: this.role.roleArn,
      knowledgeBaseConfiguration: {
        type: 'VECTOR',
        vectorKnowledgeBaseConfiguration: {
          embeddingModelArn,
          embeddingModelConfiguration: {
            bedrockEmbeddingModelConfiguration: { dimensions: props.embeddingDimensions },
          },
        },
      },
      storageConfiguration: {
        type: 'PINECONE',
        pineconeConfiguration: {
          connectionString: pinecone.connectionString,
          credentialsSecretArn: pinecone.apiKeySecretArn,
          namespace: pinecone.namespace,
          fieldMapping: { textField: pinecone.textField, metadataField: pinecone.metadataField },
        },
      },
    });

    const chunking = chunkingConfiguration(props.chunking);
    this.dataSource = new bedrock.CfnDataSource(this, 'SiteContent', {
      knowledgeBaseId: this.knowledgeBase.attrKnowledgeBaseId,
      name: `${props.namePrefix}-content-${fingerprint(chunking, 8)}`,
      description: `Documents under s3://…/${kbPrefix}: WordPress items and curated FAQ, one document per item`,
      dataDeletionPolicy: props.dataDeletionPolicy,
      dataSourceConfiguration: {
        type: 'S3',
        s3Configuration: {
          bucketArn: props.dataBucket.bucketArn,
          bucketOwnerAccountId: Aws.ACCOUNT_ID,
          inclusionPrefixes: [kbPrefix],
        },
      },
      vectorIngestionConfiguration: { chunkingConfiguration: chunking },
    });

    this.knowledgeBaseId = this.knowledgeBase.attrKnowledgeBaseId;
    this.knowledgeBaseArn = this.knowledgeBase.attrKnowledgeBaseArn;
    this.dataSourceId = this.dataSource.attrDataSourceId;
  }
}
