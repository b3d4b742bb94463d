import { eq, sql } from 'drizzle-orm';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import { conversations, teams } from '../db/schema.ts';
import { PermissionError, RejectedRequestError } from '../errors.ts';
import { conflict, eventOf, holds, readForStaff, type StaffActor, type StaffOperationDeps } from './staff-access.ts';

/**
 * A transfer to a team: the conversation goes back to `needs_human` in that team's queue, nobody
 * holding it, waiting from now. Its assignee (or a supervisor or admin) may transfer it; a transfer
 * to a person is an assignment (assign-conversation.ts). The UPDATE names the state read, so a
 * concurrent change answers 409 (staff-access.ts, transition).
 */
export async function transferConversation(
  { db, events, roundRobin }: StaffOperationDeps,
  actor: StaffActor,
  input: { conversationId: number; teamId: number },
  audit: AuditContext,
): Promise<void> {
  const moved = await db.transaction(async (tx) => {
    const current = await readForStaff(tx, actor, input.conversationId);
    if (current.status !== 'human' && current.status !== 'needs_human')
      throw conflict(current.id, `it is ${current.status}, not with a person`);
    if (!holds(actor, current)) throw new PermissionError(`conversation ${current.id} is not yours to transfer`);
    const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, input.teamId));
    if (!team) throw new RejectedRequestError('invalid_team', `there is no team ${input.teamId}`, 400);
    const [row] = await tx
      .update(conversations)
      .set({ status: 'needs_human', assignee: null, teamId: team.id, waitingSince: sql`now()`, updatedAt: sql`now()` })
      .where(
        sql`${conversations.id} = ${current.id} and ${conversations.status} = ${current.status}
            and ${conversations.assignee} is not distinct from ${current.assignee}`,
      )
      .returning({ id: conversations.id });
    if (!row) throw conflict(current.id, 'it changed meanwhile; reload it');
    await recordAudit(tx, audit, {
      action: 'conversation.transfer',
      objectType: 'conversation',
      objectId: current.id,
      details: { from: current.status, previousAssignee: current.assignee, previousTeamId: current.teamId, teamId: team.id },
    });
    return { state: { ...current, status: 'needs_human' as const, assignee: null, teamId: team.id }, previousAssignee: current.assignee };
  });
  events.publish(eventOf(moved.state, 'waiting'));
  // It waits in its new team's queue, and its previous holder has a slot free.
  await roundRobin?.waiting([moved.state.id]);
  if (moved.previousAssignee) await roundRobin?.available(Number(moved.previousAssignee));
}
