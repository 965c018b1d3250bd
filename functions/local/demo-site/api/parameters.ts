/**
 * Query parameters as WordPress reads and validates them: list syntax, integers, booleans and enums with
 * WP_REST_Request's error shapes (every invalid parameter reported at once), `_fields`, and the queries
 * of the post and term collections.
 */
import { type Json, RestError } from './response.js';

/** WordPress's wp_sprintf_l: "a, b, and c". */
function listing(values: readonly string[]): string {
  if (values.length <= 2) return values.join(' and ');
  return `${values.slice(0, -1).join(', ')}, and ${values.at(-1)}`;
}

const POST_STATI = [
  'publish',
  'future',
  'draft',
  'pending',
  'private',
  'trash',
  'auto-draft',
  'inherit',
  'request-pending',
  'request-confirmed',
  'request-failed',
  'request-completed',
];
const ORDERBY = [
  'author',
  'date',
  'id',
  'include',
  'modified',
  'parent',
  'relevance',
  'slug',
  'include_slugs',
  'title',
];
const TERM_ORDERBY = ['id', 'include', 'name', 'slug', 'include_slugs', 'term_group', 'description', 'count'];

/** Query parameters as WordPress reads them: `a=1,2` or `a[]=1&a[]=2`. */
export class Params {
  constructor(readonly search: URLSearchParams) {}
  has(name: string): boolean {
    return this.search.has(name) || this.search.has(`${name}[]`);
  }
  /** The scalar value; undefined when absent, null when sent as an array. */
  scalar(name: string): string | null | undefined {
    if (this.search.has(`${name}[]`)) return null;
    return this.search.get(name) ?? undefined;
  }
  list(name: string): string[] {
    return [...this.search.getAll(name), ...this.search.getAll(`${name}[]`)]
      .flatMap((v) => v.split(/[,\s]+/))
      .filter((v) => v !== '');
  }
}

/** Collects invalid parameters the way WP_REST_Request reports them (all at once). */
class Invalid {
  readonly params: Record<string, string> = {};
  readonly details: Record<string, Json> = {};
  add(name: string, code: string, message: string, data: unknown = null): void {
    this.params[name] = message;
    this.details[name] = { code, message, data };
  }
  throwIfAny(): void {
    const names = Object.keys(this.params);
    if (names.length === 0) return;
    throw new RestError(400, 'rest_invalid_param', `Invalid parameter(s): ${names.join(', ')}`, {
      params: this.params,
      details: this.details,
    });
  }
}

function integerParam(
  params: Params,
  invalid: Invalid,
  name: string,
  fallback: number,
  min: number,
  max?: number,
): number {
  if (!params.has(name)) return fallback;
  const raw = params.scalar(name);
  if (raw == null || !/^\s*-?\d+\s*$/.test(raw)) {
    invalid.add(name, 'rest_invalid_type', `${name} is not of type integer.`, { param: name });
    return fallback;
  }
  const value = Number(raw);
  if (value < min || (max !== undefined && value > max)) {
    const message =
      max === undefined
        ? `${name} must be greater than or equal to ${min}`
        : `${name} must be between ${min} (inclusive) and ${max} (inclusive)`;
    invalid.add(name, 'rest_out_of_bounds', message);
    return fallback;
  }
  return value;
}

function booleanParam(params: Params, invalid: Invalid, name: string, fallback: boolean): boolean {
  if (!params.has(name)) return fallback;
  const raw = params.scalar(name);
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0' || raw === '') return false;
  invalid.add(name, 'rest_invalid_type', `${name} is not of type boolean.`, { param: name });
  return fallback;
}

function enumParam(
  params: Params,
  invalid: Invalid,
  name: string,
  allowed: readonly string[],
  fallback: string,
): string {
  if (!params.has(name)) return fallback;
  const raw = params.scalar(name);
  if (raw == null || !allowed.includes(raw)) {
    invalid.add(name, 'rest_not_in_enum', `${name} is not one of ${listing(allowed)}.`, { param: name });
    return fallback;
  }
  return raw;
}

/** `_fields` as a tree of the top-level and dotted fields to keep (rest_filter_response_fields). */
function fieldTree(fields: readonly string[]): Json {
  const tree: Json = {};
  outer: for (const field of fields) {
    const parts = field.split('.');
    let ref = tree;
    while (parts.length > 1) {
      const next = parts.shift() as string;
      if (ref[next] === true) continue outer;
      if (typeof ref[next] !== 'object' || ref[next] === null) ref[next] = {};
      ref = ref[next] as Json;
    }
    ref[parts[0] as string] = true;
  }
  return tree;
}

/** `_fields`, as the tree response.ts's pickFields keeps; undefined when the request names none. */
export function fieldsParam(params: Params): Json | undefined {
  const fields = params.list('_fields');
  return fields.length ? fieldTree(fields) : undefined;
}

/** What every collection reads: context, paging and ordering. */
interface ListQuery {
  context: string;
  page: number;
  perPage: number;
  order: string;
  orderby: string;
}

/** Reads the list parameters of a collection whose order and orderby default as given. */
function readListQuery(
  params: Params,
  invalid: Invalid,
  defaults: { order: string; orderby: string; orderbyAllowed: readonly string[] },
): ListQuery {
  return {
    context: enumParam(params, invalid, 'context', ['view', 'embed', 'edit'], 'view'),
    page: integerParam(params, invalid, 'page', 1, 1),
    perPage: integerParam(params, invalid, 'per_page', 10, 1, 100),
    order: enumParam(params, invalid, 'order', ['asc', 'desc'], defaults.order),
    orderby: enumParam(params, invalid, 'orderby', defaults.orderbyAllowed, defaults.orderby),
  };
}

/** rest_parse_date's RFC 3339 pattern (a zone is optional: the site's own zone, UTC on the demo site). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}(?::\d{2})?)?$/;

/** A `date-time` parameter as milliseconds, or undefined when absent; refused as WordPress refuses it. */
function dateParam(params: Params, invalid: Invalid, name: string): number | undefined {
  if (!params.has(name)) return undefined;
  const raw = params.scalar(name) ?? '';
  const zoned = /(?:[Zz]|[+-]\d{2}(?::\d{2})?)$/.test(raw) ? raw : `${raw}Z`;
  const ms = RFC3339.test(raw) ? Date.parse(zoned.replace(' ', 'T')) : Number.NaN;
  if (Number.isNaN(ms)) {
    invalid.add(name, 'rest_invalid_date', 'Invalid date.');
    return undefined;
  }
  return ms;
}

/** `context=edit` is for logged-in editors: an anonymous request is refused with the controller's message. */
function refuseEdit(context: string, message: string): void {
  if (context === 'edit') throw new RestError(401, 'rest_forbidden_context', message);
}

export interface PostQuery extends Omit<ListQuery, 'context'> {
  /** `modified_after` (WordPress ≥ 5.7): only items modified later (ms). */
  modifiedAfter?: number;
  /** `after`: only items published later (ms). */
  after?: number;
}

/** A post collection's query, refused as WP_REST_Posts_Controller refuses it. */
export function readPostQuery(params: Params): PostQuery {
  const invalid = new Invalid();
  const { context, ...query } = readListQuery(params, invalid, {
    order: 'desc',
    orderby: 'date',
    orderbyAllowed: ORDERBY,
  });
  const modifiedAfter = dateParam(params, invalid, 'modified_after');
  const after = dateParam(params, invalid, 'after');
  if (params.has('status')) {
    const statuses = params.list('status');
    const unknown = statuses.findIndex((s) => s !== 'any' && !POST_STATI.includes(s));
    if (unknown >= 0) {
      invalid.add(
        'status',
        'rest_not_in_enum',
        `status[${unknown}] is not one of ${listing([...POST_STATI, 'any'])}.`,
        { param: `status[${unknown}]` },
      );
    } else if (statuses.some((s) => s !== 'publish')) {
      invalid.add('status', 'rest_forbidden_status', 'Status is forbidden.', { status: 401 });
    }
  }
  invalid.throwIfAny();
  refuseEdit(context, 'Sorry, you are not allowed to edit posts in this post type.');
  if (query.orderby === 'relevance' && !params.has('search')) {
    throw new RestError(
      400,
      'rest_no_search_term_defined',
      'You need to define a search term to order by relevance.',
    );
  }
  if (query.orderby === 'include' && !params.has('include')) {
    throw new RestError(
      400,
      'rest_orderby_include_missing_include',
      'You need to define an include parameter to order by include.',
    );
  }
  return {
    ...query,
    ...(modifiedAfter !== undefined ? { modifiedAfter } : {}),
    ...(after !== undefined ? { after } : {}),
  };
}

export interface TermQuery extends PostQuery {
  hideEmpty: boolean;
  /** -1: any parent (and always in flat taxonomies). */
  parent: number;
  /** 0: terms of any post. */
  post: number;
}

/** A term collection's query, refused as WP_REST_Terms_Controller refuses it. */
export function readTermQuery(params: Params, hierarchical: boolean): TermQuery {
  const invalid = new Invalid();
  const { context, ...query } = readListQuery(params, invalid, {
    order: 'asc',
    orderby: 'name',
    orderbyAllowed: TERM_ORDERBY,
  });
  const hideEmpty = booleanParam(params, invalid, 'hide_empty', false);
  const parent = hierarchical ? integerParam(params, invalid, 'parent', -1, 0) : -1;
  const post = integerParam(params, invalid, 'post', 0, 0);
  invalid.throwIfAny();
  refuseEdit(context, 'Sorry, you are not allowed to edit terms in this taxonomy.');
  return { ...query, hideEmpty, parent, post };
}
