import { MediaUnavailableError } from '../../errors.ts';
import { HttpTransportError, requestBytes } from '../../lib/http-json.ts';

/**
 * Images and files a user sends the bot arrive as a download URL of encrypted bytes: AES-256-CBC,
 * key = base64 of the key, IV its first 16 bytes, PKCS#7 padded to 32 bytes. Over the long
 * connection each message carries its own `aeskey` (doc 101463); in webhook mode the key is the
 * bot's EncodingAESKey (doc 100719, 图片/文件). @wecom/aibot-node-sdk's decryptFile implements it.
 * The URL is short-lived: the worker fetches it right after the ack (src/media/fetch-inbound-media.ts).
 */

/** What the worker holds in memory for one file: the docs give no size for these downloads. */
const MEDIA_MAX_BYTES = 20 * 1024 * 1024;
const MEDIA_TIMEOUT_MS = 15_000;

/** Where a file is and how it opens, packed into the message's MediaId. */
export interface AibotMediaRef {
  url: string;
  /** Long connection only: the message's own key. */
  aeskey?: string;
}

export const packMediaRef = (ref: AibotMediaRef): string => Buffer.from(JSON.stringify(ref)).toString('base64url');

function unpackMediaRef(mediaId: string): AibotMediaRef {
  try {
    const ref = JSON.parse(Buffer.from(mediaId, 'base64url').toString('utf8')) as AibotMediaRef;
    if (typeof ref.url === 'string') return ref;
  } catch {
    // falls through to the refusal below
  }
  throw new MediaUnavailableError('wecom-aibot:bad_media_ref', 'the MediaId is not one the AI bot channel made');
}

/** Downloads and decrypts one file; `accountKey` opens it when the message brought no key of its own. */
export async function downloadAibotMedia(mediaId: string, accountKey: string | undefined): Promise<{ contentType: string; bytes: Buffer }> {
  const ref = unpackMediaRef(mediaId);
  const key = ref.aeskey ?? accountKey;
  if (!key) throw new MediaUnavailableError('wecom-aibot:no_key', 'no key to open the file with');
  let file: { contentType: string; bytes: Buffer };
  try {
    file = await requestBytes({ url: ref.url, timeoutMs: MEDIA_TIMEOUT_MS, maxBytes: MEDIA_MAX_BYTES });
  } catch (err) {
    if (err instanceof HttpTransportError) throw new MediaUnavailableError(`http:${err.status ?? 'network'}`, err.message);
    throw err;
  }
  // Loaded on the first file, not with the channel: most processes never open one.
  const { decryptFile } = await import('@wecom/aibot-node-sdk');
  try {
    return { contentType: 'application/octet-stream', bytes: decryptFile(file.bytes, key) };
  } catch {
    throw new MediaUnavailableError('wecom-aibot:undecryptable', 'the file does not decrypt with its key (expired or replaced)');
  }
}
