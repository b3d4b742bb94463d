import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import { moveCustomerTags } from '../customers/customer-tags.ts';
import type { Database } from '../db/connect.ts';
import { conversations, customers, webUploads } from '../db/schema.ts';

/**
 * Moves an anonymous visitor's history to the signed-in customer they turned out to be, in one
 * transaction: their conversations (and so every message) and their uploads. The caller must have
 * checked both identities — the anonymous session token and the company's signature of the user
 * id — so nobody can pull in a history that is not theirs. Resolves with whether anything moved.
 * The uploads (the web channel's table) move here because they must follow their owner in the
 * same transaction.
 */
export async function mergeVisitorHistory(db: Database, channelAccountId: number, anonymousId: string, userId: string): Promise<boolean> {
  try {
    return await mergeOnce(db, channelAccountId, anonymousId, userId);
  } catch (err) {
    // The signed-in customer did not exist when read, and their first message (from another tab)
    // created them before the rename: the rename broke the unique index. They exist now, so the
    // second attempt merges into them.
    if (!isUniqueViolation(err)) throw err;
    return mergeOnce(db, channelAccountId, anonymousId, userId);
  }
}

/** PostgreSQL's unique_violation (https://www.postgresql.org/docs/15/errcodes-appendix.html), however the driver wraps it. */
function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) if (e.code === '23505') return true;
  return false;
}

function mergeOnce(db: Database, channelAccountId: number, anonymousId: string, userId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Locked, so a concurrent sign-in of the same visitor waits and then finds nothing left to move.
    const found = await tx
      .select({ id: customers.id, externalId: customers.externalId })
      .from(customers)
      .where(and(eq(customers.channelAccountId, channelAccountId), inArray(customers.externalId, [anonymousId, userId])))
      .for('update');
    const anonymous = found.find((c) => c.externalId === anonymousId);
    if (!anonymous) return false;
    const user = found.find((c) => c.externalId === userId);
    if (!user) {
      // The customer is new here: the anonymous visitor simply becomes them.
      await tx.update(customers).set({ externalId: userId }).where(eq(customers.id, anonymous.id));
    } else {
      // A customer has at most one open conversation: the one they wrote in last stays open.
      const open = await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(and(inArray(conversations.customerId, [anonymous.id, user.id]), ne(conversations.status, 'closed')))
        .orderBy(desc(conversations.lastMessageAt));
      for (const older of open.slice(1)) {
        await tx.update(conversations).set({ status: 'closed', updatedAt: new Date() }).where(eq(conversations.id, older.id));
      }
      await tx.update(conversations).set({ customerId: user.id }).where(eq(conversations.customerId, anonymous.id));
      await moveCustomerTags(tx, anonymous.id, user.id);
      await tx.delete(customers).where(eq(customers.id, anonymous.id));
    }
    await tx
      .update(webUploads)
      .set({ owner: userId })
      .where(and(eq(webUploads.channelAccountId, channelAccountId), eq(webUploads.owner, anonymousId)));
    return true;
  });
}
