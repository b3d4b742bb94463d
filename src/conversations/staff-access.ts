import { and, eq, sql } from 'drizzle-orm';
import { RejectedRequestError, PermissionError } from '../errors.ts';
import type { Database } from '../db/connect.ts';
import type { Executor } from '../db/transaction.ts';
import { type ConversationStatus, conversations } from '../db/schema.ts';
import type { StaffRole } from '../staff/roles.ts';
import type { ConversationChange, ConversationEventInput, ConversationEvents } from './conversation-events.ts';

/** What a console operation on a conversation needs: the database, and whom to tell after it commits. */
export interface StaffOperationDeps {
  db: Database;
  events: ConversationEvents;
}

/** The staff member acting on a conversation, as the console API resolved them. */
export interface StaffActor {
  userId: number;
  role: StaffRole;
}

export interface ConversationState {
  id: number;
  status: ConversationStatus;
  /** The staff user id holding it, as stored (text). */
  assignee: string | null;
  channelAccountId: number;
}

/**
 * Supervisors and admins act on every conversation. An agent on those waiting for a person and those
 * assigned to them; teams do not exist yet, so "their team's" adds nothing. Marketers never reach
 * here: the routes do not allow them.
 */
export function seesEverything(actor: StaffActor): boolean {
  return actor.role === 'admin' || actor.role === 'supervisor';
}

export function canSee(actor: StaffActor, conversation: ConversationState): boolean {
  return seesEverything(actor) || conversation.status === 'needs_human' || conversation.assignee === String(actor.userId);
}

/** Whether the actor may work in it (reply, resolve, close): its assignee, or a supervisor or admin. */
export function holds(actor: StaffActor, conversation: ConversationState): boolean {
  return seesEverything(actor) || conversation.assignee === String(actor.userId);
}

/** Reads the conversation's status and assignee: 404 when there is none, 403 when the actor may not see it. */
export async function readForStaff(db: Executor, actor: StaffActor, conversationId: number): Promise<ConversationState> {
  const row = await readState(db, conversationId);
  if (!canSee(actor, row)) throw new PermissionError(`conversation ${conversationId} is assigned to someone else`);
  return row;
}

/** The conversation's status and assignee, whoever asks: 404 when there is none. */
export async function readState(db: Executor, conversationId: number): Promise<ConversationState> {
  const [row] = await db
    .select({
      id: conversations.id,
      status: conversations.status,
      assignee: conversations.assignee,
      channelAccountId: conversations.channelAccountId,
    })
    .from(conversations)
    .where(eq(conversations.id, conversationId));
  if (!row) throw new RejectedRequestError('not_found', `there is no conversation ${conversationId}`, 404);
  return row;
}

export function conflict(conversationId: number, message: string): RejectedRequestError {
  return new RejectedRequestError('conflict', `conversation ${conversationId}: ${message}`, 409);
}

/**
 * Moves the conversation from the state the caller read to a new one, only if nobody changed it in
 * between: the UPDATE names the expected status and assignee, so of two concurrent transitions one
 * finds the row changed and answers 409, however the transactions interleave.
 */
export async function transition(
  db: Executor,
  from: ConversationState,
  to: { status: ConversationStatus; assignee: string | null },
): Promise<ConversationState> {
  const changed = await db
    .update(conversations)
    .set({
      status: to.status,
      assignee: to.assignee,
      updatedAt: sql`now()`,
      // Waiting ends when somebody (or the bot again) has it; the reason stays until the bot does.
      ...(to.status !== 'needs_human' && { waitingSince: null }),
      ...(to.status === 'bot' && { handoffReason: null }),
    })
    .where(
      and(
        eq(conversations.id, from.id),
        eq(conversations.status, from.status),
        from.assignee === null ? sql`${conversations.assignee} is null` : eq(conversations.assignee, from.assignee),
      ),
    )
    .returning({ id: conversations.id });
  if (changed.length === 0) throw conflict(from.id, 'it changed meanwhile; reload it');
  return { ...from, ...to };
}

/** The console event telling of `change` in a conversation now in `state`. */
export function eventOf(state: ConversationState, change: ConversationChange): ConversationEventInput {
  return {
    conversationId: state.id,
    change,
    status: state.status,
    assignee: state.assignee === null ? null : Number(state.assignee),
    teamId: null,
  };
}
