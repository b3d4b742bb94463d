import { desc, eq } from 'drizzle-orm';
import type { StaffActor } from '../conversations/staff-access.ts';
import type { Database } from '../db/connect.ts';
import { channelAccounts, type ConversationStatus, conversations, customers } from '../db/schema.ts';
import { RejectedRequestError } from '../errors.ts';
import { customerTags } from './customer-tags.ts';
import { requireCustomerVisible } from './customer-visibility.ts';

/** Past conversations the panel lists: enough to see a pattern, never a long scroll. */
export const PANEL_CONVERSATIONS = 20;

/** Who the customer is, as the agent's side panel shows them. */
export interface CustomerPanel {
  id: number;
  channel: string;
  account: string;
  /** The platform's id: WeCom UserID, OA openid, kf external_userid, web visitor (`u:<user id>` signed in, `v:…` anonymous). */
  externalId: string;
  displayName: string | null;
  /** What the platform told about them (微信客服: avatar, gender, unionid); `{}` when it told nothing. */
  profile: Record<string, unknown>;
  firstSeenAt: Date;
  lastSeenAt: Date;
  tags: string[];
  /** Newest first, at most PANEL_CONVERSATIONS. */
  conversations: Array<{
    id: number;
    status: ConversationStatus;
    createdAt: Date;
    lastMessageAt: Date;
    handoffReason: string | null;
  }>;
}

/**
 * The customer panel: 404 when there is no such customer. Supervisors and admins see every
 * customer; an agent sees a customer when they may see one of the customer's conversations (the
 * rules of src/conversations/staff-access.ts), so the panel tells nobody more than the inbox does.
 */
export async function readCustomerPanel(db: Database, actor: StaffActor, customerId: number): Promise<CustomerPanel> {
  const [customer] = await db
    .select({
      id: customers.id,
      channel: channelAccounts.channel,
      account: channelAccounts.name,
      externalId: customers.externalId,
      displayName: customers.displayName,
      profile: customers.profile,
      firstSeenAt: customers.createdAt,
      lastSeenAt: customers.lastSeenAt,
    })
    .from(customers)
    .innerJoin(channelAccounts, eq(channelAccounts.id, customers.channelAccountId))
    .where(eq(customers.id, customerId));
  if (!customer) throw new RejectedRequestError('not_found', `there is no customer ${customerId}`, 404);
  await requireCustomerVisible(db, actor, customerId);
  const [history, tags] = await Promise.all([
    db
      .select({
        id: conversations.id,
        status: conversations.status,
        createdAt: conversations.createdAt,
        lastMessageAt: conversations.lastMessageAt,
        handoffReason: conversations.handoffReason,
      })
      .from(conversations)
      .where(eq(conversations.customerId, customerId))
      .orderBy(desc(conversations.id))
      .limit(PANEL_CONVERSATIONS),
    customerTags(db, customerId),
  ]);
  return { ...customer, tags, conversations: history };
}
