import { sql } from 'drizzle-orm';
import { queryRows } from '../db/rows.ts';
import type { Executor } from '../db/transaction.ts';
import type { ConversationState, StaffActor } from './staff-access.ts';

export interface Moment {
  channel: string;
  seconds: number;
}

/**
 * A person takes a conversation nobody held: their stretch begins, counted from the handoff when
 * it was waiting (what the customer lived), from now when taken straight from the bot. Run before
 * the transition, which clears waiting_since. Returns how long it waited, when it did. A transfer
 * between people keeps the stretch, and its first response.
 */
export async function beginHumanStretch(tx: Executor, current: ConversationState): Promise<Moment | null> {
  if (current.status === 'human') return null;
  const [row] = await queryRows<{ channel: string; waited: number | null }>(
    tx,
    sql`
    update conversations c
       set human_since = case when c.status = 'needs_human' then coalesce(c.waiting_since, now()) else now() end,
           first_response_at = null
      from channel_accounts a
     where c.id = ${current.id} and a.id = c.channel_account_id
    returning a.channel,
              case when c.status = 'needs_human' then extract(epoch from now() - c.waiting_since)::float8 end as waited`,
  );
  return row && row.waited !== null ? { channel: row.channel, seconds: Math.max(0, row.waited) } : null;
}

/**
 * The first agent reply of the stretch: stamps it, and returns the time since the stretch began.
 * Later replies return null. `now()` is the transaction's start, so a stamp equal to it was made here.
 */
export async function stampFirstResponse(tx: Executor, conversationId: number, channel: string): Promise<Moment | null> {
  const [row] = await queryRows<{ seconds: number | null }>(
    tx,
    sql`
    update conversations set first_response_at = coalesce(first_response_at, now())
     where id = ${conversationId}
    returning case when first_response_at = now() then extract(epoch from now() - human_since)::float8 end as seconds`,
  );
  return row?.seconds != null ? { channel, seconds: Math.max(0, row.seconds) } : null;
}

/** A person resolved or closed it: the `resolved` view lists it, most recent first, for them and their supervisors. */
export async function stampResolved(tx: Executor, conversationId: number, actor: StaffActor): Promise<void> {
  await tx.execute(sql`update conversations set resolved_at = now(), resolved_by = ${String(actor.userId)} where id = ${conversationId}`);
}
