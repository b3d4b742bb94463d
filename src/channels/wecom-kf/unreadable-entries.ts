import { createHash } from 'node:crypto';
import { refusedValueCode } from '../../db/refused-value.ts';
import type { Logger } from '../../observability/logger.ts';
import type { AcceptInbound, AcceptResult, InboundMessage } from '../types.ts';

/**
 * Entries of a sync_msg page that cannot be stored as they are. The cursor waits for every entry
 * of its page, so one such entry would hold back every later customer of its kf account for good:
 * instead it is recorded as an "unreadable" event in its customer's conversation — where an agent
 * looks, deduped like any message, with the reason (a field or an SQLSTATE, never a value) — and
 * logged once, when first recorded.
 */

/** Once per entry: ids and the reason only; the entry itself may hold customer text. */
export function logUnreadable(logger: Logger, account: string, raw: unknown, reason: string, outcome: string): void {
  const msgid = raw !== null && typeof raw === 'object' ? (raw as { msgid?: unknown }).msgid : undefined;
  logger.warn({ account, msgid: typeof msgid === 'string' ? msgid : undefined, reason }, `unreadable kf sync_msg entry ${outcome}`);
}

/**
 * Accepts a message; when the database refuses one of its values (it would refuse every retry),
 * records an unreadable event in its place. Undefined when not even that can be stored (its
 * customer id is what is refused): then the entry is logged and passed over. Anything else —
 * the database or Redis unreachable — is thrown, and the page is fetched again later.
 */
export async function acceptOrRecordUnreadable(
  accept: AcceptInbound,
  logger: Logger,
  message: InboundMessage,
  raw: unknown,
): Promise<AcceptResult | undefined> {
  try {
    return await accept(message);
  } catch (err) {
    const code = refusedValueCode(err);
    if (!code) throw err;
    const reason = `refused by the database (SQLSTATE ${code})`;
    const unreadable: InboundMessage = {
      ...message,
      platformMessageId: undefined,
      dedupeKey: `refused:${createHash('sha256').update(message.dedupeKey).digest('hex').slice(0, 32)}`,
      content: { type: 'event', event: 'unreadable', detail: { reason, msgtype: message.content.type } },
    };
    try {
      const result = await accept(unreadable);
      if (result.outcome === 'accepted')
        logUnreadable(logger, message.accountName, raw, reason, 'recorded in the conversation as an unreadable event');
      return result;
    } catch (again) {
      if (!refusedValueCode(again)) throw again;
      logUnreadable(logger, message.accountName, raw, reason, 'skipped: not even its record can be stored');
      return undefined;
    }
  }
}
