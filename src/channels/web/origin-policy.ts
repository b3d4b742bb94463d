import type { Context } from 'koa';
import type { WebAccount } from './config.ts';
import { RejectedRequestError } from '../../errors.ts';

/**
 * Which web pages may talk to a widget account. Browsers send Origin on cross-origin requests (and
 * on same-origin POSTs); a request from a page whose origin is not allowed is refused with 403
 * before it does anything. Requests without Origin (same-origin GETs, non-browser clients) pass:
 * the origin check protects visitors' browsers, the session token protects the data.
 * An empty allow-list means the service's own origin only; `*` allows any.
 */
export function applyOriginPolicy(ctx: Context, account: WebAccount): void {
  const origin = ctx.get('Origin');
  ctx.vary('Origin');
  // Not ctx.origin: Koa 3 answers that from the Origin header itself.
  if (!origin || origin === `${ctx.protocol}://${ctx.host}`) return;
  if (!account.allowedOrigins.includes('*') && !account.allowedOrigins.includes(origin)) {
    throw new RejectedRequestError(
      'origin_not_allowed',
      `pages on ${origin} may not use this chat widget; add the origin to its allowed origins`,
      403,
    );
  }
  ctx.set('Access-Control-Allow-Origin', origin);
  ctx.set('Access-Control-Expose-Headers', 'Retry-After');
}

/** The CORS preflight (https://fetch.spec.whatwg.org/#cors-preflight-fetch) of an allowed origin. */
export function answerPreflight(ctx: Context, account: WebAccount): void {
  applyOriginPolicy(ctx, account);
  ctx.set('Access-Control-Allow-Methods', 'GET, POST');
  ctx.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, Last-Event-ID, X-File-Name, X-Client-Id');
  ctx.set('Access-Control-Max-Age', '600');
  ctx.status = 204;
}
