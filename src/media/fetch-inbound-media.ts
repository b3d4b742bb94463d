import { sql } from 'drizzle-orm';
import type { Channel, MediaStoreRef } from '../channels/types.ts';
import type { ConversationHeader } from '../conversations/load-turn.ts';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';
import { MediaUnavailableError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { saveMedia } from './media-store.ts';

/**
 * Fetches into the media store the files of the turn's pending messages that arrived as a
 * platform MediaId (an Official Account's image, voice or video). It runs in the worker, after the
 * callback was acknowledged: inside the callback it delayed the ack (and ran again on each
 * platform retry), and wrote to the local disk of whichever replica took the callback. A file the
 * platform cannot give (an id older than its 3 days, errcode 40007) is recorded on the message as
 * `mediaError` and the turn goes on; each message is tried once.
 */
export async function fetchInboundMedia(
  deps: { db: Database; logger: Logger },
  channel: Pick<Channel, 'fetchMedia'>,
  conversation: ConversationHeader,
  messageIds: number[],
): Promise<void> {
  if (!channel.fetchMedia || messageIds.length === 0) return;
  const waiting = await queryRows<{ id: string | number; channel_account_id: number; content: { type: string; mediaId: string } }>(
    deps.db,
    sql`select id, channel_account_id, content from messages
        where id = any(${`{${messageIds.join(',')}}`}::bigint[])
          and content ? 'mediaId' and not content ? 'mediaStoreId' and not content ? 'mediaError'`,
  );
  for (const message of waiting) {
    const id = Number(message.id);
    let ref: MediaStoreRef;
    try {
      const file = await channel.fetchMedia(conversation.accountName, message.content.mediaId);
      const stored = await saveMedia(deps.db, {
        channelAccountId: message.channel_account_id,
        owner: conversation.customerExternalId,
        name: `${message.content.type}-${id}`,
        bytes: file.bytes,
      });
      ref = { mediaStoreId: stored.id };
    } catch (err) {
      // Anything else (the database failing) fails the turn, which is retried.
      if (!(err instanceof MediaUnavailableError)) throw err;
      deps.logger.warn(
        { err, code: err.platformCode, conversationId: conversation.id, messageId: id },
        'media not fetched; the message keeps its MediaId',
      );
      ref = { mediaError: err.message };
    }
    await deps.db.execute(sql`update messages set content = content || ${JSON.stringify(ref)}::jsonb where id = ${id}`);
  }
}
