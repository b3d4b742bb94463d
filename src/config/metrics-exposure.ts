/**
 * Where GET /metrics is served. The metrics name accounts, queue depths and error codes: not for
 * the public. METRICS_PORT moves them to a listener of their own (bound on HOST like the main one,
 * for Prometheus inside the network; never publish it), METRICS_TOKEN requires
 * `Authorization: Bearer <token>` wherever they are served. With neither, `npm start` keeps them on
 * the main port for convenience, and production (NODE_ENV=production) does not serve them at all.
 */
export interface MetricsExposure {
  /** /metrics on the main (public) port. */
  onMainPort: boolean;
  /** A listener of its own for /metrics (0 = any free port). */
  port?: number;
  token?: string;
}

export function metricsExposure(env: { METRICS_PORT?: number; METRICS_TOKEN?: string }, production: boolean): MetricsExposure {
  const { METRICS_PORT: port, METRICS_TOKEN: token } = env;
  return {
    onMainPort: port === undefined && (token !== undefined || !production),
    ...(port !== undefined && { port }),
    ...(token !== undefined && { token }),
  };
}
