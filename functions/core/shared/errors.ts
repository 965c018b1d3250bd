/**
 * Typed errors. Every error the pipeline raises on purpose is a WpkbError with a one-line
 * message naming the item, field or URL at fault; `cause` keeps the underlying error for logs.
 *
 * Every class pins its `name` as a literal: the Lambda runtime reports it as the error type, which is
 * what Step Functions Retry / Catch match and what logs show, and a minifying bundler renames classes
 * (test/unit/errors/error-names.test.ts bundles them to check).
 */
export class WpkbError extends Error {
  override readonly name: string = 'WpkbError';
}

/** Configuration is invalid: names the key and what is wrong. */
export class ConfigError extends WpkbError {
  override readonly name = 'ConfigError';
}

/** The WordPress site could not be read completely (discovery, a page, auth). */
export class WordPressError extends WpkbError {
  override readonly name = 'WordPressError';
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An item could not be turned into a document (names the type and source id). */
export class ItemError extends WpkbError {
  override readonly name = 'ItemError';
  constructor(
    message: string,
    readonly contentType: string,
    readonly sourceId: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The run would delete more than the deletion guard allows. */
export class DeletionGuardError extends WpkbError {
  override readonly name = 'DeletionGuardError';
}

/** Reading or writing the data store failed. */
export class StorageError extends WpkbError {
  override readonly name: string = 'StorageError';
  constructor(
    message: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A conditional write or delete found the object in another state than the condition named (S3 412
 * PreconditionFailed / 409 ConditionalRequestConflict; If-Match on a missing object): someone else wrote
 * it first. Callers re-read and decide again.
 */
export class ConditionFailedError extends StorageError {
  override readonly name = 'ConditionFailedError';
}

/** One line for humans: the message, without stack, with the first cause appended if useful. */
export function oneLine(error: unknown): string {
  if (error instanceof Error) return error.message.replace(/\s+/g, ' ').trim();
  return String(error);
}
