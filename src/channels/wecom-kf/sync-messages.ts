import type { WecomKfAccount } from './config.ts';
import type { ConversationEvents } from '../../conversations/conversation-events.ts';
import type { Database } from '../../db/connect.ts';
import { DeliveryError } from '../../errors.ts';
import type { Logger } from '../../observability/logger.ts';
import type { AcceptInbound } from '../types.ts';
import type { WecomApiClient, WecomResponse } from '../shared/wecom-api-client.ts';
import { fillCustomerProfiles } from './customer-profile.ts';
import { MSG_TOKEN_REJECTED } from './errcodes.ts';
import { ORIGIN_CUSTOMER, parseKfSyncItem } from './parse-sync-message.ts';
import { sendKfWelcome } from './send-messages.ts';
import { recordIfServicerActivity } from './servicer-activity.ts';
import { acceptOrRecordUnreadable, logUnreadable } from './unreadable-entries.ts';
import { loadSyncState, markSynced, saveCursor } from './sync-state.ts';

/**
 * kf/sync_msg (读取消息 https://developer.work.weixin.qq.com/document/path/94670):
 * POST {cursor, token, limit ≤ 1000, open_kfid} → {next_cursor, has_more, msg_list}. The callback's
 * Token (valid 10 min) earns a looser rate limit; without it the call is still allowed. has_more = 1
 * means call again with next_cursor — even when msg_list is empty, which happens.
 *
 * Order of writes per page: every message goes through AcceptInbound (stored, deduped by msgid),
 * then the page's next_cursor is saved. A crash in between refetches the page and the stored
 * messages dedupe; a crash never skips a message, because the cursor never runs ahead of storage.
 */
interface SyncMsgResponse extends WecomResponse {
  next_cursor?: string;
  has_more?: number;
  /** Checked entry by entry (parseKfSyncItem): one entry we cannot read must not stop the page. */
  msg_list?: unknown[];
}

export interface SyncDeps {
  db: Database;
  client: WecomApiClient;
  account: WecomKfAccount;
  accept: AcceptInbound;
  events: ConversationEvents;
  logger: Logger;
}

/** Bounds one run; a backlog longer than this continues in the next job. */
const MAX_PAGES_PER_RUN = 200;

export async function syncKfMessages(deps: SyncDeps, openKfId: string): Promise<{ stored: number; pages: number; done: boolean }> {
  const { db, client, account, logger } = deps;
  const state = await loadSyncState(db, account.name, openKfId);
  if (!state) return { stored: 0, pages: 0, done: true };
  let cursor = state.cursor ?? undefined;
  let token = state.freshToken ?? undefined;
  let stored = 0;
  let pages = 0;
  for (;;) {
    let page: SyncMsgResponse;
    try {
      page = await client.post<SyncMsgResponse>('/cgi-bin/kf/sync_msg', { cursor, token, limit: 1000, open_kfid: openKfId });
    } catch (err) {
      if (token && err instanceof DeliveryError && err.platformCode === `wecom-kf:${MSG_TOKEN_REJECTED}`) {
        token = undefined;
        continue;
      }
      throw err;
    }
    pages++;
    const customersSeen = new Set<string>();
    for (const raw of page.msg_list ?? []) {
      const { message, unreadable, item } = parseKfSyncItem(raw, account.name);
      if (unreadable !== undefined && !message)
        logUnreadable(logger, account.name, raw, unreadable, 'skipped: no customer to record it for');
      if (!message) continue;
      if (item && (await recordIfServicerActivity(deps, item, message))) continue;
      const result = await acceptOrRecordUnreadable(deps.accept, logger, message, raw);
      if (result?.outcome !== 'accepted') continue;
      stored++;
      if (unreadable !== undefined)
        logUnreadable(logger, account.name, raw, unreadable, 'recorded in the conversation as an unreadable event');
      if (item?.origin === ORIGIN_CUSTOMER) customersSeen.add(message.customerExternalId);
      const welcomeCode = item?.event?.event_type === 'enter_session' ? item.event.welcome_code : undefined;
      if (welcomeCode && account.welcomeText) {
        // Valid 20 s and for one message: sent now, once (only when the event was new), best effort.
        await sendKfWelcome(client, welcomeCode, account.welcomeText).catch((err) =>
          logger.warn({ err, account: account.name }, 'kf welcome not sent'),
        );
      }
    }
    if (page.next_cursor) {
      cursor = page.next_cursor;
      await saveCursor(db, account.name, openKfId, cursor);
    }
    await fillCustomerProfiles(db, client, account.name, [...customersSeen]).catch((err) =>
      logger.warn({ err, account: account.name }, 'could not fetch kf customer profiles'),
    );
    if (page.has_more !== 1) break;
    if (pages >= MAX_PAGES_PER_RUN) return { stored, pages, done: false };
  }
  await markSynced(db, account.name, openKfId, state.requestedGeneration);
  return { stored, pages, done: true };
}
