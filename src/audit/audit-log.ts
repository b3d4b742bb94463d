import type { Executor } from '../db/transaction.ts';
import { auditLog } from '../db/schema.ts';

/**
 * What the audit log records. Names are `object.verb`; searches filter by them, so they are a
 * contract with whoever reads the log: add, never rename.
 */
export const auditActions = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'token.create',
  'token.revoke',
  'user.create',
  'user.role_change',
  'user.disable',
  'user.enable',
  'user.wecom_link',
  'user.duty_change',
  'audit.export',
  'conversation.assign',
  'conversation.reply',
  'conversation.note',
  'conversation.resolve',
  'conversation.close',
  'quick_reply.create',
  'quick_reply.update',
  'quick_reply.delete',
  'conversation.hand_to_servicer',
  'conversation.transfer',
  'team.create',
  'team.update',
  'team.members',
  'team.accounts',
  'tag_group.create',
  'tag_group.update',
  'tag_group.delete',
  'tag.create',
  'tag.update',
  'tag.delete',
  'customer.tag',
  'customer.untag',
  'tag_rule.create',
  'tag_rule.update',
  'tag_rule.delete',
  'segment.create',
  'segment.update',
  'segment.delete',
  'segment.export',
  'kb.document_upload',
  'kb.document_remove',
  'kb.document_rollback',
  'kb.faq_edit',
  'unanswered.new_entry',
  'unanswered.similar_questions',
  'channel_account.create',
  'channel_account.generate_keys',
  'settings.change',
  'broadcast.create',
  'broadcast.cancel',
  'tag_sync.start',
] as const;
export type AuditAction = (typeof auditActions)[number];

/** Who acts and from where: a staff member over HTTP, or the system / command line (actorId null). */
export interface AuditContext {
  actorId: number | null;
  sourceIp: string | null;
  /** `cli` for `npm run user`, `wecom` for a reply from the WeCom app; absent for console requests. */
  via?: 'cli' | 'wecom';
}

export interface AuditEntry {
  action: AuditAction;
  objectType?:
    | 'staff_user'
    | 'api_token'
    | 'session'
    | 'audit_log'
    | 'conversation'
    | 'quick_reply'
    | 'team'
    | 'customer'
    | 'tag_group'
    | 'tag'
    | 'tag_rule'
    | 'segment'
    | 'kb_document'
    | 'kb_chunk'
    | 'knowledge_base'
    | 'channel_account'
    | 'bot_settings'
    | 'broadcast';
  objectId?: string | number;
  /** Ids, names, old and new values. Never a password, token, cookie or message body. */
  details?: Record<string, unknown>;
}

/**
 * Appends one entry. Pass the transaction of the operation it records: the entry and the change
 * commit together or not at all.
 */
export async function recordAudit(db: Executor, context: AuditContext, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actorId: context.actorId,
    action: entry.action,
    objectType: entry.objectType ?? null,
    objectId: entry.objectId === undefined ? null : String(entry.objectId),
    sourceIp: context.sourceIp,
    details: { ...entry.details, ...(context.via && { via: context.via }) },
  });
}
