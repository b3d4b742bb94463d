import { MediaUnavailableError } from '../../errors.ts';
import { HttpTransportError, requestBytes } from '../../lib/http-json.ts';
import type { WechatMpApiClient } from './api-client.ts';
import { describeErrcode, TOKEN_REJECTED } from './errcodes.ts';

/**
 * Temporary media a user sent (image, voice, video) is fetched by MediaId from media/get
 * (获取临时素材 https://developers.weixin.qq.com/doc/offiaccount/Asset_Management/Get_temporary_materials.html):
 * GET /cgi-bin/media/get?access_token=…&media_id=…; the body is the file itself, or JSON
 * {errcode, errmsg} on failure (40007 invalid media_id: unknown, or older than the 3 days WeChat
 * keeps it). Fetched by the worker after the callback was acknowledged, never inside it: WeChat
 * retries a callback not answered within 5 s.
 *
 * Temporary media is at most 10 MB (images and videos; voice 2 MB), 新增临时素材
 * https://developers.weixin.qq.com/doc/offiaccount/Asset_Management/New_temporary_materials.html
 */
export const MEDIA_MAX_BYTES = 10 * 1024 * 1024;
const MEDIA_TIMEOUT_MS = 10_000;

export async function downloadMedia(client: WechatMpApiClient, mediaId: string): Promise<{ contentType: string; bytes: Buffer }> {
  for (let attempt = 1; ; attempt++) {
    const { url, token } = await client.urlWithToken('/cgi-bin/media/get', { media_id: mediaId });
    let file: { contentType: string; bytes: Buffer };
    try {
      file = await requestBytes({ url, timeoutMs: MEDIA_TIMEOUT_MS, maxBytes: MEDIA_MAX_BYTES });
    } catch (err) {
      if (err instanceof HttpTransportError) throw new MediaUnavailableError(`http:${err.status ?? 'network'}`, err.message);
      throw err;
    }
    if (file.contentType !== 'application/json' && file.contentType !== 'text/plain') return file;
    let answer: { errcode?: number; errmsg?: string };
    try {
      answer = JSON.parse(file.bytes.toString('utf8')) as typeof answer;
    } catch {
      throw new MediaUnavailableError('wechat-mp:bad_answer', 'media/get answered text that is not JSON');
    }
    const errcode = answer.errcode ?? -2;
    if (TOKEN_REJECTED.has(errcode) && attempt === 1) {
      await client.rejectToken(token);
      continue;
    }
    throw new MediaUnavailableError(`wechat-mp:${errcode}`, `media/get: ${describeErrcode(errcode, answer.errmsg)}`);
  }
}
