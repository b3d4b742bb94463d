import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import type { Channel } from '../channels/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { errorMiddleware } from './errors.ts';

export interface HttpAppDeps {
  logger: Logger;
  metrics: Metrics;
  /** Channels whose callback routes this process serves; empty in the worker role. */
  channels: Channel[];
  /** Database and Redis reachable and migrations applied. */
  isReady: () => Promise<{ ready: boolean; checks: Record<string, boolean> }>;
  /** False once shutdown began: readiness fails so the load balancer stops sending traffic. */
  isAcceptingTraffic: () => boolean;
  /** Mounted before the routes, e.g. the admin queue board (src/http/queue-board.ts). */
  extraMiddleware?: Middleware[];
}

export function createHttpApp(deps: HttpAppDeps): Koa {
  const app = new Koa({ proxy: true });
  const router = new Router();

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const { ready, checks } = await deps.isReady();
    const accepting = deps.isAcceptingTraffic();
    ctx.status = ready && accepting ? 200 : 503;
    ctx.body = { status: ready && accepting ? 'ready' : 'not_ready', checks: { ...checks, accepting } };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
  for (const channel of deps.channels) channel.registerRoutes(router);

  app.use(errorMiddleware(deps.logger));
  for (const mw of deps.extraMiddleware ?? []) app.use(mw);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
