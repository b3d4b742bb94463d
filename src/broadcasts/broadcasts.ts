import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../db/connect.ts';
import { type BroadcastState, broadcastRecipients, broadcasts, segments, tags } from '../db/schema.ts';
import type { Executor } from '../db/transaction.ts';
import { RejectedRequestError } from '../errors.ts';

/**
 * Broadcasts (群发, docs/marketing.md): a message to the customers of a segment or of tags, now or
 * at a time, sent by the audience worker (src/broadcasts/send-broadcast-slice.ts).
 */
export interface BroadcastInput {
  name: string;
  text: string;
  segmentId?: number;
  tagIds?: number[];
  /** Absent: now. */
  sendAt?: Date;
  perMinute: number;
}

export interface BroadcastView {
  id: number;
  name: string;
  text: string;
  segmentId: number | null;
  tagIds: number[] | null;
  state: BroadcastState;
  sendAt: Date;
  perMinute: number;
  enlistedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
}

const columns = {
  id: broadcasts.id,
  name: broadcasts.name,
  text: broadcasts.text,
  segmentId: broadcasts.segmentId,
  tagIds: broadcasts.tagIds,
  state: broadcasts.state,
  sendAt: broadcasts.sendAt,
  perMinute: broadcasts.perMinute,
  enlistedAt: broadcasts.enlistedAt,
  finishedAt: broadcasts.finishedAt,
  createdAt: broadcasts.createdAt,
};

export async function listBroadcasts(db: Database): Promise<BroadcastView[]> {
  return db.select(columns).from(broadcasts).orderBy(desc(broadcasts.id));
}

export async function readBroadcast(db: Executor, id: number): Promise<BroadcastView> {
  const [row] = await db.select(columns).from(broadcasts).where(eq(broadcasts.id, id));
  if (!row) throw new RejectedRequestError('not_found', `there is no broadcast ${id}`, 404);
  return row;
}

/** A broadcast's audience: a segment or tags (400 when both or neither), each existing (404). */
export type BroadcastAudience = Pick<BroadcastInput, 'segmentId' | 'tagIds'>;

/** Refuses an audience a broadcast cannot have: creating and forecasting check it the same way. */
export async function checkAudience(db: Executor, audience: BroadcastAudience): Promise<void> {
  if ((audience.segmentId === undefined) === (audience.tagIds === undefined))
    throw new RejectedRequestError('invalid_audience', 'a broadcast goes to a segment or to tags: give one of segmentId and tagIds', 400);
  if (audience.segmentId !== undefined) {
    const [found] = await db.select({ id: segments.id }).from(segments).where(eq(segments.id, audience.segmentId));
    if (!found) throw new RejectedRequestError('not_found', `there is no segment ${audience.segmentId}`, 404);
  }
  if (audience.tagIds) {
    const found = await db.select({ id: tags.id }).from(tags).where(inArray(tags.id, audience.tagIds));
    if (found.length !== new Set(audience.tagIds).size)
      throw new RejectedRequestError('not_found', 'a tag of the broadcast does not exist', 404);
  }
}

/** Stores a broadcast; the caller queues its sending (at `sendAt`) once this has committed. */
export async function createBroadcast(db: Database, input: BroadcastInput, audit: AuditContext): Promise<BroadcastView> {
  return db.transaction(async (tx) => {
    await checkAudience(tx, input);
    const [row] = await tx
      .insert(broadcasts)
      .values({
        name: input.name,
        text: input.text,
        segmentId: input.segmentId ?? null,
        tagIds: input.tagIds ?? null,
        perMinute: input.perMinute,
        ...(input.sendAt && { sendAt: input.sendAt }),
        createdBy: audit.actorId,
      })
      .returning(columns);
    await recordAudit(tx, audit, {
      action: 'broadcast.create',
      objectType: 'broadcast',
      objectId: row!.id,
      // The text is a message body: the audit log names the broadcast, not what it says.
      details: { name: input.name, segmentId: input.segmentId, tagIds: input.tagIds, sendAt: row!.sendAt, perMinute: input.perMinute },
    });
    return row!;
  });
}

/** Stops a broadcast before its next recipient; those already sent stay sent, the rest are skipped as `cancelled`. */
export async function cancelBroadcast(db: Database, id: number, audit: AuditContext): Promise<BroadcastView> {
  return db.transaction(async (tx) => {
    const before = await readBroadcast(tx, id);
    if (before.state === 'done' || before.state === 'cancelled')
      throw new RejectedRequestError('broadcast_finished', `broadcast ${id} is already ${before.state}`, 409);
    const [row] = await tx
      .update(broadcasts)
      .set({ state: 'cancelled', finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(broadcasts.id, id))
      .returning(columns);
    await tx
      .update(broadcastRecipients)
      .set({ state: 'skipped', reason: 'cancelled', updatedAt: sql`now()` })
      .where(and(eq(broadcastRecipients.broadcastId, id), eq(broadcastRecipients.state, 'pending')));
    await recordAudit(tx, audit, { action: 'broadcast.cancel', objectType: 'broadcast', objectId: id, details: { name: before.name } });
    return row!;
  });
}

/** Broadcasts a stop or crash may have left with work: the worker queues them again when it starts. */
export async function unfinishedBroadcasts(db: Database): Promise<Array<{ id: number; sendAt: Date }>> {
  return db
    .select({ id: broadcasts.id, sendAt: broadcasts.sendAt })
    .from(broadcasts)
    .where(inArray(broadcasts.state, ['scheduled', 'sending']));
}
