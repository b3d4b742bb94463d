import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import type { MetricsExposure } from '../config/metrics-exposure.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { constantTimeEqual } from '../lib/constant-time-equal.ts';
import { listenHttp } from './listen-http.ts';

/** GET /metrics for Prometheus; with a token, only for `Authorization: Bearer <token>` (RFC 6750). */
export function registerMetricsRoute(router: Router, metrics: Metrics, token: string | undefined): void {
  router.get('/metrics', async (ctx) => {
    if (token !== undefined) {
      const [scheme, given] = (ctx.get('authorization') || '').split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !given || !constantTimeEqual(given, token)) {
        ctx.status = 401;
        ctx.set('WWW-Authenticate', 'Bearer realm="kefu-hub metrics"');
        ctx.body = { error: 'unauthorized', message: 'metrics need Authorization: Bearer METRICS_TOKEN' };
        return;
      }
    }
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
}

/**
 * The listener of METRICS_PORT, when set: /metrics and nothing else, so the public port never
 * serves them. Logs one line saying where /metrics is, so an operator who finds it missing knows why.
 */
export async function serveMetricsApart(
  metrics: Metrics,
  exposure: MetricsExposure,
  host: string,
  logger: Logger,
): Promise<{ port?: number; close: () => Promise<void> }> {
  const auth = exposure.token ? 'bearer token required' : 'no authentication';
  const wanted = exposure.port;
  if (wanted === undefined) {
    if (exposure.onMainPort) logger.info(`/metrics served on the main port (${auth})`);
    else logger.info('/metrics off in production: set METRICS_PORT (a port Prometheus reaches, not published) or METRICS_TOKEN');
    return { close: async () => {} };
  }
  const app = new Koa();
  const router = new Router();
  registerMetricsRoute(router, metrics, exposure.token);
  app.use(router.routes());
  const server = await listenHttp(app, wanted, host);
  const { port } = server.address() as AddressInfo;
  logger.info({ metricsPort: port }, `/metrics served on its own port (${auth})`);
  // A scrape still open at shutdown is cut rather than held for its keep-alive time.
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
