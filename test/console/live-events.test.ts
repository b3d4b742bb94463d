import test from 'ava';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { startService } from '../../src/composition.ts';
import { loadConfig } from '../../src/config/env.ts';
import { conversations } from '../../src/db/schema.ts';
import { publishPresence } from '../../src/staff/presence-events.ts';
import type { StaffRole } from '../../src/staff/roles.ts';
import { createApiToken } from '../../src/staff/api-tokens.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { call, type Credentials, logIn, openConsoleEvents, PASSWORD } from '../support/console-api.ts';
import { HANDOFF_TEXT, handoffBrain } from '../support/staff-members.ts';
import type { SseStream } from '../support/sse-reader.ts';
import { eventually, type Harness, REDIS_URL, startHarness } from '../support/wecom-service.ts';

const CUSTOMER_TEXT = '我要人工 订单 778899';
const REPLY_TEXT = '您好，我是客服小王';
const NOTE_TEXT = '客户很着急';

interface Staff extends Credentials {
  id: number;
}

async function staffOn(h: Harness, baseUrl: string, email: string, role: StaffRole): Promise<Staff> {
  const user = await createStaffUser(h.service.db, { email, role, password: PASSWORD }, { actorId: null, sourceIp: null, via: 'cli' });
  const session = await logIn(baseUrl, email);
  return { id: user.id, cookie: session.cookie, csrf: session.csrf };
}

const conversationEvents = (stream: SseStream) =>
  stream.events.filter((e) => e.event === 'conversation').map((e) => [e.data.change, e.data.status, e.data.assignee]);

/** A second API process on the same database and Redis: the one the console's streams are held by. */
async function secondApi(h: Harness) {
  const service = await startService(loadConfig({ ...h.env, WEB_CHAT_SECRET: 'live-events-second-api-widget-secret' }), 'api', {
    brain: handoffBrain(),
    logger: createLogger('silent'),
  });
  return { service, baseUrl: `http://127.0.0.1:${service.port}` };
}

test.serial(
  'a change made through one API process reaches the streams of another, filtered per caller, with no customer text',
  async (t) => {
    const h = await startHarness({ database: 'postgres', brain: handoffBrain() });
    t.teardown(() => h.close());
    const b = await secondApi(h);
    t.teardown(() => b.service.stop());

    const taker = await staffOn(h, b.baseUrl, 'taker@example.com', 'agent');
    const other = await staffOn(h, b.baseUrl, 'other@example.com', 'agent');
    const boss = await staffOn(h, b.baseUrl, 'boss@example.com', 'supervisor');
    const marketer = await staffOn(h, b.baseUrl, 'marketer@example.com', 'marketer');
    const otherToken = (
      await createApiToken(h.service.db, { userId: other.id, name: 'live' }, { actorId: null, sourceIp: null, via: 'cli' })
    ).token;

    const streams = {
      taker: await openConsoleEvents(b.baseUrl, taker),
      other: await openConsoleEvents(b.baseUrl, { bearer: otherToken }),
      boss: await openConsoleEvents(b.baseUrl, boss),
      marketer: await openConsoleEvents(b.baseUrl, marketer),
    };
    t.teardown(() => {
      for (const stream of Object.values(streams)) stream.close();
    });
    t.regex(streams.boss.raw(), /^retry: 3000\n\nevent: ready\ndata: \{"at":"[^"]+"\}\n\n/);

    await h.sendText('zhaoliu', CUSTOMER_TEXT);
    await h.wecom.waitForDelivered(1);
    const id = await eventually(async () => {
      const [row] = await h.service.db.select().from(conversations).where(eq(conversations.status, 'needs_human'));
      return row?.id;
    });

    // Every change goes through process A (the harness); the streams are held by process B.
    const api = (who: Staff, method: string, path: string, body?: unknown) => call(h.baseUrl, method, path, { ...who, body });
    t.is((await api(taker, 'POST', `/api/conversations/${id}/assign`, { assignee: 'me' })).status, 204);
    t.is((await api(taker, 'POST', `/api/conversations/${id}/messages`, { text: REPLY_TEXT })).status, 201);
    t.is((await api(taker, 'POST', `/api/conversations/${id}/notes`, { text: NOTE_TEXT })).status, 201);
    t.is((await api(taker, 'POST', `/api/conversations/${id}/resolve`)).status, 204);

    // A last event every stream is told: once each has it, each has had everything before it.
    const publisher = new Redis(REDIS_URL);
    t.teardown(() => publisher.disconnect());
    // Streams opening publish presence too: the marker is one no real user has (ids start at 1).
    publishPresence(publisher, h.service.redisPrefix, createLogger('silent'), { userId: 0, presence: 'away' });
    for (const [name, stream] of Object.entries(streams)) {
      const marker = (events: SseStream['events']) => events.some((e) => e.event === 'presence' && e.data.userId === 0);
      await stream.waitFor(marker, 30_000, `${name}: the closing presence event`);
    }

    const all = [
      ['assigned', 'human', taker.id],
      ['message', 'human', taker.id],
      ['note', 'human', taker.id],
      ['resolved', 'bot', null],
    ];
    // Before the takeover: the customer's message (announced with whatever state it has by then) and the handoff.
    const fromTakeover = (stream: SseStream) => {
      const events = conversationEvents(stream);
      return events.slice(events.findIndex((e) => e[0] === 'assigned'));
    };
    for (const name of ['boss', 'taker', 'other'] as const) {
      t.deepEqual(
        conversationEvents(streams[name]).filter((e) => e[0] === 'waiting'),
        [['waiting', 'needs_human', null]],
        `${name} is told it waits for a person`,
      );
    }
    t.deepEqual(fromTakeover(streams.boss), all, 'a supervisor is told everything');
    t.deepEqual(fromTakeover(streams.taker), all.slice(0, 3), 'the agent holding it: until it goes back to the bot');
    t.deepEqual(fromTakeover(streams.other), [all[0]], 'another agent: that it left the queue, nothing while someone holds it');
    t.deepEqual(conversationEvents(streams.marketer), [], 'a marketer: no conversations at all');
    const first = streams.boss.events.find((e) => e.event === 'conversation')!;
    t.deepEqual(Object.keys(first.data).sort(), ['assignee', 'at', 'change', 'conversationId', 'status', 'teamId']);
    t.true(streams.boss.events.filter((e) => e.event === 'conversation').every((e) => e.data.conversationId === id));
    for (const [name, stream] of Object.entries(streams)) {
      for (const secret of [CUSTOMER_TEXT, '778899', REPLY_TEXT, NOTE_TEXT, 'zhaoliu', HANDOFF_TEXT]) {
        t.false(stream.raw().includes(secret), `${name}'s stream never carries ${secret}`);
      }
    }
  },
);

test.serial('the event stream needs credentials, and ends when its session is logged out', async (t) => {
  const h = await startHarness({ database: 'postgres', brain: handoffBrain(), env: { CONSOLE_EVENTS_HEARTBEAT_MS: '100' } });
  t.teardown(() => h.close());
  const anonymous = await fetch(`${h.baseUrl}/api/events`);
  t.is(anonymous.status, 401);
  t.is(((await anonymous.json()) as { error: string }).error, 'unauthenticated');

  const agent = await staffOn(h, h.baseUrl, 'agent@example.com', 'agent');
  const stream = await openConsoleEvents(h.baseUrl, agent);
  t.teardown(() => stream.close());
  t.is((await call(h.baseUrl, 'POST', '/api/auth/logout', agent)).status, 204);
  // Resolves only when the server ends the stream (the test's own close is a teardown).
  await stream.closed;
  t.is((await fetch(`${h.baseUrl}/api/events`, { headers: { cookie: agent.cookie! } })).status, 401);
});

test.serial('presence follows the console: online with a stream, away when it says so, offline when its last stream ends', async (t) => {
  const h = await startHarness({ database: 'postgres', brain: handoffBrain(), env: { CONSOLE_EVENTS_HEARTBEAT_MS: '100' } });
  t.teardown(() => h.close());
  const agent = await staffOn(h, h.baseUrl, 'agent@example.com', 'agent');
  const boss = await staffOn(h, h.baseUrl, 'boss@example.com', 'supervisor');
  const presenceOf = async (id: number) => {
    const answer = (await (await call(h.baseUrl, 'GET', '/api/agents', boss)).json()) as {
      agents: Array<{ id: number; presence: string; open: number; cap: number; teamIds: number[] }>;
    };
    return answer.agents.find((a) => a.id === id);
  };
  t.like(await presenceOf(agent.id), { presence: 'offline', open: 0, cap: 8, teamIds: [] });

  const watching = await openConsoleEvents(h.baseUrl, boss);
  t.teardown(() => watching.close());
  const told = (presence: string) =>
    watching.waitFor((events) => events.some((e) => e.event === 'presence' && e.data.userId === agent.id && e.data.presence === presence));
  const first = await openConsoleEvents(h.baseUrl, agent);
  const second = await openConsoleEvents(h.baseUrl, agent);
  await told('online');
  t.like(await presenceOf(agent.id), { presence: 'online' });

  const away = await call(h.baseUrl, 'PUT', '/api/me/presence', { ...agent, body: { presence: 'away' } });
  t.deepEqual(await away.json(), { presence: 'away' });
  await told('away');
  t.like(await presenceOf(agent.id), { presence: 'away' });
  t.deepEqual(await (await call(h.baseUrl, 'PUT', '/api/me/presence', { ...agent, body: { presence: 'online' } })).json(), {
    presence: 'online',
  });

  first.close();
  await first.closed;
  second.close();
  await second.closed;
  await told('offline');
  t.like(await presenceOf(agent.id), { presence: 'offline' });
  const refused = await call(h.baseUrl, 'PUT', '/api/me/presence', { ...agent, body: { presence: 'offline' } });
  t.is(refused.status, 400);
});
