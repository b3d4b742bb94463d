import type Router from '@koa/router';
import { z } from 'zod';
import { RejectedRequestError } from '../../errors.ts';
import { acceptVisitorMessage } from './accept-visitor-message.ts';
import type { ApiEntry, WebApiDeps } from './api-entry.ts';
import { clientId, parse, readJson } from './request-input.ts';

const messageBody = z.object({ clientId, text: z.string() });

/** POST messages: the visitor's text, stored and queued like any channel's inbound. */
export function registerMessageRoutes(router: Router, base: string, deps: WebApiDeps, entry: ApiEntry): void {
  router.post(`${base}/messages`, (ctx) =>
    entry.counted(async () => {
      const account = await entry.enter(ctx);
      const visitorId = await entry.visitorOf(ctx, account);
      // Room for the longest allowed text in 4-byte characters plus JSON escaping and the clientId.
      const body = parse(messageBody, await readJson(ctx, account.maxMessageChars * 6 + 1024));
      const text = body.text.trim();
      if (text === '') throw new RejectedRequestError('empty_message', 'text is empty', 400);
      if ([...text].length > account.maxMessageChars) {
        throw new RejectedRequestError('message_too_long', `messages may be at most ${account.maxMessageChars} characters`, 413);
      }
      await entry.limit(`web:visitor:${account.name}:${visitorId}`, account.visitorMessagesPerMinute, 'messages');
      const { message, duplicate } = await acceptVisitorMessage(deps, account, visitorId, body.clientId, { type: 'text', text });
      ctx.status = duplicate ? 200 : 202;
      ctx.body = { message, duplicate };
      return { duplicate };
    }),
  );
}
