import type Router from '@koa/router';
import { z } from 'zod';
import type { ApiEntry, WebApiDeps } from './api-entry.ts';
import { openEventStream } from './event-stream.ts';
import { parse } from './request-input.ts';

const cursor = z.coerce.number().int().min(0);

/** GET stream: the visitor's event stream (replies, drafts, their own messages from other tabs). */
export function registerStreamRoutes(router: Router, base: string, deps: WebApiDeps, entry: ApiEntry): void {
  router.get(`${base}/stream`, async (ctx) => {
    const account = await entry.enter(ctx);
    // EventSource cannot send headers: a single-use stream ticket comes in the query string, and
    // the cursor either from the browser's own reconnect (Last-Event-ID) or from the widget's (?lastEventId=).
    const visitorId = await entry.auth.ticket(ctx, account, { purpose: 'stream' });
    const raw = ctx.get('Last-Event-ID') || (typeof ctx.query.lastEventId === 'string' ? ctx.query.lastEventId : '');
    const lastEventId = raw === '' ? undefined : parse(cursor, raw);
    deps.budgets.admitStream(account, visitorId, ctx.res);
    await openEventStream(
      ctx,
      { ...deps.stream, hub: deps.hub, messages: deps.messages, logger: deps.logger, metrics: deps.metrics },
      account.name,
      visitorId,
      lastEventId,
    );
  });
}
