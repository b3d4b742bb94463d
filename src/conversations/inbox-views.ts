import { type SQL, sql } from 'drizzle-orm';
import type { ConversationStatus } from '../db/schema.ts';
import { seesEverything, type StaffActor } from './staff-access.ts';

/** The inbox's views (GET /api/conversations?view=); `all` when absent. */
export const inboxViews = ['waiting', 'mine', 'team', 'all', 'resolved'] as const;
export type InboxView = (typeof inboxViews)[number];

/**
 * One stretch of a view, read by walking one index in its order: `column` then id, both in
 * `direction`. A view is a list of segments shown one after the other (waiting first, then the
 * rest), so each page is an index walk with a limit, never a sort of the whole set
 * (docs/performance.md names the index of each).
 */
export interface InboxSegment {
  /** Position of the segment in its view, the first part of the cursor. */
  rank: number;
  column: 'waiting_since' | 'last_message_at' | 'resolved_at';
  direction: 'asc' | 'desc';
  /** Which conversations it holds, visibility included; `c` is the conversation. */
  where: SQL;
  /** The statuses it may hold: a `status=` filter outside them skips the segment. */
  statuses: readonly ConversationStatus[];
}

const me = (actor: StaffActor) => String(actor.userId);
/** The conversations in the queues of the actor's teams (team_members_user serves the subquery). */
const inMyTeams = (actor: StaffActor) => sql`c.team_id in (select team_id from team_members where user_id = ${actor.userId})`;

/** Waiting for a person, longest wait first: everyone who works in conversations sees them all. */
const waiting = (rank: number): InboxSegment => ({
  rank,
  column: 'waiting_since',
  direction: 'asc',
  where: sql`c.status = 'needs_human'`,
  statuses: ['needs_human'],
});

/**
 * The segments of a view for this actor. Agents see the conversations waiting, their own and their
 * teams';
 * supervisors and admins see everything. `status` narrows the open conversations of `all` to one
 * status (`closed` included, which `all` leaves out otherwise).
 */
export function inboxSegments(view: InboxView, actor: StaffActor, status?: ConversationStatus): InboxSegment[] {
  switch (view) {
    case 'waiting':
      return [waiting(0)];
    case 'mine':
      return [
        {
          rank: 0,
          column: 'last_message_at',
          direction: 'desc',
          where: sql`c.assignee = ${me(actor)} and c.status = 'human'`,
          statuses: ['human'],
        },
      ];
    case 'team':
      // Held or waiting in the queues of the caller's teams (held by anyone): who else is on it.
      return [
        {
          rank: 0,
          column: 'last_message_at',
          direction: 'desc',
          where: sql`${inMyTeams(actor)} and c.status in ('needs_human', 'human')`,
          statuses: ['needs_human', 'human'],
        },
      ];
    case 'resolved':
      // Back with the bot or closed by a person: an agent's are the ones they resolved.
      return [
        {
          rank: 0,
          column: 'resolved_at',
          direction: 'desc',
          where: seesEverything(actor)
            ? sql`c.resolved_at is not null and c.status in ('bot', 'closed')`
            : sql`c.resolved_by = ${me(actor)} and c.resolved_at is not null and c.status in ('bot', 'closed')`,
          statuses: ['bot', 'closed'],
        },
      ];
    case 'all': {
      const rest = status && status !== 'needs_human' ? sql`c.status = ${status}` : sql`c.status not in ('needs_human', 'closed')`;
      return [
        waiting(0),
        {
          rank: 1,
          column: 'last_message_at',
          direction: 'desc',
          where: seesEverything(actor) ? rest : sql`${rest} and (c.assignee = ${me(actor)} or ${inMyTeams(actor)})`,
          statuses: ['bot', 'human', 'closed'],
        },
      ];
    }
  }
}
