import type { ReplyWindowInput, ReplyWindowState } from '../types.ts';

/**
 * The WeChat-family reply rule: a customer's message opens a window of `hours` in which at most
 * `limit` messages may go to them; their next message opens a new one. Each channel folder states
 * its own platform's numbers and source; this is only the arithmetic they share.
 */
export function windowAfterCustomerMessage(input: ReplyWindowInput, rule: { hours: number; limit: number }): ReplyWindowState {
  const { lastCustomerMessageAt, sentSince, now } = input;
  if (!lastCustomerMessageAt) return { open: false, remaining: 0, limit: rule.limit, reason: 'window_closed' };
  const closesAt = new Date(lastCustomerMessageAt.getTime() + rule.hours * 3600_000);
  if (now >= closesAt) return { open: false, closesAt, remaining: 0, limit: rule.limit, reason: 'window_closed' };
  const remaining = Math.max(0, rule.limit - sentSince);
  if (remaining === 0) return { open: false, closesAt, remaining, limit: rule.limit, reason: 'quota_spent' };
  return { open: true, closesAt, remaining, limit: rule.limit };
}
