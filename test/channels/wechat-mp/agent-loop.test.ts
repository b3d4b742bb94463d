import test from 'ava';
import { and, eq, sql } from 'drizzle-orm';
import type { Service } from '../../../src/composition.ts';
import { auditLog, conversations, deliveries, messages } from '../../../src/db/schema.ts';
import { FakeWechatMpApi } from '../../../src/simulator/fake-wechat-mp-api.ts';
import { mpTextXml, sealMpCallback } from '../../../src/simulator/wechat-mp-callback.ts';
import { callJson, type SignedIn, signedInStaff } from '../../support/console-api.ts';
import { RecordedEvents } from '../../support/recorded-events.ts';
import { HANDOFF_TEXT } from '../../support/staff-members.ts';
import { EchoBrain, startChannelService } from '../../support/wechat-family-service.ts';
import { eventually } from '../../support/wecom-service.ts';

/**
 * The agent's loop on the Official Account, through the console API, on the real service with
 * PostgreSQL and Redis, WeChat faked on loopback: the customer asks for a person, an agent takes
 * the conversation and answers through custom/send within its 48-hour window and 5-message quota,
 * and resolving hands the customer back to the bot.
 */
const account = { appId: 'wxagentloop0001', secret: 'agent-loop-secret', token: 'agentlooptoken' };
const wechat = new FakeWechatMpApi({ appId: account.appId, appSecret: account.secret });
const brain = new EchoBrain();
const events = new RecordedEvents();
let service: Service;
let baseUrl: string;
let close: () => Promise<void>;
let agent: SignedIn;

test.before(async () => {
  const apiBase = await wechat.listen();
  ({ service, baseUrl, close } = await startChannelService(
    'mp-agent',
    {
      WECHAT_MP_APP_ID: account.appId,
      WECHAT_MP_APP_SECRET: account.secret,
      WECHAT_MP_TOKEN: account.token,
      WECHAT_MP_API_BASE: apiBase,
      // A hold notice would spend the customer's quota while they wait: off, to count only replies.
      HOLD_NOTICE_INTERVAL_MS: '0',
    },
    brain,
    events,
  ));
  agent = await signedInStaff(baseUrl, service.db, 'agent@example.com', 'agent');
});

test.after.always(async () => {
  await close?.();
  await wechat.close();
});

let msgId = 5_000;
/** The user writes to the Official Account (plain mode), which gives 5 custom/send messages for 48 hours. */
async function customerSays(openid: string, text: string): Promise<void> {
  wechat.userWrote(openid);
  const { query, body } = sealMpCallback(account, mpTextXml({ toUser: 'gh_loop', from: openid, text, msgId: String(msgId++) }), 'plain');
  const res = await fetch(`${baseUrl}/callbacks/wechat-mp/default?${query}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'text/xml' },
  });
  if (res.status !== 200) throw new Error(`callback answered ${res.status}`);
}

const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => callJson<T>(baseUrl, agent, method, path, body);

interface ReplyWindow {
  open: boolean;
  closesAt: string | null;
  remaining: number | null;
  limit: number | null;
  reason: string | null;
}

/** The customer asks for a person and the agent takes the conversation from the inbox. */
async function takenConversation(openid: string): Promise<number> {
  await customerSays(openid, '我要人工');
  await wechat.waitFor(() => wechat.deliveredTo(openid).length === 1);
  const id = await eventually(async () => {
    const inbox = await api<{ conversations: Array<{ id: number; customer: { externalId: string } }> }>(
      'GET',
      '/api/conversations?status=needs_human',
    );
    return inbox.body.conversations.find((c) => c.customer.externalId === openid)?.id;
  });
  const taken = await api('POST', `/api/conversations/${id}/assign`, { assignee: 'me' });
  if (taken.status !== 204) throw new Error(`assign answered ${taken.status}`);
  return id;
}

const windowOf = async (id: number) => (await api<{ replyWindow: ReplyWindow }>('GET', `/api/conversations/${id}`)).body.replyWindow;
const agentMessages = (id: number) =>
  service.db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, id), eq(messages.sender, 'agent')));

test.serial('an agent takes the conversation, replies through custom/send, resolves, and the bot answers the next question', async (t) => {
  const id = await takenConversation('o-loop');
  const before = await windowOf(id);
  t.like(before, { open: true, remaining: 4, limit: 5, reason: null }, 'the bot’s handoff message used one of the five');
  const closesIn = new Date(before.closesAt!).getTime() - Date.now();
  t.true(closesIn > 47 * 3600_000 && closesIn <= 48 * 3600_000, 'the window closes 48 hours after the customer wrote');

  const reply = await api('POST', `/api/conversations/${id}/messages`, { text: '您好，我是客服小王' });
  t.is(reply.status, 201);
  await wechat.waitFor(() => wechat.deliveredTo('o-loop').length === 2);
  t.deepEqual(wechat.deliveredTo('o-loop'), [HANDOFF_TEXT, '您好，我是客服小王']);
  t.like(await windowOf(id), { open: true, remaining: 3 });

  t.is((await api('POST', `/api/conversations/${id}/resolve`)).status, 204);
  await customerSays('o-loop', '多久发货');
  await wechat.waitFor(() => wechat.deliveredTo('o-loop').length === 3);
  t.is(wechat.deliveredTo('o-loop')[2], '答：多久发货');
  const [row] = await service.db.select().from(conversations).where(eq(conversations.id, id));
  t.is(row!.status, 'bot');
});

test.serial('48 hours after the customer’s last message the window is closed: the reply is refused and nothing is stored', async (t) => {
  const id = await takenConversation('o-late');
  const sendsBefore = wechat.sendRequests;
  // Two days pass: every stored time of the conversation moves back 49 hours.
  await service.db.execute(sql`
    update messages set created_at = created_at - interval '49 hours',
                        platform_sent_at = platform_sent_at - interval '49 hours'
    where conversation_id = ${id}`);
  t.like(await windowOf(id), { open: false, remaining: 0, limit: 5, reason: 'window_closed' });

  const refused = await api<{ error: string; message: string }>('POST', `/api/conversations/${id}/messages`, { text: '抱歉久等了' });
  t.is(refused.status, 409);
  t.is(refused.body.error, 'reply_window_closed');
  t.regex(refused.body.message, /once the customer writes again/);
  t.deepEqual(await agentMessages(id), [], 'no message stored');
  t.is(wechat.sendRequests, sendsBefore, 'nothing sent');
  const audits = await service.db.select().from(auditLog).where(eq(auditLog.action, 'conversation.reply'));
  t.false(
    audits.some((a) => a.objectId === String(id)),
    'no reply audited',
  );

  // The customer writes again: a new window, and the agent can answer.
  await customerSays('o-late', '还在吗');
  await eventually(async () => (await windowOf(id)).open || undefined, 30_000, 'window reopened');
  t.like(await windowOf(id), { open: true, remaining: 5 });
  t.is((await api('POST', `/api/conversations/${id}/messages`, { text: '在的，请讲' })).status, 201);
  await wechat.waitFor(() => wechat.deliveredTo('o-late').includes('在的，请讲'));
});

test.serial('five messages per customer message: the sixth and a reply of more parts than are left are refused', async (t) => {
  const id = await takenConversation('o-quota');
  // 10,000 characters of Chinese are 30,000 bytes: 15 parts of custom/send's 2048 bytes, more than the 4 left.
  const long = await api<{ error: string }>('POST', `/api/conversations/${id}/messages`, { text: '长'.repeat(10_000) });
  t.is(long.status, 409);
  t.is(long.body.error, 'reply_quota_spent');
  for (const n of [1, 2, 3, 4]) t.is((await api('POST', `/api/conversations/${id}/messages`, { text: `第${n}条` })).status, 201);
  t.like(await windowOf(id), { open: false, remaining: 0, reason: 'quota_spent' });
  const sixth = await api<{ error: string; message: string }>('POST', `/api/conversations/${id}/messages`, { text: '第5条' });
  t.is(sixth.status, 409);
  t.is(sixth.body.error, 'reply_quota_spent');
  t.regex(sixth.body.message, /allows 5 messages .* 0 are left/);
  await wechat.waitFor(() => wechat.deliveredTo('o-quota').length === 5);
  t.deepEqual(wechat.deliveredTo('o-quota'), [HANDOFF_TEXT, '第1条', '第2条', '第3条', '第4条']);
  t.is((await agentMessages(id)).length, 4);
});

test.serial('when WeChat still refuses (45015) the reply fails for good with the reason on the message, not retried', async (t) => {
  const id = await takenConversation('o-refused');
  wechat.outsideWindow.add('o-refused');
  t.is((await api('POST', `/api/conversations/${id}/messages`, { text: '您好' })).status, 201);
  const [failed] = await eventually(async () => {
    const rows = (await agentMessages(id)).filter((m) => m.status === 'failed');
    return rows.length > 0 ? rows : undefined;
  });
  t.deepEqual(failed!.meta.deliveryError, {
    code: 'wechat-mp:45015',
    reason: 'errcode 45015 (outside the 48-hour reply window (回复时间超过限制)): response out of time limit or subscription is canceled',
  });
  const sends = wechat.sendRequests;
  await new Promise((r) => setTimeout(r, 500));
  t.is(wechat.sendRequests, sends, 'not retried');
  const [delivery] = await service.db.select().from(deliveries).where(eq(deliveries.messageId, failed!.id));
  t.is(delivery!.status, 'failed');
  const history = await api<{ messages: Array<{ sender: string; status: string; meta: Record<string, unknown> }> }>(
    'GET',
    `/api/conversations/${id}/messages`,
  );
  t.like(history.body.messages.at(-1), { sender: 'agent', status: 'failed', meta: { deliveryError: { code: 'wechat-mp:45015' } } });
});

test.serial('an Official Account conversation has no servicers to hand to (微信客服 only): 409', async (t) => {
  const id = await takenConversation('o-servicer');
  const list = await api<{ error: string }>('GET', `/api/conversations/${id}/servicers`);
  t.is(list.status, 409);
  t.is(list.body.error, 'no_client_servicers');
  t.is((await api('POST', `/api/conversations/${id}/servicer`, { servicerUserId: 'lisi' })).status, 409);
  t.like(await windowOf(id), { open: true }, 'still the agent’s to answer');
});
