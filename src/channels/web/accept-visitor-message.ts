import type { InboundContent } from '../types.ts';
import type { WebApiDeps } from './api-entry.ts';
import type { ResolvedWebAccount } from './widget-keys.ts';

/** Stores the visitor's message like any channel's, then shows it in their other tabs at once. */
export async function acceptVisitorMessage(
  deps: WebApiDeps,
  account: ResolvedWebAccount,
  visitorId: string,
  id: string,
  content: InboundContent,
) {
  const dedupeKey = `${visitorId}#${id}`;
  const result = await deps.accept({
    channel: 'web',
    accountName: account.name,
    customerExternalId: visitorId,
    platformMessageId: id,
    dedupeKey,
    sentAt: new Date(),
    content,
  });
  // Staff never write through the widget: every web message is a customer's, accepted or a duplicate.
  const messageId = result.outcome === 'staff_reply' ? undefined : result.messageId;
  const message = messageId ? await deps.messages.byId(messageId) : await deps.messages.byDedupeKey(account.name, dedupeKey);
  if (result.outcome === 'accepted' && message) {
    // Stored is what counts; the visitor's other tabs also catch up from the database.
    await deps.hub
      .publish(account.name, visitorId, { type: 'message', message })
      .catch((err) => deps.logger.warn({ err }, 'could not publish a visitor message'));
  }
  return { message, duplicate: result.outcome === 'duplicate' };
}
