import type Router from '@koa/router';
import { z } from 'zod';
import type { ApiEntry, WebApiDeps } from './api-entry.ts';
import { parse } from './request-input.ts';

const historyQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** GET history: the visitor's own conversation, a page at a time, newest first. */
export function registerHistoryRoutes(router: Router, base: string, deps: WebApiDeps, entry: ApiEntry): void {
  router.get(`${base}/history`, async (ctx) => {
    const account = await entry.enter(ctx);
    const visitorId = await entry.visitorOf(ctx, account);
    const query = parse(historyQuery, ctx.query);
    const messages = await deps.messages.page(account.name, visitorId, query.before, query.limit);
    ctx.body = { messages, hasMore: messages.length === query.limit };
  });
}
