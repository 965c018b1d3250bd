import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The narrow metrics surface the sync core uses; tests pass a recording double. */
export interface MetricSink {
  /** One count data point, published at once. */
  count(name: string, value: number): void;
}

export const METRICS_NAMESPACE = 'wpkb';
export const INGESTION_DOCUMENTS_FAILED = 'IngestionDocumentsFailed';
/** Post-sync canaries that missed in one run (0 when all hit; not sent when none are configured). */
export const CANARY_MISSES = 'CanaryMisses';

/**
 * CloudWatch metrics as EMF lines on stdout (Powertools Metrics): namespace `wpkb`, exactly one
 * dimension `environment` (Powertools' default `service` dimension is removed, so an alarm needs only
 * `{environment: <env>}`). Each count is flushed immediately: the handler has no middleware to flush.
 */
export function createEmfMetrics(
  envName: string,
): MetricSink & { milliseconds(name: string, value: number): void } {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE });
  metrics.clearDefaultDimensions();
  const publish = (name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number) => {
    metrics.addDimension('environment', envName);
    metrics.addMetric(name, unit, value);
    metrics.publishStoredMetrics();
  };
  return {
    count: (name, value) => publish(name, MetricUnit.Count, value),
    milliseconds: (name, value) => publish(name, MetricUnit.Milliseconds, value),
  };
}
