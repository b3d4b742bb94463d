import type { ConversationEvents } from '../../conversations/conversation-events.ts';
import { recordServicerReply, recordServicerSessionChange, type ServicerSessionChange } from '../../conversations/servicer-activity.ts';
import type { Database } from '../../db/connect.ts';
import type { Logger } from '../../observability/logger.ts';
import type { InboundMessage } from '../types.ts';
import { type KfSyncItem, ORIGIN_SERVICER } from './parse-sync-message.ts';

/**
 * sync_msg entries that are the servicers' work in the WeCom client, not the customer's words
 * (读取消息 https://developer.work.weixin.qq.com/document/path/94670):
 * - origin 5: a servicer's message to the customer, already delivered by WeCom;
 * - event session_status_change: change_type 1 picked up from the queue, 2 transferred, 3 ended,
 *   4 rejoined; old_servicer_userid with 2, 3, 4 and new_servicer_userid with 1, 2, 4. WeCom sends
 *   it only for servicers' actions, never for the API's own kf/service_state/trans.
 * Each is recorded once in the customer's conversation (deduped by msgid, as a page may be read
 * again). Returns false for any other entry, which goes to the intake as usual.
 */
const CHANGE_KINDS = { 1: 'picked_up', 2: 'transferred', 3: 'ended', 4: 'rejoined' } as const;

export async function recordIfServicerActivity(
  deps: { db: Database; events: ConversationEvents; logger: Logger },
  item: KfSyncItem,
  message: InboundMessage,
): Promise<boolean> {
  const customer = { channel: 'wecom-kf' as const, accountName: message.accountName, customerExternalId: message.customerExternalId };
  // A servicer can only act in a session the customer opened, so their conversation exists unless
  // staff closed it meanwhile: then there is no history left to add to, which is worth knowing.
  const unrecorded = (outcome: string) => {
    if (outcome === 'no_conversation')
      deps.logger.info(
        { account: message.accountName, msgid: message.platformMessageId },
        'kf servicer activity for a closed conversation: not recorded',
      );
  };
  if (item.origin === ORIGIN_SERVICER) {
    const outcome = await recordServicerReply(deps, {
      ...customer,
      servicerUserId: item.servicer_userid ?? '',
      content: message.content,
      platformMessageId: message.platformMessageId,
      dedupeKey: message.dedupeKey,
      sentAt: message.sentAt,
    });
    unrecorded(outcome);
    return true;
  }
  const change = item.event?.event_type === 'session_status_change' ? sessionChange(item.event) : undefined;
  if (!change) return false;
  unrecorded(await recordServicerSessionChange(deps, { ...customer, change, dedupeKey: message.dedupeKey, sentAt: message.sentAt }));
  return true;
}

function sessionChange(event: Record<string, unknown>): ServicerSessionChange | undefined {
  const kind = CHANGE_KINDS[Number(event.change_type) as keyof typeof CHANGE_KINDS];
  const text = (key: string) => (typeof event[key] === 'string' && event[key] !== '' ? (event[key] as string) : undefined);
  const previousServicerUserId = text('old_servicer_userid');
  if (kind === 'ended') return { kind, previousServicerUserId };
  const servicerUserId = text('new_servicer_userid');
  // Without the servicer it names, the change cannot be applied: the entry goes to the history as an event.
  if (!kind || !servicerUserId) return undefined;
  return { kind, servicerUserId, previousServicerUserId };
}
