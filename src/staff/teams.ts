import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../db/connect.ts';
import { channelAccounts, staffUsers, teamChannelAccounts, teamMembers, teams } from '../db/schema.ts';
import { RejectedRequestError } from '../errors.ts';
import { HOLDING_ROLES } from './list-agents.ts';
import { isUniqueViolation } from './staff-users.ts';

export interface Team {
  id: number;
  name: string;
  autoAssign: boolean;
  maxOpenPerAgent: number | null;
  userIds: number[];
  accounts: Array<{ channel: string; account: string }>;
}

export interface TeamSettings {
  name: string;
  autoAssign: boolean;
  maxOpenPerAgent: number | null;
}

/** Every team with its members and channel accounts, by name. */
export async function listTeams(db: Database): Promise<Team[]> {
  const rows = await db.select().from(teams).orderBy(asc(teams.name));
  const members = await db.select().from(teamMembers).orderBy(asc(teamMembers.userId));
  const accounts = await db
    .select({ teamId: teamChannelAccounts.teamId, channel: channelAccounts.channel, account: channelAccounts.name })
    .from(teamChannelAccounts)
    .innerJoin(channelAccounts, eq(channelAccounts.id, teamChannelAccounts.channelAccountId))
    .orderBy(asc(channelAccounts.channel), asc(channelAccounts.name));
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    autoAssign: t.autoAssign,
    maxOpenPerAgent: t.maxOpenPerAgent,
    userIds: members.filter((m) => m.teamId === t.id).map((m) => m.userId),
    accounts: accounts.filter((a) => a.teamId === t.id).map(({ channel, account }) => ({ channel, account })),
  }));
}

/** The teams a staff member belongs to. */
export async function teamIdsOf(db: Database, userId: number): Promise<number[]> {
  const rows = await db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.userId, userId));
  return rows.map((r) => r.teamId);
}

const nameTaken = (name: string) => new RejectedRequestError('name_taken', `a team named ${name} exists`, 409);
const noTeam = (id: number) => new RejectedRequestError('not_found', `there is no team ${id}`, 404);

export async function createTeam(db: Database, settings: TeamSettings, audit: AuditContext): Promise<{ id: number }> {
  try {
    return await db.transaction(async (tx) => {
      const [team] = await tx.insert(teams).values(settings).returning({ id: teams.id });
      await recordAudit(tx, audit, { action: 'team.create', objectType: 'team', objectId: team!.id, details: { ...settings } });
      return team!;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(settings.name);
    throw err;
  }
}

export async function updateTeam(db: Database, id: number, changes: Partial<TeamSettings>, audit: AuditContext): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      const [team] = await tx
        .update(teams)
        .set({ ...changes, updatedAt: sql`now()` })
        .where(eq(teams.id, id))
        .returning({ id: teams.id });
      if (!team) throw noTeam(id);
      await recordAudit(tx, audit, { action: 'team.update', objectType: 'team', objectId: id, details: { ...changes } });
    });
  } catch (err) {
    if (isUniqueViolation(err) && changes.name) throw nameTaken(changes.name);
    throw err;
  }
}

/** Replaces the team's members: staff who can hold conversations and are not disabled. */
export async function setTeamMembers(db: Database, id: number, userIds: number[], audit: AuditContext): Promise<void> {
  const unique = [...new Set(userIds)];
  await db.transaction(async (tx) => {
    const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, id)).for('update');
    if (!team) throw noTeam(id);
    const found = unique.length
      ? await tx
          .select({ id: staffUsers.id })
          .from(staffUsers)
          .where(and(inArray(staffUsers.id, unique), eq(staffUsers.disabled, false), inArray(staffUsers.role, [...HOLDING_ROLES])))
      : [];
    const missing = unique.filter((u) => !found.some((f) => f.id === u));
    if (missing.length)
      throw new RejectedRequestError('invalid_member', `staff users ${missing.join(', ')} cannot hold conversations`, 400);
    await tx.delete(teamMembers).where(eq(teamMembers.teamId, id));
    if (unique.length) await tx.insert(teamMembers).values(unique.map((userId) => ({ teamId: id, userId })));
    await recordAudit(tx, audit, { action: 'team.members', objectType: 'team', objectId: id, details: { userIds: unique } });
  });
}

/** Replaces the channel accounts routed to the team; an account routed to another team moves here. */
export async function setTeamAccounts(
  db: Database,
  id: number,
  accounts: Array<{ channel: string; account: string }>,
  audit: AuditContext,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, id)).for('update');
    if (!team) throw noTeam(id);
    const known = await tx
      .select({ id: channelAccounts.id, channel: channelAccounts.channel, name: channelAccounts.name })
      .from(channelAccounts);
    const ids = accounts.map(({ channel, account }) => {
      const match = known.find((k) => k.channel === channel && k.name === account);
      if (!match) throw new RejectedRequestError('unknown_account', `there is no ${channel} account named ${account}`, 400);
      return match.id;
    });
    await tx.delete(teamChannelAccounts).where(eq(teamChannelAccounts.teamId, id));
    if (ids.length) {
      await tx.delete(teamChannelAccounts).where(inArray(teamChannelAccounts.channelAccountId, ids));
      await tx.insert(teamChannelAccounts).values([...new Set(ids)].map((channelAccountId) => ({ channelAccountId, teamId: id })));
    }
    await recordAudit(tx, audit, { action: 'team.accounts', objectType: 'team', objectId: id, details: { accounts } });
  });
}
