import test from 'ava';
import { kfReplyWindow } from '../../../src/channels/wecom-kf/reply-window.ts';
import { mpReplyWindow } from '../../../src/channels/wechat-mp/reply-window.ts';

const wrote = new Date('2026-11-01T08:00:00Z');
const hours = (n: number) => new Date(wrote.getTime() + n * 3600_000);

for (const [name, rule] of [
  ['Official Account', mpReplyWindow],
  ['微信客服', kfReplyWindow],
] as const) {
  test(`${name}: 5 messages within 48 hours of the customer's last message`, (t) => {
    t.deepEqual(rule({ lastCustomerMessageAt: wrote, sentSince: 0, now: hours(1) }), {
      open: true,
      closesAt: hours(48),
      remaining: 5,
      limit: 5,
    });
    t.like(rule({ lastCustomerMessageAt: wrote, sentSince: 4, now: hours(47.9) }), { open: true, remaining: 1 });
    t.like(rule({ lastCustomerMessageAt: wrote, sentSince: 5, now: hours(1) }), { open: false, remaining: 0, reason: 'quota_spent' });
    t.like(
      rule({ lastCustomerMessageAt: wrote, sentSince: 0, now: hours(48) }),
      { open: false, reason: 'window_closed' },
      'closed at 48 h',
    );
    t.like(rule({ lastCustomerMessageAt: null, sentSince: 0, now: hours(1) }), { open: false, reason: 'window_closed' }, 'never wrote');
  });
}
