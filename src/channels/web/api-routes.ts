import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { AppError, RateLimitedError, RejectedRequestError } from '../../errors.ts';
import { hitRateLimit } from '../../lib/rate-limit.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { AcceptInbound, InboundContent } from '../types.ts';
import { openEventStream, type EventStreamDeps } from './event-stream.ts';
import { parse, readJson } from './request-input.ts';
import { answerPreflight, applyOriginPolicy } from './origin-policy.ts';
import { registerSessionRoutes } from './session-routes.ts';
import type { StreamHub } from './stream-hub.ts';
import type { UploadStore } from './uploads.ts';
import { createVisitorAuth } from './visitor-auth.ts';
import type { VisitorBudgets } from './visitor-budgets.ts';
import type { VisitorMessages } from './visitor-messages.ts';
import type { ResolvedWebAccount } from './widget-keys.ts';

export interface WebApiDeps {
  accounts: ResolvedWebAccount[];
  redis: Redis;
  hub: StreamHub;
  messages: VisitorMessages;
  uploads: UploadStore;
  budgets: VisitorBudgets;
  /** Moves an anonymous visitor's history to a signed-in customer; resolves with whether anything moved. */
  mergeVisitors(accountName: string, anonymousId: string, userId: string): Promise<boolean>;
  /** When the visitor's sessions were last revoked, if ever. */
  revokedBefore(accountName: string, visitorId: string): Promise<Date | undefined>;
  sessionTtlSeconds: number;
  accept: AcceptInbound;
  logger: Logger;
  metrics: Metrics;
  stream: Omit<EventStreamDeps, 'hub' | 'messages' | 'logger' | 'metrics'>;
}

const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'clientId: 8–64 letters, digits, - or _');
const messageBody = z.object({ clientId, text: z.string() });
const historyQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
const cursor = z.coerce.number().int().min(0);

const base = '/api/web/:publicId';

/**
 * The widget's API, under /api/web/:publicId/. Every route checks the page's origin and the
 * caller's address rate first; all but `session` then read the visitor from the session token
 * (or a ticket, where the browser opens the URL itself), and only ever touch that visitor's
 * messages and files.
 */
export function registerWebApiRoutes(router: Router, deps: WebApiDeps): void {
  const byPublicId = new Map(deps.accounts.map((a) => [a.publicId, a]));
  const auth = createVisitorAuth(deps);
  const visitorOf = async (ctx: Context, account: ResolvedWebAccount) => (await auth.session(ctx, account)).sub;

  async function limit(key: string, max: number, what: string): Promise<void> {
    const decision = await hitRateLimit(deps.redis, key, max, 60_000).catch((err) => {
      // Without Redis nothing else works either; do not turn a Redis hiccup into refused chats.
      deps.logger.warn({ err: (err as Error).message }, 'rate limit unavailable; request allowed');
      return { allowed: true as const };
    });
    if (!decision.allowed)
      throw new RateLimitedError(`too many ${what}; try again in ${decision.retryAfterSeconds} s`, decision.retryAfterSeconds);
  }

  async function enter(ctx: Context): Promise<ResolvedWebAccount> {
    const account = byPublicId.get(String(ctx.params.publicId));
    if (!account) throw new RejectedRequestError('unknown_widget', `no chat widget has the id "${String(ctx.params.publicId)}"`, 404);
    applyOriginPolicy(ctx, account);
    await limit(`web:ip:${account.name}:${ctx.ip}`, account.ipRequestsPerMinute, 'requests from this address');
    return account;
  }

  /** Visitor messages count in the callback metrics like every channel's inbound (channel="web"). */
  async function counted(handle: () => Promise<{ duplicate: boolean }>): Promise<void> {
    const stopTimer = deps.metrics.ackLatency.startTimer({ channel: 'web' });
    try {
      const { duplicate } = await handle();
      deps.metrics.callbacks.inc({ channel: 'web', result: duplicate ? 'duplicate' : 'accepted' });
      stopTimer();
    } catch (err) {
      deps.metrics.callbacks.inc({ channel: 'web', result: err instanceof AppError && err.status < 500 ? err.code : 'error' });
      throw err;
    }
  }

  /** Stores the visitor's message like any channel's, then shows it in their other tabs at once. */
  async function acceptFromVisitor(account: ResolvedWebAccount, visitorId: string, id: string, content: InboundContent) {
    const dedupeKey = `${visitorId}#${id}`;
    const result = await deps.accept({
      channel: 'web',
      accountName: account.name,
      customerExternalId: visitorId,
      platformMessageId: id,
      dedupeKey,
      sentAt: new Date(),
      content,
    });
    const message = result.messageId
      ? await deps.messages.byId(result.messageId)
      : await deps.messages.byDedupeKey(account.name, dedupeKey);
    if (result.outcome === 'accepted' && message) {
      // Stored is what counts; the visitor's other tabs also catch up from the database.
      await deps.hub
        .publish(account.name, visitorId, { type: 'message', message })
        .catch((err) => deps.logger.warn({ err: (err as Error).message }, 'could not publish a visitor message'));
    }
    return { message, duplicate: result.outcome === 'duplicate' };
  }

  for (const path of ['/session', '/tickets', '/messages', '/history', '/stream', '/uploads', '/uploads/:fileId']) {
    router.options(base + path, (ctx) => {
      const account = byPublicId.get(String(ctx.params.publicId));
      if (!account) throw new RejectedRequestError('unknown_widget', 'no such chat widget', 404);
      answerPreflight(ctx, account);
    });
  }

  registerSessionRoutes(router, base, {
    enter,
    auth,
    sessionTtlSeconds: deps.sessionTtlSeconds,
    admitNewSession: (account, ip) => deps.budgets.admitNewSession(account, ip),
    mergeVisitors: deps.mergeVisitors,
  });

  router.post(`${base}/messages`, (ctx) =>
    counted(async () => {
      const account = await enter(ctx);
      const visitorId = await visitorOf(ctx, account);
      // Room for the longest allowed text in 4-byte characters plus JSON escaping and the clientId.
      const body = parse(messageBody, await readJson(ctx, account.maxMessageChars * 6 + 1024));
      const text = body.text.trim();
      if (text === '') throw new RejectedRequestError('empty_message', 'text is empty', 400);
      if ([...text].length > account.maxMessageChars) {
        throw new RejectedRequestError('message_too_long', `messages may be at most ${account.maxMessageChars} characters`, 413);
      }
      await limit(`web:visitor:${account.name}:${visitorId}`, account.visitorMessagesPerMinute, 'messages');
      const { message, duplicate } = await acceptFromVisitor(account, visitorId, body.clientId, { type: 'text', text });
      ctx.status = duplicate ? 200 : 202;
      ctx.body = { message, duplicate };
      return { duplicate };
    }),
  );

  router.get(`${base}/history`, async (ctx) => {
    const account = await enter(ctx);
    const visitorId = await visitorOf(ctx, account);
    const query = parse(historyQuery, ctx.query);
    const messages = await deps.messages.page(account.name, visitorId, query.before, query.limit);
    ctx.body = { messages, hasMore: messages.length === query.limit };
  });

  router.get(`${base}/stream`, async (ctx) => {
    const account = await enter(ctx);
    // EventSource cannot send headers: a single-use stream ticket comes in the query string, and
    // the cursor either from the browser's own reconnect (Last-Event-ID) or from the widget's (?lastEventId=).
    const visitorId = await auth.ticket(ctx, account, { purpose: 'stream' });
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

  router.post(`${base}/uploads`, (ctx) =>
    counted(async () => {
      const account = await enter(ctx);
      const visitorId = await visitorOf(ctx, account);
      const id = parse(clientId, ctx.get('X-Client-Id') || ctx.query.clientId);
      await limit(`web:visitor:${account.name}:${visitorId}`, account.visitorMessagesPerMinute, 'messages');
      // A retried upload (same client id) is answered with the message already stored.
      const existing = await deps.messages.byDedupeKey(account.name, `${visitorId}#${id}`);
      if (existing) {
        ctx.req.resume();
        ctx.body = { message: existing, duplicate: true };
        return { duplicate: true };
      }
      let fileName = 'file';
      try {
        fileName = decodeURIComponent(ctx.get('X-File-Name') || 'file');
      } catch {
        // A name that is not valid percent-encoding keeps the default.
      }
      const allowance = await deps.budgets.uploadLimit(account, visitorId);
      const upload = await deps.uploads.save(account.name, visitorId, ctx.req, fileName, allowance);
      deps.budgets.uploaded(account, upload.size);
      const url = `/api/web/${account.publicId}/uploads/${upload.id}`;
      const content: InboundContent = upload.kind === 'image' ? { type: 'image', url } : { type: 'file', url, fileName: upload.name };
      const { message, duplicate } = await acceptFromVisitor(account, visitorId, id, content);
      ctx.status = duplicate ? 200 : 202;
      ctx.body = { message, duplicate };
      return { duplicate };
    }),
  );

  router.get(`${base}/uploads/:fileId`, async (ctx) => {
    const account = await enter(ctx);
    const fileId = String(ctx.params.fileId);
    // <img> and links send no headers: a download ticket for this file, or the session header.
    const visitorId =
      ctx.query.ticket === undefined ? await visitorOf(ctx, account) : await auth.ticket(ctx, account, { purpose: 'download', fileId });
    const found = await deps.uploads.find(account.name, visitorId, fileId);
    // Another visitor's file and a missing one look the same.
    if (!found) throw new RejectedRequestError('not_found', 'no such file', 404);
    const { upload } = found;
    ctx.type = upload.contentType;
    ctx.length = upload.size;
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
    ctx.set('Cache-Control', 'private, max-age=3600');
    if (upload.kind === 'file') ctx.attachment(upload.name);
    ctx.body = found.bytes;
  });
}
