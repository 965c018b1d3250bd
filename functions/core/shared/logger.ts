import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one Powertools setup. Lambda handlers and the local runner share it; the service name and
 * level come from the standard POWERTOOLS_* variables Lambda sets, with quiet defaults locally.
 */
export const logger = new Logger({ serviceName: 'wpkb' });

/** The narrow logging surface core code depends on, so tests can pass a silent or recording logger. */
export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** Adapts the Powertools logger to the narrow Log surface. */
export const powertoolsLog: Log = {
  debug: (m, e) => logger.debug(m, e ?? {}),
  info: (m, e) => logger.info(m, e ?? {}),
  warn: (m, e) => logger.warn(m, e ?? {}),
  error: (m, e) => logger.error(m, e ?? {}),
};
