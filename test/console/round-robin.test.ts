import test, { type ExecutionContext } from 'ava';
import { asc, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { assignWaitingConversations, type RoundRobinDeps } from '../../src/conversations/assign-waiting-conversations.ts';
import { resolveConversation } from '../../src/conversations/resolve-conversation.ts';
import { createRoundRobin } from '../../src/conversations/round-robin.ts';
import { transferConversation } from '../../src/conversations/transfer-conversation.ts';
import type { WorkspaceTimings } from '../../src/conversations/workspace-timings.ts';
import { auditLog, conversations } from '../../src/db/schema.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { listAgents } from '../../src/staff/list-agents.ts';
import { redisPresence } from '../../src/staff/presence.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { createTeam, setTeamAccounts, setTeamMembers, updateTeam } from '../../src/staff/teams.ts';
import { call, openConsoleEvents } from '../support/console-api.ts';
import { recordConversationEvents } from '../support/conversation-event-recorder.ts';
import { customerWrites, waitForPerson } from '../support/conversation-fixtures.ts';
import { migratedDatabase } from '../support/databases.ts';
import { handoffBrain, staffMember } from '../support/staff-members.ts';
import { deleteRedisPrefix, REDIS_URL, startHarness } from '../support/wecom-service.ts';

const CLI = { actorId: null, sourceIp: null, via: 'cli' } as const;
const SUPERVISOR_IP = { actorId: null, sourceIp: '127.0.0.1' };

/** A PostgreSQL database of its own, presence in a Redis prefix of its own, events and handoff waits recorded. */
async function setup(t: ExecutionContext, defaultCap = 8) {
  const database = await migratedDatabase('postgres');
  const prefix = `rr${Date.now()}${Math.random().toString(36).slice(2, 6)}`;
  const redis = new Redis(REDIS_URL, { keyPrefix: `${prefix}:` });
  t.teardown(async () => {
    redis.disconnect();
    await deleteRedisPrefix(prefix);
    await database.close();
  });
  const logger = createLogger('silent');
  const presence = redisPresence({ redis, redisPrefix: prefix, logger, streamTtlMs: 60_000 });
  const events = recordConversationEvents();
  const waited: number[] = [];
  const timings: WorkspaceTimings = { handoffWaited: (_channel, seconds) => void waited.push(seconds), firstResponded: () => {} };
  const deps: RoundRobinDeps = { db: database.handle.db, events, timings, presence, defaultCap };
  const roundRobin = createRoundRobin({ ...deps, logger });
  const db = database.handle.db;

  let n = 0;
  const agent = async (state: 'online' | 'away' | 'offline') => {
    n += 1;
    const user = await createStaffUser(db, { email: `agent${n}@example.com`, role: 'agent', password: 'correct horse battery' }, CLI);
    if (state !== 'offline') await presence.streamOpened(user.id, `stream-${user.id}`);
    if (state === 'away') await presence.setAway(user.id, true);
    return user.id;
  };
  const team = async (members: number[], maxOpenPerAgent: number | null) => {
    await customerWrites(db, { customer: 'first-customer', text: '你好' });
    const { id } = await createTeam(db, { name: `team ${n}`, autoAssign: true, maxOpenPerAgent }, SUPERVISOR_IP);
    await setTeamMembers(db, id, members, SUPERVISOR_IP);
    await setTeamAccounts(db, id, [{ channel: 'wecom', account: 'default' }], SUPERVISOR_IP);
    return id;
  };
  /** Conversations waiting in the wecom account's team, longest-waiting first. */
  const waiting = async (count: number) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const { conversationId } = await customerWrites(db, { customer: `customer-${ids.length}-${Date.now()}`, text: '转人工' });
      await waitForPerson(db, conversationId);
      ids.push(conversationId);
    }
    return ids;
  };
  const holders = async (ids: number[]) => {
    const rows = await db
      .select({ id: conversations.id, assignee: conversations.assignee })
      .from(conversations)
      .orderBy(asc(conversations.id));
    return ids.map((id) => {
      const assignee = rows.find((r) => r.id === id)?.assignee;
      return assignee == null ? null : Number(assignee);
    });
  };
  const roundRobinAudits = async () =>
    (await db.select().from(auditLog).where(eq(auditLog.action, 'conversation.assign'))).filter(
      (e) => (e.details as { reason?: string }).reason === 'round_robin',
    );
  return { db, deps, roundRobin, presence, events, waited, agent, team, waiting, holders, roundRobinAudits };
}

test.serial('round-robin hands the longest-waiting conversations in turn to online members, never to those away or offline', async (t) => {
  const s = await setup(t);
  const [first, second, away, offline] = [
    await s.agent('online'),
    await s.agent('online'),
    await s.agent('away'),
    await s.agent('offline'),
  ];
  const teamId = await s.team([first, second, away, offline], 10);
  const ids = await s.waiting(6);

  t.is(await assignWaitingConversations(s.deps, teamId), 6);
  t.deepEqual(
    await s.holders(ids),
    [first, second, first, second, first, second],
    'fewest held first, ties to the least recently assigned',
  );

  const audits = await s.roundRobinAudits();
  t.deepEqual(
    audits.map((e) => e.actorId),
    Array(6).fill(null),
    'the system assigns',
  );
  t.deepEqual(
    audits.map((e) => Number(e.objectId)).sort((a, b) => a - b),
    ids,
  );
  const assigned = s.events.published.filter((e) => e.change === 'assigned');
  t.deepEqual(
    assigned.map((e) => [e.conversationId, e.status, e.assignee, e.teamId]),
    ids.map((id, i) => [id, 'human', i % 2 ? second : first, teamId]),
  );
  t.is(s.waited.length, 6, 'each handoff wait is measured');
});

test.serial('two assigners at once never push anyone over the cap nor assign a conversation twice', async (t) => {
  const s = await setup(t);
  const members = [await s.agent('online'), await s.agent('online'), await s.agent('online')];
  const teamId = await s.team(members, 2);
  const ids = await s.waiting(10);

  const counts = await Promise.all([assignWaitingConversations(s.deps, teamId), assignWaitingConversations(s.deps, teamId)]);
  t.is(counts[0]! + counts[1]!, 6);
  const holders = await s.holders(ids);
  for (const member of members) t.is(holders.filter((h) => h === member).length, 2, `member ${member} holds exactly the cap`);
  t.deepEqual(holders.slice(6), [null, null, null, null], 'the four that came last still wait');
  const audited = (await s.roundRobinAudits()).map((e) => Number(e.objectId));
  t.is(new Set(audited).size, audited.length, 'no conversation assigned twice');
  t.is(audited.length, 6);

  const agents = await listAgents(s.db, s.presence, 8);
  t.deepEqual(
    agents.map((a) => [a.open, a.cap]),
    [
      [2, 2],
      [2, 2],
      [2, 2],
    ],
    "GET /api/agents reports the team's cap",
  );
  await updateTeam(s.db, teamId, { maxOpenPerAgent: null }, SUPERVISOR_IP);
  t.deepEqual(
    (await listAgents(s.db, s.presence, 8)).map((a) => a.cap),
    [8, 8, 8],
    'or the default when the team has none',
  );
  await updateTeam(s.db, teamId, { autoAssign: false }, SUPERVISOR_IP);
  t.is(await assignWaitingConversations(s.deps, teamId), 0, 'a team that does not auto-assign is left alone');
});

test.serial('a conversation waiting with nobody online goes to the first member who comes online', async (t) => {
  const s = await setup(t, 3);
  const member = await s.agent('offline');
  const teamId = await s.team([member], null);
  const [id] = await s.waiting(1);
  await s.roundRobin.waiting([id!]);
  t.deepEqual(await s.holders([id!]), [null], 'nobody online to take it');

  await s.presence.streamOpened(member, 'console-tab');
  await s.roundRobin.available(member);
  t.deepEqual(await s.holders([id!]), [member]);
  t.true(s.events.published.some((e) => e.conversationId === id && e.change === 'assigned' && e.teamId === teamId));
});

test.serial('resolving frees a slot and the next waiting conversation is assigned; a transfer in waits in the new team', async (t) => {
  const s = await setup(t);
  const member = await s.agent('online');
  await s.team([member], 1);
  const ids = await s.waiting(3);
  await s.roundRobin.sweep();
  t.deepEqual(await s.holders(ids), [member, null, null], 'the cap is one');

  const ops = { db: s.db, events: s.events, roundRobin: s.roundRobin };
  await resolveConversation(ops, { userId: member, role: 'agent' }, ids[0]!, { actorId: member, sourceIp: '127.0.0.1' });
  t.deepEqual(await s.holders(ids), [null, member, null], 'the next longest-waiting one');

  const other = await s.agent('online');
  const otherTeam = await createTeam(s.db, { name: 'overflow', autoAssign: true, maxOpenPerAgent: null }, SUPERVISOR_IP);
  await setTeamMembers(s.db, otherTeam.id, [other], SUPERVISOR_IP);
  await transferConversation(
    ops,
    { userId: member, role: 'agent' },
    { conversationId: ids[1]!, teamId: otherTeam.id },
    {
      actorId: member,
      sourceIp: '127.0.0.1',
    },
  );
  t.deepEqual(await s.holders(ids), [null, other, member], 'transferred to the other team, and the freed slot filled');
  const [moved] = await s.db.select({ teamId: conversations.teamId }).from(conversations).where(eq(conversations.id, ids[1]!));
  t.is(moved!.teamId, otherTeam.id);
});

test.serial("the bot's handoff is assigned to the team member whose console is open, who hears of it on their stream", async (t) => {
  const h = await startHarness({ database: 'postgres', brain: handoffBrain() });
  t.teardown(() => h.close());
  const boss = await staffMember(h, 'boss@example.com', 'supervisor');
  const member = await staffMember(h, 'member@example.com', 'agent');
  const api = (method: string, path: string, body: unknown) => call(h.baseUrl, method, path, { ...boss, body });
  const created = await api('POST', '/api/teams', { name: '售后', autoAssign: true, maxOpenPerAgent: 2 });
  const { id: teamId } = (await created.json()) as { id: number };
  t.is((await api('PUT', `/api/teams/${teamId}/members`, { userIds: [member.id] })).status, 204);
  t.is((await api('PUT', `/api/teams/${teamId}/accounts`, { accounts: [{ channel: 'wecom', account: 'default' }] })).status, 204);
  const stream = await openConsoleEvents(h.baseUrl, member);
  t.teardown(() => stream.close());

  await h.sendText('wangwu', '我要人工');
  const events = await stream.waitFor(
    (all) => all.some((e) => e.event === 'conversation' && e.data.change === 'assigned'),
    15_000,
    'assigned',
  );
  const assigned = events.find((e) => e.event === 'conversation' && e.data.change === 'assigned')!;
  t.like(assigned.data, { status: 'human', assignee: member.id, teamId });
  const [row] = await h.service.db
    .select()
    .from(conversations)
    .where(eq(conversations.id, assigned.data.conversationId as number));
  t.deepEqual([row!.status, row!.assignee], ['human', String(member.id)]);
  const agents = (await (await call(h.baseUrl, 'GET', '/api/agents', { ...member })).json()) as {
    agents: Array<{ id: number; cap: number; open: number }>;
  };
  t.like(
    agents.agents.find((a) => a.id === member.id),
    { cap: 2, open: 1 },
  );
});
