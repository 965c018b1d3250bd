import { z } from 'zod';

/**
 * Metadata filters in Bedrock's RetrievalFilter shape (Retrieve's `vectorSearchConfiguration.filter`,
 * and InvokeAgent's `sessionState.knowledgeBaseConfigurations[].retrievalConfiguration`), so one filter
 * value serves the local index, the Retrieve API and the chat endpoint.
 *
 * Semantics (as the SDK documents them): a comparison needs the key to be present, except `notEquals`,
 * which also matches documents without the key. Numbers compare as numbers (file-level sidecar
 * attributes keep their JSON type; CSV column metadata is always a string).
 */

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const attribute = z.object({ key: z.string().min(1), value: scalar });
const listAttribute = z.object({
  key: z.string().min(1),
  value: z.array(z.union([z.string(), z.number()])).min(1),
});
const stringAttribute = z.object({ key: z.string().min(1), value: z.string() });

export type RetrievalFilter =
  | { equals: FilterAttribute }
  | { notEquals: FilterAttribute }
  | { greaterThan: FilterAttribute }
  | { greaterThanOrEquals: FilterAttribute }
  | { lessThan: FilterAttribute }
  | { lessThanOrEquals: FilterAttribute }
  | { in: { key: string; value: (string | number)[] } }
  | { notIn: { key: string; value: (string | number)[] } }
  | { listContains: { key: string; value: string } }
  | { stringContains: { key: string; value: string } }
  | { startsWith: { key: string; value: string } }
  | { andAll: RetrievalFilter[] }
  | { orAll: RetrievalFilter[] };
export interface FilterAttribute {
  key: string;
  value: string | number | boolean;
}

export const retrievalFilterSchema: z.ZodType<RetrievalFilter> = z.lazy(() =>
  z.union([
    z.strictObject({ equals: attribute }),
    z.strictObject({ notEquals: attribute }),
    z.strictObject({ greaterThan: attribute }),
    z.strictObject({ greaterThanOrEquals: attribute }),
    z.strictObject({ lessThan: attribute }),
    z.strictObject({ lessThanOrEquals: attribute }),
    z.strictObject({ in: listAttribute }),
    z.strictObject({ notIn: listAttribute }),
    z.strictObject({ listContains: stringAttribute }),
    z.strictObject({ stringContains: stringAttribute }),
    z.strictObject({ startsWith: stringAttribute }),
    // Bedrock requires at least two members in andAll / orAll.
    z.strictObject({ andAll: z.array(retrievalFilterSchema).min(2, 'andAll needs at least 2 filters') }),
    z.strictObject({ orAll: z.array(retrievalFilterSchema).min(2, 'orAll needs at least 2 filters') }),
  ]),
);

/** `andAll` of the given filters, or the one filter, or undefined (Bedrock rejects andAll of one). */
export function allOf(...filters: (RetrievalFilter | undefined)[]): RetrievalFilter | undefined {
  const present = filters.filter((f): f is RetrievalFilter => f !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return { andAll: present };
}

/** Only this content type (`kb/<type>/…`'s `content_type` metadata). */
export const contentTypeFilter = (type: string): RetrievalFilter => ({
  equals: { key: 'content_type', value: type },
});
