import type { ChunkingConfig } from '../../core/shared/config/cloud-schema.js';
import type { WpkbConfig } from '../../core/shared/config/schema.js';
import { createHashingEmbedder, type Embedder } from './embedder.js';
import type { RetrievalTuning } from './retrieve.js';
import { createTitanEmbedder } from './titan.js';

/**
 * The embedder `localKb.embedder` names. Titan's AWS client is loaded and built only here, only when
 * configured (the SDK module is not even imported otherwise: CLI start-up stays fast).
 */
export async function embedderFromConfig(config: WpkbConfig): Promise<Embedder> {
  if (config.localKb.embedder === 'titan') {
    const { BedrockRuntimeClient } = await import('@aws-sdk/client-bedrock-runtime');
    const client = new BedrockRuntimeClient(
      config.localKb.titanRegion ? { region: config.localKb.titanRegion } : {},
    );
    return createTitanEmbedder({ client, dimensions: config.cloud.embedding.dimensions });
  }
  return createHashingEmbedder(config.localKb.hashingDimensions);
}

/** The cloud data source's chunking: the local index chunks the same way. */
export const chunkingFromConfig = (config: WpkbConfig): ChunkingConfig => config.cloud.knowledgeBase.chunking;

export const tuningFromConfig = (config: WpkbConfig): RetrievalTuning => ({
  mode: 'hybrid',
  textWeight: config.localKb.textWeight,
  vectorWeight: config.localKb.vectorWeight,
  tolerance: config.localKb.typoTolerance,
  similarity: config.localKb.minSimilarity,
});
