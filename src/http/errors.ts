import type { Middleware } from 'koa';
import { AppError, RateLimitedError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';

/**
 * The one place errors become HTTP answers: an AppError keeps its status and code; anything else
 * is a 500 that is logged with its stack. Platform callbacks get the same JSON answer: WeChat
 * ignores the body of an error answer, and the body still says why, for whoever reads it.
 */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof AppError) {
        ctx.status = err.status;
        ctx.body = { error: err.code, message: err.message };
        if (err instanceof RateLimitedError) {
          ctx.set('Retry-After', String(err.retryAfterSeconds));
          ctx.body = { ...ctx.body, retryAfterSeconds: err.retryAfterSeconds };
        }
        const level = err.status >= 500 ? 'error' : 'info';
        logger[level]({ path: ctx.path, code: err.code, status: err.status, ...(err.status >= 500 ? { err } : {}) }, 'request refused');
        return;
      }
      ctx.status = 500;
      ctx.body = { error: 'internal', message: 'internal error' };
      logger.error({ err, path: ctx.path }, 'unhandled error');
    }
  };
}
