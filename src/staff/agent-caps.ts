import { type SQL, sql } from 'drizzle-orm';

/**
 * How many conversations a staff member may hold before round-robin passes them over: the smallest
 * cap among their auto-assigning teams (a team without its own cap counts as the default), else the
 * default (AGENT_MAX_OPEN_CONVERSATIONS). One definition for round-robin and GET /api/agents, so the
 * console shows the cap assignment obeys. `userId` is an SQL expression naming the user's id.
 */
export function capOf(userId: SQL, defaultCap: number): SQL<number> {
  return sql<number>`coalesce((
    select min(coalesce(t.max_open_per_agent, ${defaultCap}))::int
      from team_members m join teams t on t.id = m.team_id
     where m.user_id = ${userId} and t.auto_assign), ${defaultCap})::int`;
}

/** How many conversations the staff member holds now (status `human`, assignee stored as text). */
export function openCountOf(userId: SQL): SQL<number> {
  return sql<number>`(select count(*)::int from conversations c where c.status = 'human' and c.assignee = (${userId})::text)`;
}
