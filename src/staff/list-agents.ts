import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { staffUsers, teamMembers } from '../db/schema.ts';
import { capOf, openCountOf } from './agent-caps.ts';
import type { Presence } from './presence-events.ts';
import type { PresenceStore } from './presence.ts';
import type { StaffRole } from './roles.ts';

/** Roles that can hold a conversation. */
export const HOLDING_ROLES = ['admin', 'supervisor', 'agent'] as const satisfies readonly StaffRole[];

export interface AgentStatus {
  id: number;
  name: string;
  role: StaffRole;
  presence: Presence;
  /** Conversations they hold (status `human`). */
  open: number;
  /** How many they may hold at once before round-robin passes them over (src/staff/agent-caps.ts). */
  cap: number;
  teamIds: number[];
}

/** Everyone who can hold conversations and is not disabled, with presence and load: who can take one now. */
export async function listAgents(db: Database, presence: PresenceStore, defaultCap: number): Promise<AgentStatus[]> {
  const rows = await db
    .select({
      id: staffUsers.id,
      name: staffUsers.displayName,
      role: staffUsers.role,
      open: openCountOf(sql`${staffUsers.id}`),
      cap: capOf(sql`${staffUsers.id}`, defaultCap),
    })
    .from(staffUsers)
    .where(and(eq(staffUsers.disabled, false), inArray(staffUsers.role, [...HOLDING_ROLES])))
    .orderBy(asc(staffUsers.displayName), asc(staffUsers.id));
  const present = await presence.presenceOf(rows.map((r) => r.id));
  const members = await db.select().from(teamMembers);
  return rows.map((r) => ({
    ...r,
    open: Number(r.open),
    cap: Number(r.cap),
    presence: present.get(r.id) ?? 'offline',
    teamIds: members.filter((m) => m.userId === r.id).map((m) => m.teamId),
  }));
}
