import type { Retrieve } from '../../core/retrieval/retriever.js';
import type { LocalKb, RetrievalTuning } from './retrieve.js';

/** The local index (`npm start`) as a Retrieve. */
export function localRetrieve(kb: LocalKb, tuning?: Partial<RetrievalTuning>): Retrieve {
  return async (question, { k, filter }) => {
    const passages = await kb.retrieve(question, {
      k,
      ...(filter ? { filter } : {}),
      ...(tuning ? { tuning } : {}),
    });
    return passages.map((p) => ({
      source_id: p.source_id,
      content_type: p.content_type,
      title: p.title,
      url: p.url,
      score: p.score,
      text: p.text,
      location: p.key,
    }));
  };
}
