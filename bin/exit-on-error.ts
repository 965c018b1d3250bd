import { oneLine } from '../functions/core/shared/errors.js';
import { LocalIndexMissingError } from '../functions/local/knowledge-base/index-file.js';

/**
 * A command's action with the CLI's one way of failing: whatever it throws is one line on stderr and
 * exit code 1, never a stack trace. `wpkb: failed: <reason>`; an error that is itself the advice (no
 * local index yet: run npm start first) is printed as it is, `wpkb: <advice>`.
 */
export function exitOnError<A extends unknown[]>(action: (...args: A) => Promise<void>) {
  return async (...args: A): Promise<void> => {
    try {
      await action(...args);
    } catch (error) {
      console.error(
        error instanceof LocalIndexMissingError
          ? `wpkb: ${error.message}`
          : `wpkb: failed: ${oneLine(error)}`,
      );
      process.exitCode = 1;
    }
  };
}
