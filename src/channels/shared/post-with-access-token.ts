import { DeliveryError } from '../../errors.ts';
import { HttpTransportError, requestJson } from '../../lib/http-json.ts';

/**
 * POSTs JSON to a WeChat-family API with the access token in the query string, as WeCom
 * (https://developer.work.weixin.qq.com/document/path/90664) and the Official Account
 * (https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Get_access_token.html) both
 * take it. A transport failure (network, HTTP status) is a retryable DeliveryError; the answer's
 * errcode is the caller's to read.
 */
export async function postWithAccessToken<T>(apiBase: string, path: string, body: unknown, token: string, timeoutMs: number): Promise<T> {
  const url = new URL(path, apiBase);
  url.searchParams.set('access_token', token);
  try {
    return await requestJson<T>({ url: url.href, body, timeoutMs });
  } catch (err) {
    if (err instanceof HttpTransportError) throw new DeliveryError(true, `http:${err.status ?? 'network'}`, err.message);
    throw err;
  }
}
