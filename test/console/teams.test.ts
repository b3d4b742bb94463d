import test from 'ava';
import { and, eq } from 'drizzle-orm';
import { auditLog, conversations } from '../../src/db/schema.ts';
import type { StaffRole } from '../../src/staff/roles.ts';
import { call, type Credentials } from '../support/console-api.ts';
import { handoffBrain, staffMember } from '../support/staff-members.ts';
import { eventually, startHarness } from '../support/wecom-service.ts';

test.serial(
  "a conversation flagged on a team's account waits in that team's queue; its members see it while another agent holds it, and a transfer puts it back",
  async (t) => {
    const h = await startHarness({ database: 'postgres', brain: handoffBrain() });
    t.teardown(() => h.close());
    const staff = (email: string, role: StaffRole) => staffMember(h, email, role);
    const api = (who: Credentials, method: string, path: string, body?: unknown) => call(h.baseUrl, method, path, { ...who, body });
    const boss = await staff('boss@example.com', 'supervisor');
    const member = await staff('member@example.com', 'agent');
    const outsider = await staff('outsider@example.com', 'agent');
    const holder = await staff('holder@example.com', 'agent');

    const created = await api(boss, 'POST', '/api/teams', { name: '售后', maxOpenPerAgent: 3 });
    t.is(created.status, 201);
    const { id: teamId } = (await created.json()) as { id: number };
    t.is((await api(boss, 'POST', '/api/teams', { name: '售后' })).status, 409, 'names are unique');
    t.is((await api(member, 'POST', '/api/teams', { name: '售前' })).status, 403, 'agents do not manage teams');
    t.is((await api(boss, 'PUT', `/api/teams/${teamId}/members`, { userIds: [member.id, 999_999] })).status, 400, 'unknown member');
    t.is((await api(boss, 'PUT', `/api/teams/${teamId}/members`, { userIds: [member.id] })).status, 204);
    t.is((await api(boss, 'PUT', `/api/teams/${teamId}/accounts`, { accounts: [{ channel: 'wecom', account: 'nope' }] })).status, 400);
    t.is((await api(boss, 'PUT', `/api/teams/${teamId}/accounts`, { accounts: [{ channel: 'wecom', account: 'default' }] })).status, 204);
    t.is((await api(boss, 'PATCH', `/api/teams/${teamId}`, { name: '售后服务' })).status, 204);
    t.deepEqual(await (await api(member, 'GET', '/api/teams')).json(), {
      teams: [
        {
          id: teamId,
          name: '售后服务',
          autoAssign: false,
          maxOpenPerAgent: 3,
          userIds: [member.id],
          accounts: [{ channel: 'wecom', account: 'default' }],
        },
      ],
    });

    await h.sendText('wangwu', '我要人工');
    await h.wecom.waitForDelivered(1);
    const waiting = await eventually(async () => {
      const [row] = await h.service.db.select().from(conversations).where(eq(conversations.status, 'needs_human'));
      return row;
    });
    t.is(waiting.teamId, teamId, "flagged into its account's team");

    t.is((await api(holder, 'POST', `/api/conversations/${waiting.id}/assign`, { assignee: 'me' })).status, 204);
    t.is((await api(member, 'GET', `/api/conversations/${waiting.id}`)).status, 200, "a member sees the team's conversation");
    t.is((await api(outsider, 'GET', `/api/conversations/${waiting.id}`)).status, 403, 'another agent does not');
    const inbox = async (who: Credentials, view = 'all') =>
      (
        (await (await api(who, 'GET', `/api/conversations?view=${view}`)).json()) as { conversations: Array<{ id: number }> }
      ).conversations.map((c) => c.id);
    t.deepEqual(await inbox(member), [waiting.id]);
    t.deepEqual(await inbox(member, 'team'), [waiting.id], 'the team view lists it while a teammate holds it');
    t.deepEqual(await inbox(outsider), []);
    t.deepEqual(await inbox(outsider, 'team'), []);
    t.is((await api(member, 'POST', `/api/conversations/${waiting.id}/transfer`, { teamId })).status, 403, 'only its holder transfers it');
    t.is((await api(holder, 'POST', `/api/conversations/${waiting.id}/transfer`, { teamId: 999_999 })).status, 400);

    t.is((await api(holder, 'POST', `/api/conversations/${waiting.id}/transfer`, { teamId })).status, 204);
    const [moved] = await h.service.db.select().from(conversations).where(eq(conversations.id, waiting.id));
    t.deepEqual([moved!.status, moved!.assignee, moved!.teamId], ['needs_human', null, teamId]);
    t.truthy(moved!.waitingSince);
    const audits = await h.service.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.objectType, 'conversation'), eq(auditLog.objectId, String(waiting.id))))
      .orderBy(auditLog.id);
    t.deepEqual(
      audits.map((a) => [a.action, a.actorId]),
      [
        ['conversation.assign', holder.id],
        ['conversation.transfer', holder.id],
      ],
    );
    t.is((await api(outsider, 'GET', `/api/conversations/${waiting.id}`)).status, 200, 'waiting again: every agent sees it');
  },
);
