import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { conversations, teamMembers, teams } from '../db/schema.ts';
import type { Logger } from '../observability/logger.ts';
import { assignWaitingConversations, type RoundRobinDeps } from './assign-waiting-conversations.ts';
import type { RoundRobin } from './staff-access.ts';

export interface RoundRobinService extends RoundRobin {
  /** Every auto-assigning team with someone waiting: repairs a trigger lost between a commit and its call. */
  sweep(): Promise<void>;
}

/**
 * Where round-robin is triggered from (docs/agents.md, "Round-robin"): a conversation starts waiting
 * (the worker's handoff, a failed delivery or job, a transfer), a person comes online or frees a
 * slot (resolve, close, transfer away), and the worker role's sweep. Each finds the teams concerned
 * and runs assignWaitingConversations for each; a failure is logged, never thrown.
 */
export function createRoundRobin(deps: RoundRobinDeps & { logger: Logger }): RoundRobinService {
  const { db } = deps;
  const assignIn = async (teamIds: number[]) => {
    for (const teamId of new Set(teamIds)) await assignWaitingConversations(deps, teamId);
  };
  const logging = (context: Record<string, unknown>) => (err: unknown) =>
    deps.logger.warn({ err, ...context }, 'round-robin did not run; the sweep tries again');

  return {
    waiting: async (conversationIds) => {
      if (conversationIds.length === 0) return;
      await db
        .selectDistinct({ teamId: conversations.teamId })
        .from(conversations)
        .innerJoin(teams, and(eq(teams.id, conversations.teamId), eq(teams.autoAssign, true)))
        .where(and(inArray(conversations.id, conversationIds), eq(conversations.status, 'needs_human'), isNotNull(conversations.teamId)))
        .then((rows) => assignIn(rows.map((r) => r.teamId!)))
        .catch(logging({ conversationIds }));
    },
    available: async (userId) => {
      await db
        .select({ teamId: teamMembers.teamId })
        .from(teamMembers)
        .innerJoin(teams, and(eq(teams.id, teamMembers.teamId), eq(teams.autoAssign, true)))
        .where(eq(teamMembers.userId, userId))
        .then((rows) => assignIn(rows.map((r) => r.teamId)))
        .catch(logging({ userId }));
    },
    sweep: async () => {
      // Cheap when no team auto-assigns or nobody waits: the waiting ones are found through the conversations_waiting index.
      await db
        .select({ id: teams.id })
        .from(teams)
        .where(
          and(
            eq(teams.autoAssign, true),
            sql`exists (select 1 from conversations c where c.status = 'needs_human' and c.team_id = ${teams.id})`,
          ),
        )
        .then((rows) => assignIn(rows.map((r) => r.id)))
        .catch(logging({ sweep: true }));
    },
  };
}
