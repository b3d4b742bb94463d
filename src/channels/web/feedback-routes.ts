import type Router from '@koa/router';
import { z } from 'zod';
import { answerRatings } from '../../conversations/record-answer-feedback.ts';
import type { ApiEntry, WebApiDeps } from './api-entry.ts';
import { parse, readJson } from './request-input.ts';

const feedbackBody = z.object({ messageId: z.number().int().positive(), rating: z.enum(answerRatings) });

/** POST feedback: the visitor's 👍/👎 on one of the bot's answers to them (a second vote replaces the first). */
export function registerFeedbackRoutes(router: Router, base: string, deps: WebApiDeps, entry: ApiEntry): void {
  router.post(`${base}/feedback`, async (ctx) => {
    const account = await entry.enter(ctx);
    const visitorId = await entry.visitorOf(ctx, account);
    const body = parse(feedbackBody, await readJson(ctx, 1024));
    // A vote is cheap to send and costs a write: held to the visitor's message rate.
    await entry.limit(`web:visitor:${account.name}:${visitorId}`, account.visitorMessagesPerMinute, 'messages');
    ctx.body = await deps.messages.rate(account.name, visitorId, body.messageId, body.rating);
  });
}
