import { z } from 'zod';
import { EVERY_ROLE } from '../../staff/roles.ts';
import type { ApiRegistry } from '../api-registry.ts';
import { type ConsoleStreamDeps, openConsoleStream } from './console-event-stream.ts';

/** GET /api/events: every role may open it; what each is told is filtered per caller. */
export function registerEventsRoute(api: ApiRegistry, deps: ConsoleStreamDeps): void {
  api.operation({
    method: 'get',
    path: '/api/events',
    summary:
      'Live events (Server-Sent Events): `ready`, then `conversation` (what changed, no text) and `presence`; a `: ping` comment every 25 s. Agents are told of conversations waiting, theirs and their team’s; marketers of presence only.',
    tag: 'live',
    access: EVERY_ROLE,
    success: { status: 200, description: 'An endless event stream', schema: z.string(), contentType: 'text/event-stream' },
    handle: ({ ctx, caller }) => openConsoleStream(ctx, deps, caller),
  });
}
