import { z } from 'zod';
import type { Database } from '../db/connect.ts';
import { presenceStates } from '../staff/presence-events.ts';
import type { RoundRobin } from '../conversations/staff-access.ts';
import type { PresenceStore } from '../staff/presence.ts';
import { HOLDING_ROLES, listAgents } from '../staff/list-agents.ts';
import { EVERY_ROLE } from '../staff/roles.ts';
import type { ApiRegistry } from './api-registry.ts';
import { role } from './api-schemas.ts';

export interface PresenceRoutesDeps {
  db: Database;
  presence: PresenceStore;
  /** AGENT_MAX_OPEN_CONVERSATIONS. */
  defaultCap: number;
  /** Back from away: round-robin may give the caller waiting conversations of their teams. */
  roundRobin?: Pick<RoundRobin, 'available'>;
}

const presence = z.enum(presenceStates);
const agent = z
  .object({
    id: z.number().int(),
    name: z.string(),
    role,
    presence,
    open: z.number().int(),
    cap: z.number().int(),
    teamIds: z.array(z.number().int()),
  })
  .meta({ id: 'Agent' });

/** Who is there to take conversations, and the console telling the server its user stepped away. */
export function registerPresenceRoutes(api: ApiRegistry, deps: PresenceRoutesDeps): void {
  api.operation({
    method: 'put',
    path: '/api/me/presence',
    summary:
      'Away or back (the console, e.g. when its tab is idle). Online needs an open GET /api/events; without one the answer is offline',
    tag: 'me',
    access: EVERY_ROLE,
    body: z.object({ presence: z.enum(['online', 'away']) }),
    success: { status: 200, description: 'The caller’s presence now', schema: z.object({ presence }) },
    handle: async ({ body, caller }) => {
      const now = await deps.presence.setAway(caller.userId, body.presence === 'away');
      if (now === 'online') await deps.roundRobin?.available(caller.userId);
      return { presence: now };
    },
  });

  api.operation({
    method: 'get',
    path: '/api/agents',
    summary: 'Staff who can hold conversations (not disabled): presence, conversations they hold, their cap',
    tag: 'agents',
    access: HOLDING_ROLES,
    success: { status: 200, description: 'By name', schema: z.object({ agents: z.array(agent) }) },
    handle: async () => ({ agents: await listAgents(deps.db, deps.presence, deps.defaultCap) }),
  });
}
