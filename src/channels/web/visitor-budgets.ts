import type { ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import { RateLimitedError, RejectedRequestError } from '../../errors.ts';
import { hitRateLimit } from '../../lib/rate-limit.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { WebAccount } from './config.ts';
import { StreamSlots } from './stream-slots.ts';
import type { UploadLimit, UploadStore } from './uploads.ts';

export interface VisitorBudgetDeps {
  redis: Redis;
  uploads: Pick<UploadStore, 'storedBytes'>;
  metrics: Metrics;
  logger: Logger;
  /** Event streams this process holds open at most (WEB_CHAT_MAX_STREAMS). */
  maxStreams: number;
}

const HOUR_MS = 3600_000;
// EventSource ignores Retry-After; the widget backs off by itself (1 s … 30 s) and tries again.
const STREAM_RETRY_SECONDS = 30;

const fileTooLarge = (maxBytes: number) => new RejectedRequestError('file_too_large', `files may be at most ${maxBytes} bytes`, 413);
const quotaSpent = (whose: 'visitor' | 'account', retentionDays: number) => () =>
  new RejectedRequestError(
    `${whose}_upload_quota_spent`,
    `${whose === 'visitor' ? 'your' : 'this chat’s'} upload storage is full; files are deleted ${retentionDays} days after they were sent`,
    413,
  );

/**
 * The widget API's cost guards against anonymous visitors (docs/channels.md#budgets): new sessions
 * per address, open event streams per visitor and per process, and stored upload bytes per visitor
 * and per account. A spent budget is answered 413 or 429 with its own code and counted in
 * kefu_web_budget_exhausted_total.
 */
export function createVisitorBudgets(deps: VisitorBudgetDeps) {
  const slots = new StreamSlots(deps.maxStreams);
  const spent = (account: WebAccount, budget: string) => deps.metrics.webBudgetExhausted.inc({ account: account.name, budget });

  return {
    /** Counts a new anonymous session against its address's hourly budget; throws 429 once it is spent. */
    async admitNewSession(account: WebAccount, ip: string): Promise<void> {
      const decision = await hitRateLimit(deps.redis, `web:session-ip:${account.name}:${ip}`, account.ipSessionsPerHour, HOUR_MS).catch(
        (err) => {
          // As for the request rate: a Redis hiccup must not turn into refused chats.
          deps.logger.warn({ err }, 'session budget unavailable; session allowed');
          return { allowed: true as const };
        },
      );
      if (!decision.allowed) {
        spent(account, 'session_mints_per_ip');
        throw new RateLimitedError(
          `too many new chat sessions from this address; try again in ${decision.retryAfterSeconds} s`,
          decision.retryAfterSeconds,
          'too_many_sessions',
        );
      }
      deps.metrics.webBudgetSpent.inc({ account: account.name, budget: 'session_mints' });
    },

    /**
     * Holds a stream slot for the visitor until the response closes, however it ends. Past the cap
     * the new stream is refused (429), not the oldest closed: an evicted tab's EventSource would
     * reconnect and evict the next, and the visitor's tabs would take turns forever.
     */
    admitStream(account: WebAccount, visitorId: string, res: ServerResponse): void {
      const slot = slots.take(`${account.name}:${visitorId}`, account.visitorStreams);
      if (!slot.ok) {
        spent(account, slot.spent);
        throw new RateLimitedError(
          slot.spent === 'streams_per_visitor'
            ? `at most ${account.visitorStreams} live chat windows at once; close one or try again later`
            : 'the chat is at capacity; try again later',
          STREAM_RETRY_SECONDS,
          'too_many_streams',
        );
      }
      res.once('close', slot.release);
    },

    /**
     * The most bytes the visitor's next upload may have: the per-file cap, or less when the
     * visitor's or the account's stored bytes are near their budget. Checked before the body is
     * read; uploads running at once may pass the budget by one file each.
     */
    async uploadLimit(account: WebAccount, visitorId: string): Promise<UploadLimit> {
      const stored = await deps.uploads.storedBytes(account.name, visitorId);
      const visitorLeft = account.visitorUploadBytes - stored.visitor;
      const accountLeft = account.accountUploadBytes - stored.account;
      const limits: Array<{ maxBytes: number; budget: string; tooLarge: (maxBytes: number) => Error }> = [
        { maxBytes: account.maxUploadBytes, budget: '', tooLarge: fileTooLarge },
        { maxBytes: visitorLeft, budget: 'upload_bytes_per_visitor', tooLarge: quotaSpent('visitor', account.uploadRetentionDays) },
        { maxBytes: accountLeft, budget: 'upload_bytes_per_account', tooLarge: quotaSpent('account', account.uploadRetentionDays) },
      ];
      const tightest = limits.reduce((a, b) => (b.maxBytes < a.maxBytes ? b : a));
      return {
        maxBytes: Math.max(0, tightest.maxBytes),
        tooLarge: (maxBytes) => {
          if (tightest.budget) spent(account, tightest.budget);
          return tightest.tooLarge(maxBytes);
        },
      };
    },

    /** Counts a stored upload's bytes. */
    uploaded(account: WebAccount, bytes: number): void {
      deps.metrics.webBudgetSpent.inc({ account: account.name, budget: 'upload_bytes' }, bytes);
    },
  };
}

export type VisitorBudgets = ReturnType<typeof createVisitorBudgets>;

/** Every account's budgets as kefu_web_budget_limit, so dashboards can put what was spent beside them. */
export function exportBudgetLimits(metrics: Metrics, accounts: WebAccount[], maxStreams: number): void {
  for (const a of accounts) {
    const limits: Record<string, number> = {
      session_mints_per_ip: a.ipSessionsPerHour,
      streams_per_visitor: a.visitorStreams,
      streams_per_process: maxStreams,
      upload_bytes_per_visitor: a.visitorUploadBytes,
      upload_bytes_per_account: a.accountUploadBytes,
      model_tokens_per_visitor: a.visitorTokensPerDay,
      model_tokens_per_account: a.accountTokensPerDay,
    };
    for (const [budget, limit] of Object.entries(limits)) metrics.webBudgetLimit.set({ account: a.name, budget }, limit);
  }
}
