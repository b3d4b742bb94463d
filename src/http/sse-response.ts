import type { PassThrough } from 'node:stream';
import type { Context } from 'koa';

/** A comment line: keeps proxies and load balancers from closing an idle stream. */
export const SSE_PING = ': ping\n\n';

/**
 * Starts a Server-Sent Events response (https://html.spec.whatwg.org/multipage/server-sent-events.html)
 * and pipes `out` into it. Written by hand rather than as a Koa stream body: a client closing the
 * tab is the normal end of a stream, not an error for Koa to report.
 */
export function pipeSseResponse(ctx: Context, out: PassThrough): void {
  ctx.respond = false;
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    // nginx buffers proxied responses unless told not to.
    'X-Accel-Buffering': 'no',
  });
  out.pipe(ctx.res);
}

/** One named event with JSON data. */
export function formatNamedSseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
