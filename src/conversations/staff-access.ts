import { and, eq, sql } from 'drizzle-orm';
import { RejectedRequestError, PermissionError } from '../errors.ts';
import type { StaffLineDeps } from './staff-lines.ts';
import type { WorkspaceTimings } from './workspace-timings.ts';
import type { Database } from '../db/connect.ts';
import type { Executor } from '../db/transaction.ts';
import { type ConversationStatus, conversations, teamMembers } from '../db/schema.ts';
import type { StaffRole } from '../staff/roles.ts';
import type { ConversationChange, ConversationEventInput, ConversationEvents } from './conversation-events.ts';

/** What a console operation on a conversation needs: the database, and whom to tell after it commits. */
export interface StaffOperationDeps {
  db: Database;
  events: ConversationEvents;
  /** Tells a customer whose client shows it who joined or left (src/conversations/staff-lines.ts). */
  lines?: StaffLineDeps;
  /** Where handoff wait and first-response times go (the Prometheus histograms). */
  timings?: WorkspaceTimings;
  /** Told when a conversation starts waiting or a person frees a slot (src/conversations/round-robin.ts). */
  roundRobin?: RoundRobin;
}

/**
 * Round-robin assignment, told after a change commits. Awaited, so a console operation answers once
 * what it freed is assigned again; never throws: the change has committed, and the periodic sweep
 * repairs a failed run.
 */
export interface RoundRobin {
  /** These conversations wait for a person now: assigns within their teams. */
  waiting(conversationIds: number[]): Promise<void>;
  /** A staff member came online or freed a slot: assigns within their auto-assigning teams. */
  available(userId: number): Promise<void>;
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
  /** 微信客服: the WeCom member answering it in the WeCom client (state 3); then no staff account holds it. */
  servicerUserId: string | null;
  /** The staff user (id, as text) who last resolved or closed it. */
  resolvedBy: string | null;
  /** The team whose queue it is in. */
  teamId: number | null;
}

/**
 * Supervisors and admins act on every conversation. An agent on those waiting for a person, those
 * assigned to them and their teams' (readForStaff; list-inbox.ts in SQL). Marketers never reach
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

/**
 * Reads the conversation's status and assignee: 404 when there is none, 403 when the actor may not
 * see it. An agent also reads (and notes) the ones they resolved or closed, which their `resolved`
 * view lists; acting on them again is decided by each operation (holds, status).
 */
export async function readForStaff(db: Executor, actor: StaffActor, conversationId: number): Promise<ConversationState> {
  const row = await readState(db, conversationId);
  if (
    !canSee(actor, row) &&
    row.resolvedBy !== String(actor.userId) &&
    !(row.teamId !== null && (await isTeamMember(db, actor.userId, row.teamId)))
  )
    throw new PermissionError(`conversation ${conversationId} is assigned to someone else`);
  return row;
}

async function isTeamMember(db: Executor, userId: number, teamId: number): Promise<boolean> {
  const rows = await db
    .select({ userId: teamMembers.userId })
    .from(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
  return rows.length > 0;
}

/** What `canSee` and `holds` decide on, as selected from conversations. */
export const conversationStateColumns = {
  id: conversations.id,
  status: conversations.status,
  assignee: conversations.assignee,
  channelAccountId: conversations.channelAccountId,
  servicerUserId: conversations.servicerUserId,
  resolvedBy: conversations.resolvedBy,
  teamId: conversations.teamId,
};

/** The conversation's status and assignee, whoever asks: 404 when there is none. */
export async function readState(db: Executor, conversationId: number): Promise<ConversationState> {
  const [row] = await db.select(conversationStateColumns).from(conversations).where(eq(conversations.id, conversationId));
  if (!row) throw new RejectedRequestError('not_found', `there is no conversation ${conversationId}`, 404);
  return row;
}

export function conflict(conversationId: number, message: string): RejectedRequestError {
  return new RejectedRequestError('conflict', `conversation ${conversationId}: ${message}`, 409);
}

/** A servicer answers it in the WeCom client (微信客服 state 3): our console cannot take or send in it. */
export function servicerHolds(conversationId: number, servicerUserId: string): RejectedRequestError {
  return new RejectedRequestError(
    'held_by_servicer',
    `conversation ${conversationId}: ${servicerUserId} answers it in the WeCom client; it comes back when they end the session there`,
    409,
  );
}

/**
 * Moves the conversation from the state the caller read to a new one, only if nobody changed it in
 * between: the UPDATE names the expected status and assignee, so of two concurrent transitions one
 * finds the row changed and answers 409, however the transactions interleave.
 */
export async function transition(
  db: Executor,
  from: ConversationState,
  to: { status: ConversationStatus; assignee: string | null; servicerUserId?: string },
): Promise<ConversationState> {
  const changed = await db
    .update(conversations)
    .set({
      status: to.status,
      assignee: to.assignee,
      // A servicer in the WeCom client holds it only until the next transition names none.
      servicerUserId: to.servicerUserId ?? null,
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
  return { ...from, ...to, servicerUserId: to.servicerUserId ?? null };
}

/** The console event telling of `change` in a conversation now in `state`. */
export function eventOf(state: ConversationState, change: ConversationChange): ConversationEventInput {
  return {
    conversationId: state.id,
    change,
    status: state.status,
    assignee: state.assignee === null ? null : Number(state.assignee),
    teamId: state.teamId,
  };
}
