import type Router from '@koa/router';
import type { Context } from 'koa';
import { RejectedRequestError } from '../../errors.ts';
import type { InboundContent } from '../types.ts';
import { acceptVisitorMessage } from './accept-visitor-message.ts';
import type { ApiEntry, WebApiDeps } from './api-entry.ts';
import { clientId, parse } from './request-input.ts';

function fileNameOf(ctx: Context): string {
  try {
    return decodeURIComponent(ctx.get('X-File-Name') || 'file');
  } catch {
    // A name that is not valid percent-encoding keeps the default.
    return 'file';
  }
}

/** POST uploads (a file or image sent as a message) and GET uploads/:fileId (the visitor's own files only). */
export function registerUploadRoutes(router: Router, base: string, deps: WebApiDeps, entry: ApiEntry): void {
  router.post(`${base}/uploads`, (ctx) =>
    entry.counted(async () => {
      const account = await entry.enter(ctx);
      const visitorId = await entry.visitorOf(ctx, account);
      const id = parse(clientId, ctx.get('X-Client-Id') || ctx.query.clientId);
      await entry.limit(`web:visitor:${account.name}:${visitorId}`, account.visitorMessagesPerMinute, 'messages');
      // A retried upload (same client id) is answered with the message already stored.
      const existing = await deps.messages.byDedupeKey(account.name, `${visitorId}#${id}`);
      if (existing) {
        ctx.req.resume();
        ctx.body = { message: existing, duplicate: true };
        return { duplicate: true };
      }
      const allowance = await deps.budgets.uploadLimit(account, visitorId);
      const upload = await deps.uploads.save(account.name, visitorId, ctx.req, fileNameOf(ctx), allowance);
      deps.budgets.uploaded(account, upload.size);
      const url = `/api/web/${account.publicId}/uploads/${upload.id}`;
      const content: InboundContent = upload.kind === 'image' ? { type: 'image', url } : { type: 'file', url, fileName: upload.name };
      const { message, duplicate } = await acceptVisitorMessage(deps, account, visitorId, id, content);
      ctx.status = duplicate ? 200 : 202;
      ctx.body = { message, duplicate };
      return { duplicate };
    }),
  );

  router.get(`${base}/uploads/:fileId`, async (ctx) => {
    const account = await entry.enter(ctx);
    const fileId = String(ctx.params.fileId);
    // <img> and links send no headers: a download ticket for this file, or the session header.
    const visitorId =
      ctx.query.ticket === undefined
        ? await entry.visitorOf(ctx, account)
        : await entry.auth.ticket(ctx, account, { purpose: 'download', fileId });
    const found = await deps.uploads.find(account.name, visitorId, fileId);
    // Another visitor's file and a missing one look the same.
    if (!found) throw new RejectedRequestError('not_found', 'no such file', 404);
    const { upload } = found;
    ctx.type = upload.contentType;
    ctx.length = upload.size;
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
    ctx.set('Cache-Control', 'private, max-age=3600');
    if (upload.kind === 'file') ctx.attachment(upload.name);
    ctx.body = found.bytes;
  });
}
