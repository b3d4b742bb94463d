import type { Context } from 'koa';
import type { Redis } from 'ioredis';
import { AppError, RateLimitedError, RejectedRequestError } from '../../errors.ts';
import { hitRateLimit } from '../../lib/rate-limit.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { AcceptInbound } from '../types.ts';
import type { EventStreamDeps } from './event-stream.ts';
import { applyOriginPolicy } from './origin-policy.ts';
import type { StreamHub } from './stream-hub.ts';
import type { UploadStore } from './uploads.ts';
import { createVisitorAuth } from './visitor-auth.ts';
import type { VisitorBudgets } from './visitor-budgets.ts';
import type { VisitorMessages } from './visitor-messages.ts';
import type { ResolvedWebAccount } from './widget-keys.ts';
import { accountLookup } from '../account-lookup.ts';
import type { WebAccount } from './config.ts';

export interface WebApiDeps {
  /** The widget accounts as they are now (console additions are pushed in), and the keys of each. */
  accounts: readonly WebAccount[];
  resolve(account: WebAccount): ResolvedWebAccount;
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
  /** The greeting the widget opens with for an account, if the bot's settings name one. */
  greeting(accountName: string): string | undefined;
  accept: AcceptInbound;
  logger: Logger;
  metrics: Metrics;
  stream: Omit<EventStreamDeps, 'hub' | 'messages' | 'logger' | 'metrics'>;
}

/**
 * What every route of the widget's API does first: find the widget by its public id, apply its
 * origin policy and the caller's address rate (`enter`); then read the visitor from the session
 * token or a ticket (`auth`, `visitorOf`).
 */
export function createApiEntry(deps: WebApiDeps) {
  const byPublicId = { get: accountLookup(deps.accounts, (a, publicId) => a.publicId === publicId, deps.resolve) };
  const auth = createVisitorAuth(deps);

  async function limit(key: string, max: number, what: string): Promise<void> {
    const decision = await hitRateLimit(deps.redis, key, max, 60_000).catch((err) => {
      // Without Redis nothing else works either; do not turn a Redis hiccup into refused chats.
      deps.logger.warn({ err }, 'rate limit unavailable; request allowed');
      return { allowed: true as const };
    });
    if (!decision.allowed)
      throw new RateLimitedError(`too many ${what}; try again in ${decision.retryAfterSeconds} s`, decision.retryAfterSeconds);
  }

  async function enter(ctx: Context): Promise<ResolvedWebAccount> {
    const account = byPublicId.get(String(ctx.params.publicId))?.made;
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

  return {
    auth,
    enter,
    limit,
    counted,
    /** The widget of a public id, for preflight requests (which carry no origin policy or rate). */
    accountOf: (publicId: string) => byPublicId.get(publicId)?.made,
    visitorOf: async (ctx: Context, account: ResolvedWebAccount) => (await auth.session(ctx, account)).sub,
  };
}

export type ApiEntry = ReturnType<typeof createApiEntry>;
