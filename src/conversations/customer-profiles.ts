import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { ChannelKind } from '../channels/types.ts';
import type { Database } from '../db/connect.ts';
import { channelAccounts, customers } from '../db/schema.ts';

/**
 * Profiles a platform tells about its customers (name, avatar…), kept on customers.display_name
 * and merged into customers.profile.
 */
export interface UnnamedCustomer {
  id: number;
  externalId: string;
}

/** Those of the given customers of one account that have no display name yet. */
export function findUnnamedCustomers(
  db: Database,
  channel: ChannelKind,
  accountName: string,
  externalIds: string[],
): Promise<UnnamedCustomer[]> {
  const account = db
    .select({ id: channelAccounts.id })
    .from(channelAccounts)
    .where(and(eq(channelAccounts.channel, channel), eq(channelAccounts.name, accountName)));
  return db
    .select({ id: customers.id, externalId: customers.externalId })
    .from(customers)
    .where(
      and(eq(customers.channelAccountId, sql`(${account})`), inArray(customers.externalId, externalIds), isNull(customers.displayName)),
    );
}

/** Sets the display name and adds `profile`'s keys to what the customer's profile already holds. */
export async function saveCustomerProfile(
  db: Database,
  customerId: number,
  displayName: string | null,
  profile: Record<string, unknown>,
): Promise<void> {
  await db
    .update(customers)
    .set({ displayName, profile: sql`${customers.profile} || ${JSON.stringify(profile)}::jsonb` })
    .where(eq(customers.id, customerId));
}
