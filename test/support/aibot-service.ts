import { eq } from 'drizzle-orm';
import { messages, webUploads } from '../../src/db/schema.ts';
import { vectors } from './callback-vectors.ts';
import { eventually, type Harness } from './wecom-service.ts';

/** An AI bot in webhook mode, configured with the official test token and key (ReceiveId empty). */
export const aibotKeys = { token: vectors.token, encodingAesKey: vectors.encodingAESKey };

export const aibotWebhookEnv = (): Record<string, string> => ({
  WECOM_AIBOT_MODE: 'webhook',
  WECOM_AIBOT_TOKEN: aibotKeys.token,
  WECOM_AIBOT_ENCODING_AES_KEY: aibotKeys.encodingAesKey,
  WECOM_AIBOT_WELCOME_TEXT: '您好，我是智能客服，有什么可以帮您？',
});

/** An AI bot on the long connection, its server faked on loopback at `wsUrl`. */
export const aibotBot = { botId: 'aibtestbot', secret: 'aibot-test-secret' };

export const aibotWsEnv = (wsUrl: string): Record<string, string> => ({
  WECOM_AIBOT_ID: aibotBot.botId,
  WECOM_AIBOT_SECRET: aibotBot.secret,
  WECOM_AIBOT_WS_URL: wsUrl,
  WECOM_AIBOT_WELCOME_TEXT: '您好，我是智能客服，有什么可以帮您？',
});

/** What became of a picture the bot was sent, once the worker fetched it: the web upload it was stored as, or the media error. */
export async function fetchedPicture(h: Harness, platformMessageId: string) {
  const content = await eventually(
    async () => {
      const [row] = await h.service.db.select().from(messages).where(eq(messages.platformMessageId, platformMessageId));
      const stored = row?.content as { mediaStoreId?: string; mediaError?: string } | undefined;
      return stored?.mediaStoreId || stored?.mediaError ? stored : undefined;
    },
    20_000,
    'the picture fetched',
  );
  const [upload] = content.mediaStoreId ? await h.service.db.select().from(webUploads).where(eq(webUploads.id, content.mediaStoreId)) : [];
  return { mediaError: content.mediaError, upload };
}
