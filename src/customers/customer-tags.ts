import { asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { type CustomerTagSource, customerTags as customerTagsTable } from '../db/schema.ts';
import type { Executor } from '../db/transaction.ts';

/**
 * Puts a tag on a customer; tagging twice keeps the first (its source and time). The worker reads
 * the tags with each turn's state (src/conversations/load-turn.ts), so the next turn sees it.
 */
export async function tagCustomer(db: Database, customerId: number, tag: string, source: CustomerTagSource): Promise<void> {
  await db.insert(customerTagsTable).values({ customerId, tag, source }).onConflictDoNothing();
}

/** The tags of one customer, sorted (the console's customer panel). */
export async function customerTags(db: Executor, customerId: number): Promise<string[]> {
  const rows = await db
    .select({ tag: customerTagsTable.tag })
    .from(customerTagsTable)
    .where(eq(customerTagsTable.customerId, customerId))
    .orderBy(asc(customerTagsTable.tag));
  return rows.map((row) => row.tag);
}

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** A merged customer's tags go to the customer they merge into (inside the merge's transaction). */
export async function moveCustomerTags(tx: Transaction, fromCustomerId: number, toCustomerId: number): Promise<void> {
  await tx.execute(sql`
    insert into customer_tags (customer_id, tag, source, created_at)
    select ${toCustomerId}, tag, source, created_at from customer_tags where customer_id = ${fromCustomerId}
    on conflict do nothing`);
  await tx.execute(sql`delete from customer_tags where customer_id = ${fromCustomerId}`);
}
