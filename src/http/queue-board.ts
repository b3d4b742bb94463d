import type { Queue } from 'bullmq';
import type { Middleware } from 'koa';
import { constantTimeEqual } from '../lib/constant-time-equal.ts';

/** Where operators see and retry jobs: Bull Board (https://github.com/felixmosh/bull-board). */
export const QUEUE_BOARD_PATH = '/admin/queues';

export interface AdminCredentials {
  user: string;
  password: string;
}

/** HTTP Basic (RFC 7617) in front of everything under `path`; anything else passes through. */
export function requireBasicAuth(path: string, credentials: AdminCredentials): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== path && !ctx.path.startsWith(`${path}/`)) return next();
    const [scheme, encoded] = (ctx.get('authorization') || '').split(' ');
    const decoded = scheme?.toLowerCase() === 'basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const ok =
      colon > 0 &&
      constantTimeEqual(decoded.slice(0, colon), credentials.user) &&
      constantTimeEqual(decoded.slice(colon + 1), credentials.password);
    if (!ok) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Basic realm="kefu-hub admin", charset="UTF-8"');
      ctx.body = { error: 'unauthorized', message: 'admin login required' };
      return;
    }
    return next();
  };
}

/**
 * Bull Board for `queues` at QUEUE_BOARD_PATH, behind the admin login. Loaded only when an operator
 * turns it on (ADMIN_USER): its packages cost every api process about 0.3 s of CPU to load.
 */
export async function queueBoard(queues: Queue[], credentials: AdminCredentials): Promise<Middleware[]> {
  const [{ createBullBoard }, { BullMQAdapter }, { KoaAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/koa'),
  ]);
  const serverAdapter = new KoaAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter });
  return [requireBasicAuth(QUEUE_BOARD_PATH, credentials), serverAdapter.registerPlugin()];
}
