import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AuditContext } from '../audit/audit-log.ts';
import type { AcceptResult, InboundMessage } from '../channels/types.ts';
import { assignConversation } from '../conversations/assign-conversation.ts';
import { resolveConversation } from '../conversations/resolve-conversation.ts';
import { type AgentReplyDeps, sendAgentReply } from '../conversations/send-agent-reply.ts';
import { readState } from '../conversations/staff-access.ts';
import type { StaffLineDeps } from '../conversations/staff-lines.ts';
import { AppError, PermissionError, UnavailableError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { queueStaffAnswer, type StaffNoticeJob } from '../queue/staff-notice-queue.ts';
import { staffOfWecomUser, type WecomLinkedStaff } from '../staff/wecom-duty.ts';
import { lastNotified } from './last-notified.ts';
import { parseStaffReply, STAFF_REPLY_HELP } from './staff-reply-command.ts';

export interface StaffRepliesDeps extends AgentReplyDeps {
  /** Commands (keyPrefix applied): callback retries, and who was last told of what. */
  redis: Redis;
  notices: Queue<StaffNoticeJob>;
  /** The lines a web visitor is shown when their conversation is taken or handed back. */
  lines: StaffLineDeps;
  /** The notifying app: only its messages may come from staff. */
  channel: InboundMessage['channel'];
  accountName: string;
  logger: Logger;
}

/** A callback retry of a staff message within this long is recognised and does nothing. */
const SEEN_SECONDS = 24 * 3600;

/**
 * A member of the notifying WeCom app who is linked to a staff account is an agent answering from
 * WeCom, not a customer (docs/agents.md, "Answering from WeCom"). Their text replies to a
 * conversation through the same operations as the console — taken for them if it waits
 * (assignConversation), then sendAgentReply (audited, exactly-once delivery) — or resolves it. They
 * are answered in WeCom, briefly: where the reply went, or why it did not. Anything else is left to
 * the intake (undefined): a customer's message.
 */
export function createStaffReplies(deps: StaffRepliesDeps) {
  const answer = (message: InboundMessage, text: string) =>
    queueStaffAnswer(deps.notices, message.customerExternalId, text, message.dedupeKey).catch((err) =>
      deps.logger.warn({ err }, 'answer to a staff member not queued'),
    );

  async function act(staff: WecomLinkedStaff, message: InboundMessage): Promise<string> {
    if (message.content.type !== 'text') return `只能用文字回复。${STAFF_REPLY_HELP}`;
    const command = parseStaffReply(message.content.text);
    if (command.kind === 'help') return STAFF_REPLY_HELP;
    const actor = { userId: staff.userId, role: staff.role, displayName: staff.displayName };
    const audit: AuditContext = { actorId: staff.userId, sourceIp: null, via: 'wecom' };
    const conversationId = command.conversationId ?? (await lastNotified(deps.redis, staff.userId));
    if (conversationId === undefined) return `没有最近通知您的对话。${STAFF_REPLY_HELP}`;
    try {
      if (command.kind === 'resolve') {
        await resolveConversation(deps, actor, conversationId, audit);
        return `#${conversationId} 已交回机器人`;
      }
      const state = await readState(deps.db, conversationId);
      if (state.status === 'needs_human') await assignConversation(deps, actor, { conversationId, assignee: staff.userId }, audit);
      await sendAgentReply(deps, actor, { conversationId, text: command.text }, audit);
      return `已回复 #${conversationId}`;
    } catch (err) {
      if (!(err instanceof AppError) || err instanceof UnavailableError) throw err;
      return `#${conversationId} 未回复：${refusal(err)}`;
    }
  }

  return async function acceptStaffReply(message: InboundMessage): Promise<AcceptResult | undefined> {
    if (message.channel !== deps.channel || message.accountName !== deps.accountName) return undefined;
    const staff = await staffOfWecomUser(deps.db, message.customerExternalId);
    if (!staff) return undefined;
    // Events from staff (entering the app, menu clicks) are no reply, and no customer's either.
    if (message.content.type === 'event') return { outcome: 'staff_reply' };
    const seen = `staff-reply:seen:${message.dedupeKey}:${message.customerExternalId}`;
    if ((await deps.redis.set(seen, '1', 'EX', SEEN_SECONDS, 'NX')) === null) return { outcome: 'duplicate' };
    let text: string;
    try {
      text = await act(staff, message);
    } catch (err) {
      // Nothing was done (the database is away): WeCom retries the callback, and the retry must act.
      await deps.redis.del(seen).catch(() => {});
      deps.logger.error({ err, staffUserId: staff.userId }, 'reply from WeCom not handled; WeCom will retry');
      throw new UnavailableError('the reply could not be handled; the platform will retry', { cause: err });
    }
    await answer(message, text);
    return { outcome: 'staff_reply' };
  };
}

/** Why a reply was refused, in a few words an agent on a phone reads at a glance. */
function refusal(err: AppError): string {
  if (err instanceof PermissionError) return '由其他同事处理中';
  if (err.code === 'not_found') return '没有这个对话';
  if (err.code === 'conflict') return '已由他人接手或已结束';
  return err.message;
}
