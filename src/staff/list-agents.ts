import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { conversations, staffUsers } from '../db/schema.ts';
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
  /** How many they may hold at once before round-robin passes them over. */
  cap: number;
}

/** Everyone who can hold conversations and is not disabled, with presence and load: who can take one now. */
export async function listAgents(db: Database, presence: PresenceStore, defaultCap: number): Promise<AgentStatus[]> {
  const rows = await db
    .select({ id: staffUsers.id, name: staffUsers.displayName, role: staffUsers.role, open: count(conversations.id) })
    .from(staffUsers)
    .leftJoin(conversations, and(eq(conversations.status, 'human'), eq(conversations.assignee, sql`${staffUsers.id}::text`)))
    .where(and(eq(staffUsers.disabled, false), inArray(staffUsers.role, [...HOLDING_ROLES])))
    .groupBy(staffUsers.id)
    .orderBy(asc(staffUsers.displayName), asc(staffUsers.id));
  const present = await presence.presenceOf(rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, open: Number(r.open), presence: present.get(r.id) ?? 'offline', cap: defaultCap }));
}
