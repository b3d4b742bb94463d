import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WechatMpApiClient } from './api-client.ts';
import { TOKEN_REJECTED } from './errcodes.ts';

/**
 * Temporary media a user sent (image, voice, video) is fetched by MediaId from media/get
 * (获取临时素材 https://developers.weixin.qq.com/doc/offiaccount/Asset_Management/Get_temporary_materials.html):
 * the body is the file itself, or JSON {errcode, errmsg} on failure. WeChat keeps it 3 days, so it
 * is copied under DATA_DIR/media/wechat-mp/<account>/ and the local path kept on the message.
 * media/get answers bytes, not JSON, hence plain fetch here rather than requestJson.
 */
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'audio/amr': 'amr',
  'audio/speex': 'speex',
  'video/mp4': 'mp4',
};

export async function downloadMedia(client: WechatMpApiClient, mediaDir: string, mediaId: string, timeoutMs: number): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const { url, token } = await client.urlWithToken('/cgi-bin/media/get', { media_id: mediaId });
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`media/get: HTTP ${res.status}`);
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const bytes = Buffer.from(await res.arrayBuffer());
    if (type === 'application/json' || type === 'text/plain') {
      const err = JSON.parse(bytes.toString('utf8')) as { errcode?: number; errmsg?: string };
      if (err.errcode && TOKEN_REJECTED.has(err.errcode) && attempt === 1) {
        await client.rejectToken(token);
        continue;
      }
      throw new Error(`media/get: errcode ${err.errcode}: ${err.errmsg ?? ''}`);
    }
    await mkdir(mediaDir, { recursive: true });
    // MediaIds are URL-safe base64-like strings; anything else is replaced so it stays one file name.
    const path = join(mediaDir, `${mediaId.replace(/[^A-Za-z0-9_-]/g, '_')}.${EXTENSIONS[type] ?? 'bin'}`);
    await writeFile(path, bytes);
    return path;
  }
}
