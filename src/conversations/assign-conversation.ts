import { and, eq, sql } from 'drizzle-orm';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import { staffUsers } from '../db/schema.ts';
import type { Executor } from '../db/transaction.ts';
import { PermissionError, RejectedRequestError } from '../errors.ts';
import { HOLDING_ROLES } from '../staff/list-agents.ts';
import {
  type ConversationState,
  canSee,
  conflict,
  eventOf,
  readState,
  seesEverything,
  servicerHolds,
  type StaffActor,
  type StaffOperationDeps,
  transition,
} from './staff-access.ts';
import type { TurnJobData } from '../queue/conversation-queue.ts';
import { queueStaffLine, type StaffLineDeps, staffJoinedLine, storeStaffLine } from './staff-lines.ts';
import { beginHumanStretch, type Moment } from './workspace-moments.ts';

/**
 * A takeover or a transfer, in one transaction with its audit entry: the conversation goes to
 * `human`, held by `assignee`, and the worker holds the customer's messages for that person from
 * then on. An agent takes conversations for themselves only, and only one nobody holds yet;
 * supervisors and admins assign anyone who can hold a conversation, and move held ones. With
 * `lines`, a customer whose client shows it is told who joined (src/conversations/staff-lines.ts).
 */
export async function assignConversation(
  deps: StaffOperationDeps,
  actor: StaffActor,
  input: { conversationId: number; assignee: number },
  audit: AuditContext,
): Promise<void> {
  if (input.assignee !== actor.userId && !seesEverything(actor)) {
    throw new PermissionError('an agent assigns conversations to themselves only ("me")');
  }
  const done = await deps.db.transaction(async (tx) => {
    const current = await readState(tx, input.conversationId);
    if (current.status === 'closed') throw conflict(current.id, 'it is closed');
    // The WeCom session is in state 3, where kf/send_msg is refused: the servicer ends it in WeCom.
    if (current.servicerUserId) throw servicerHolds(current.id, current.servicerUserId);
    if (current.status === 'human' && current.assignee === String(input.assignee)) return undefined;
    // Taken by someone else: for an agent that is a lost race (or a late click), not a refusal.
    if (current.status === 'human' && !seesEverything(actor)) throw conflict(current.id, 'someone already has it');
    if (!canSee(actor, current)) throw new PermissionError(`conversation ${current.id} is not waiting for a person`);
    const [target] = await tx
      .select({ id: staffUsers.id, role: staffUsers.role, displayName: staffUsers.displayName })
      .from(staffUsers)
      .where(and(eq(staffUsers.id, input.assignee), eq(staffUsers.disabled, false)));
    if (!target || !(HOLDING_ROLES as readonly string[]).includes(target.role)) {
      throw new RejectedRequestError('invalid_assignee', `staff user ${input.assignee} cannot hold conversations`, 400);
    }
    return handOver(tx, deps.lines, current, target, audit);
  });
  if (done) await announceHandedOver(deps, done);
}

/** A conversation handed to a person, to announce once its transaction has committed. */
export interface HandedOver {
  next: ConversationState;
  line: TurnJobData | undefined;
  waitedFor: Moment | null;
}

/**
 * The assignment itself, inside the caller's transaction, from the state the caller read: shared by
 * a person's assignment (above) and round-robin's (assign-waiting-conversations.ts), which passes
 * `reason` and a system audit context.
 */
export async function handOver(
  tx: Executor,
  lines: StaffLineDeps | undefined,
  current: ConversationState,
  target: { id: number; displayName: string },
  audit: AuditContext,
  reason?: 'round_robin',
): Promise<HandedOver> {
  const waitedFor = await beginHumanStretch(tx, current);
  const next = await transition(tx, current, { status: 'human', assignee: String(target.id) });
  await tx.update(staffUsers).set({ lastAssignedAt: sql`now()` }).where(eq(staffUsers.id, target.id));
  await recordAudit(tx, audit, {
    action: 'conversation.assign',
    objectType: 'conversation',
    objectId: current.id,
    details: { from: current.status, previousAssignee: current.assignee, assignee: target.id, ...(reason && { reason }) },
  });
  const line =
    lines &&
    (await storeStaffLine(tx, lines, current, { text: staffJoinedLine(target.displayName), event: 'joined', staffUserId: target.id }));
  return { next, line, waitedFor };
}

/** After the commit: the console event, the widget's "joined" line, the handoff-wait metric. */
export async function announceHandedOver({ events, lines, timings }: StaffOperationDeps, done: HandedOver): Promise<void> {
  events.publish(eventOf(done.next, 'assigned'));
  await queueStaffLine(lines, done.line);
  if (done.waitedFor) timings?.handoffWaited(done.waitedFor.channel, done.waitedFor.seconds);
}
