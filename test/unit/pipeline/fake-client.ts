import { WordPressError } from '../../../functions/core/shared/errors.js';
import type { TermsByTaxonomy, WpItem } from '../../../functions/core/shared/types.js';
import type { WordPressClient } from '../../../functions/core/wordpress/client.js';
import { resolvedType } from '../resolved.js';

export interface FakeClientOptions {
  /** Published items by content type name (what the site lists and returns by id). */
  items: (type: string) => WpItem[];
  terms?: TermsByTaxonomy;
  /** Reads of this type fail as a site answering 503 would. */
  failing?: string;
  /** Items per page of `fetchPage` (the configuration's perPage); default 100. */
  perPage?: number;
  /** Records each call: `list stores`, `ids stores 101,102`, `item stores 101`, `terms categoria_tienda run-1`. */
  calls?: string[];
}

/**
 * A WordPress client double over in-memory items, for pipeline and handler tests whose subject is not the
 * HTTP client (that has its own HTTP-level tests): listing, reads by id and full reads answer from `items`.
 */
export function fakeClient(options: FakeClientOptions): WordPressClient {
  const calls = options.calls ?? [];
  const published = (type: string) => [...options.items(type)].sort((a, b) => a.id - b.id);
  const fail = (type: string, what: string) => {
    if (type === options.failing) {
      throw new WordPressError(
        `${type}: GET https://mall.example.cl/wp-json/wp/v2/${type}?${what} failed with HTTP 503 after 6 attempts`,
        `https://mall.example.cl/wp-json/wp/v2/${type}`,
        503,
      );
    }
  };
  return {
    discover: async () => ({
      name: 'Mall',
      apiRoot: 'https://mall.example.cl/wp-json/',
      routeStyle: 'pretty',
      postTypes: [],
    }),
    resolveTypes: async (types) => types.map((type) => ({ type: resolvedType(type), warnings: [] })),
    sampleItems: async () => ({ items: [], total: 0 }),
    taxonomies: async () => [],
    fetchAll: async (type) => {
      fail(type.name, 'page=2');
      const items = published(type.name);
      return {
        type: type.name,
        items,
        total: items.length,
        pages: 1,
        requests: 1,
        retries: 0,
        durationMs: 5,
      };
    },
    listItems: async (type, since) => {
      // Like WordPress: `modified_after` / `after` keep items whose modified_gmt / date_gmt is later.
      const [param, field, instant] = !since
        ? []
        : 'modifiedAfter' in since
          ? (['modified_after', 'modified_gmt', since.modifiedAfter] as const)
          : (['after', 'date_gmt', since.publishedAfter] as const);
      calls.push(param ? `list ${type.name} ${param}` : `list ${type.name}`);
      fail(type.name, `page=1&_fields=id,modified_gmt${param ? `&${param}=${instant}` : ''}`);
      const later = (item: WpItem) => !field || Date.parse(`${item[field] ?? ''}Z`) > Date.parse(instant);
      const items = published(type.name)
        .filter(later)
        .map((item) => ({
          id: item.id,
          modified: typeof item.modified_gmt === 'string' ? item.modified_gmt : null,
        }));
      return {
        type: type.name,
        items,
        pages: 1,
        requests: 1,
        retries: 0,
        bytes: 40 * items.length,
        durationMs: 2,
      };
    },
    fetchPage: async (type, page) => {
      calls.push(`page ${type.name} ${page}`);
      fail(type.name, `page=${page}`);
      const all = published(type.name);
      const perPage = options.perPage ?? 100;
      if (page > Math.ceil(all.length / perPage) && all.length > 0)
        return { items: [], total: undefined, pastEnd: true, requests: 1, retries: 0, bytes: 0 };
      const items = all.slice((page - 1) * perPage, page * perPage);
      return {
        items,
        total: all.length,
        pastEnd: false,
        requests: 1,
        retries: 0,
        bytes: 1000 * items.length,
      };
    },
    countItems: async (type) => {
      calls.push(`count ${type.name}`);
      fail(type.name, 'per_page=1&_fields=id');
      return { total: published(type.name).length, requests: 1, retries: 0, bytes: 10 };
    },
    fetchByIds: async (type, ids) => {
      calls.push(`ids ${type.name} ${ids.join(',')}`);
      fail(type.name, `include=${ids.join(',')}`);
      const wanted = new Set(ids);
      const items = published(type.name).filter((item) => wanted.has(item.id));
      const found = new Set(items.map((item) => item.id));
      return {
        items,
        missing: [...wanted].filter((id) => !found.has(id)).sort((a, b) => a - b),
        requests: 1,
        retries: 0,
        bytes: 1000 * items.length,
      };
    },
    fetchItem: async (type, id) => {
      calls.push(`item ${type.name} ${id}`);
      fail(type.name, `${id}`);
      const item = published(type.name).find((candidate) => candidate.id === id);
      return item ? { kind: 'item', item } : { kind: 'gone', reason: 'HTTP 404 (rest_post_invalid_id)' };
    },
    fetchTerms: async (taxonomy, termOptions) => {
      calls.push(`terms ${taxonomy} ${termOptions?.runId ?? ''}`.trim());
      const terms = options.terms?.[taxonomy] ?? [];
      return {
        taxonomy,
        terms,
        total: terms.length,
        pages: 1,
        requests: 1,
        retries: 0,
        durationMs: 1,
        cached: false,
      };
    },
  };
}
