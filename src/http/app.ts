import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import type { Channel } from '../channels/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { errorMiddleware } from './errors.ts';
import { registerMetricsRoute } from './metrics-route.ts';

export interface HttpAppDeps {
  logger: Logger;
  metrics: Metrics;
  /** /metrics on this (public) port, and the bearer token it needs; unset = not here (src/config/metrics-exposure.ts). */
  metricsRoute?: { token?: string };
  /** Channels whose callback routes this process serves; empty in the worker role. */
  channels: Channel[];
  /** Database and Redis reachable and migrations applied. */
  isReady: () => Promise<{ ready: boolean; checks: Record<string, boolean> }>;
  /** False once shutdown began: readiness fails so the load balancer stops sending traffic. */
  isAcceptingTraffic: () => boolean;
  /** Adds routes beside the channels', e.g. the console API (src/console/console-api.ts); not in the worker role. */
  registerRoutes?: Array<(router: Router) => void>;
  /** Mounted before the routes, e.g. the admin queue board (src/http/queue-board.ts). */
  extraMiddleware?: Middleware[];
  /**
   * How many reverse proxies in front of us append to X-Forwarded-For (TRUSTED_PROXY_HOPS). Only
   * that many entries, counted from the right, are believed: entries further left were written by
   * the client and would let it choose its own IP for rate limits. 0 = use the socket address.
   */
  trustedProxyHops: number;
}

export function createHttpApp(deps: HttpAppDeps): Koa {
  const app = new Koa({ proxy: deps.trustedProxyHops > 0, maxIpsCount: deps.trustedProxyHops });
  // The channels' routes (platform callbacks, the widget's API) on a router of their own, tried
  // first: a router tests the path against every route it holds (136 in the api role when they
  // shared one), and each callback paid for the console's (docs/performance.md). Requests it does
  // not answer fall through to the other router, whose allowedMethods sees what both matched
  // (ctx.matched), so a wrong method on a callback path is still a 405.
  const channelRouter = new Router();
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
  if (deps.metricsRoute) registerMetricsRoute(router, deps.metrics, deps.metricsRoute.token);
  for (const channel of deps.channels) channel.registerRoutes(channelRouter);
  for (const register of deps.registerRoutes ?? []) register(router);
  // Once at start, what this process answers: for operators, and for the hostile-input fault
  // scenario, which fuzzes every route listed here so a new route cannot be left out.
  const routes = [...channelRouter.stack, ...router.stack].map((layer) => `${layer.methods.join(',')} ${String(layer.path)}`);
  deps.logger.info({ routes }, 'http routes');

  // Errors Koa meets outside the middleware chain — mostly a client gone mid-response, as every
  // closed widget stream is — go to the logger rather than Koa's default stderr print.
  app.on('error', (err: NodeJS.ErrnoException, ctx?: { path?: string }) => {
    const clientGone = ['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE'].includes(err.code ?? '');
    deps.logger[clientGone ? 'debug' : 'warn']({ err, path: ctx?.path }, 'response failed');
  });
  app.use(errorMiddleware(deps.logger));
  for (const mw of deps.extraMiddleware ?? []) app.use(mw);
  app.use(channelRouter.routes());
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
