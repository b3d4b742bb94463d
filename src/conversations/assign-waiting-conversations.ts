import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AuditContext } from '../audit/audit-log.ts';
import { conversations, staffUsers, teamMembers, teams } from '../db/schema.ts';
import type { Executor } from '../db/transaction.ts';
import { capOf, openCountOf } from '../staff/agent-caps.ts';
import { HOLDING_ROLES } from '../staff/list-agents.ts';
import type { PresenceStore } from '../staff/presence.ts';
import { announceHandedOver, type HandedOver, handOver } from './assign-conversation.ts';
import { conversationStateColumns, type StaffOperationDeps } from './staff-access.ts';

export interface RoundRobinDeps extends StaffOperationDeps {
  /** Who is online (src/staff/presence.ts): only they are given conversations, never those away or offline. */
  presence: Pick<PresenceStore, 'presenceOf'>;
  /** AGENT_MAX_OPEN_CONVERSATIONS, for teams without a cap of their own. */
  defaultCap: number;
}

/** Round-robin acts for nobody: the audit log records it as the system. */
const SYSTEM: AuditContext = { actorId: null, sourceIp: null };

/**
 * Round-robin (issue 13): while the team auto-assigns, hands its waiting conversations, longest
 * waiting first, to its ONLINE members under their cap (src/staff/agent-caps.ts), fewest held
 * first, ties to the one assigned least recently. Each assignment is the same domain step as a
 * person's (assign-conversation.ts: audit entry with reason round_robin, console event, the
 * widget's "joined" line, the handoff-wait metric). Answers how many it assigned.
 */
export async function assignWaitingConversations(deps: RoundRobinDeps, teamId: number): Promise<number> {
  const [team] = await deps.db.select({ autoAssign: teams.autoAssign }).from(teams).where(eq(teams.id, teamId));
  if (!team?.autoAssign) return 0;
  const members = await deps.db
    .select({ id: staffUsers.id })
    .from(teamMembers)
    .innerJoin(staffUsers, eq(staffUsers.id, teamMembers.userId))
    .where(and(eq(teamMembers.teamId, teamId), eq(staffUsers.disabled, false), inArray(staffUsers.role, [...HOLDING_ROLES])));
  if (members.length === 0) return 0;
  const present = await deps.presence.presenceOf(members.map((m) => m.id));
  const online = members.map((m) => m.id).filter((id) => present.get(id) === 'online');
  if (online.length === 0) return 0;
  let assigned = 0;
  for (;;) {
    const done = await deps.db.transaction((tx) => assignLongestWaiting(tx, deps, teamId, online));
    if (!done) return assigned;
    await announceHandedOver(deps, done);
    assigned += 1;
  }
}

/**
 * One assignment, one transaction, safe with any number of API and worker processes assigning at
 * once. The conversation is taken FOR UPDATE SKIP LOCKED, so two assigners never pick the same one
 * (and transition()'s conditional UPDATE would refuse it anyway). The candidates' staff_users rows
 * are locked, in id order so assigners of overlapping teams cannot deadlock, BEFORE their load is
 * counted: under READ COMMITTED each statement sees what committed before it started, so the count,
 * run after the lock is granted, includes every assignment made by whoever held the lock before.
 * Row locks rather than a per-team lock (an advisory lock or one in Redis) because one person may
 * belong to several teams, and their cap spans all of them.
 */
async function assignLongestWaiting(tx: Executor, deps: RoundRobinDeps, teamId: number, online: number[]): Promise<HandedOver | null> {
  const [waiting] = await tx
    .select(conversationStateColumns)
    .from(conversations)
    // A 微信客服 session a servicer answers in WeCom has no place in our console's queue.
    .where(and(eq(conversations.status, 'needs_human'), eq(conversations.teamId, teamId), isNull(conversations.servicerUserId)))
    .orderBy(asc(conversations.waitingSince), asc(conversations.id))
    .limit(1)
    .for('update', { skipLocked: true });
  if (!waiting) return null;
  await tx.select({ id: staffUsers.id }).from(staffUsers).where(inArray(staffUsers.id, online)).orderBy(asc(staffUsers.id)).for('update');
  const candidates = await tx
    .select({
      id: staffUsers.id,
      displayName: staffUsers.displayName,
      lastAssignedAt: staffUsers.lastAssignedAt,
      open: openCountOf(sql`${staffUsers.id}`),
      cap: capOf(sql`${staffUsers.id}`, deps.defaultCap),
    })
    .from(staffUsers)
    .where(and(inArray(staffUsers.id, online), eq(staffUsers.disabled, false)));
  const [next] = candidates
    .filter((c) => Number(c.open) < Number(c.cap))
    .sort((a, b) => Number(a.open) - Number(b.open) || assignedBefore(a.lastAssignedAt, b.lastAssignedAt) || a.id - b.id);
  if (!next) return null;
  return handOver(tx, deps.lines, waiting, next, SYSTEM, 'round_robin');
}

/** Never assigned comes first, then the earliest. */
function assignedBefore(a: Date | null, b: Date | null): number {
  return (a?.getTime() ?? 0) - (b?.getTime() ?? 0);
}
