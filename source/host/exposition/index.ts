/** Prometheus exposition of the monitor's series: the public part. */
export {PrometheusExporter, DEFAULT_PROMETHEUS_PORT, type PrometheusOptions, type ExpositionSource} from './prometheus.js';
export {DEFAULT_BOUNDARIES, type ExpositionFormat} from '../../protocol/exposition.js';
