import type Router from '@koa/router';
import { RejectedRequestError } from '../../errors.ts';
import { createApiEntry, type WebApiDeps } from './api-entry.ts';
import { registerFeedbackRoutes } from './feedback-routes.ts';
import { registerHistoryRoutes } from './history-routes.ts';
import { registerMessageRoutes } from './message-routes.ts';
import { answerPreflight } from './origin-policy.ts';
import { registerSessionRoutes } from './session-routes.ts';
import { registerStreamRoutes } from './stream-routes.ts';
import { registerUploadRoutes } from './upload-routes.ts';

const base = '/api/web/:publicId';

/**
 * The widget's API, under /api/web/:publicId/. Every route checks the page's origin and the
 * caller's address rate first (api-entry.ts); all but `session` then read the visitor from the
 * session token (or a ticket, where the browser opens the URL itself), and only ever touch that
 * visitor's messages and files.
 */
export function registerWebApiRoutes(router: Router, deps: WebApiDeps): void {
  const entry = createApiEntry(deps);

  for (const path of ['/session', '/tickets', '/messages', '/history', '/feedback', '/stream', '/uploads', '/uploads/:fileId']) {
    router.options(base + path, (ctx) => {
      const account = entry.accountOf(String(ctx.params.publicId));
      if (!account) throw new RejectedRequestError('unknown_widget', 'no such chat widget', 404);
      answerPreflight(ctx, account);
    });
  }

  registerSessionRoutes(router, base, {
    enter: entry.enter,
    auth: entry.auth,
    sessionTtlSeconds: deps.sessionTtlSeconds,
    greeting: deps.greeting,
    admitNewSession: (account, ip) => deps.budgets.admitNewSession(account, ip),
    mergeVisitors: deps.mergeVisitors,
  });
  registerMessageRoutes(router, base, deps, entry);
  registerHistoryRoutes(router, base, deps, entry);
  registerFeedbackRoutes(router, base, deps, entry);
  registerStreamRoutes(router, base, deps, entry);
  registerUploadRoutes(router, base, deps, entry);
}
