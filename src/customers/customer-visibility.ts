import { eq } from 'drizzle-orm';
import { canSee, conversationStateColumns, seesEverything, type StaffActor } from '../conversations/staff-access.ts';
import { conversations } from '../db/schema.ts';
import type { Executor } from '../db/transaction.ts';
import { PermissionError } from '../errors.ts';

/**
 * An agent sees a customer when they may see one of the customer's conversations (the rules of
 * src/conversations/staff-access.ts); supervisors, admins and marketers (who work on customers,
 * not conversations) see every customer.
 */
export async function requireCustomerVisible(db: Executor, actor: StaffActor, customerId: number): Promise<void> {
  if (seesEverything(actor) || actor.role === 'marketer') return;
  const states = await db.select(conversationStateColumns).from(conversations).where(eq(conversations.customerId, customerId));
  if (!states.some((state) => canSee(actor, state))) throw new PermissionError(`customer ${customerId} has no conversation you may see`);
}
